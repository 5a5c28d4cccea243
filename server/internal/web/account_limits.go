package web

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/ratelimit"
)

// accountLimits are the rate limits of the account forms. They key on
// c.IP(), which believes X-Forwarded-For only from a configured trusted proxy.
//
// Failed logins are counted per (account, address), per address and per
// account, so that failures from one address lock that address out, not
// the account's owner elsewhere: an address that keeps failing cannot keep
// an account locked. Brute force stays bounded: one address gets
// loginPairBurst guesses at one account, then one every loginPairPeriod /
// loginPairBurst; any number of addresses together get at most
// loginAccountCeiling failures an hour on one account (about 1,200 a day),
// after which every address waits, the owner's too. Only an attacker with
// several addresses can reach that ceiling.
type accountLimits struct {
	loginIP      *ratelimit.Limiter // every login attempt from an address
	loginFailIP  *ratelimit.Limiter // failed logins from an address, on any account
	loginPair    *ratelimit.Limiter // failed logins from an address on one account
	loginAccount *ratelimit.Limiter // failed logins on one account, from every address
	enrolIP      *ratelimit.Limiter
	resetIP      *ratelimit.Limiter
	resetAccount *ratelimit.Limiter // mails sent to one address
}

const (
	loginPairBurst      = 5
	loginPairPeriod     = 15 * time.Minute
	loginFailIPHourly   = 30
	loginAccountCeiling = 50 // failures an hour on one account, all addresses together
)

func newAccountLimits() *accountLimits {
	return &accountLimits{
		loginIP:      ratelimit.New(20, time.Minute),
		loginFailIP:  ratelimit.New(loginFailIPHourly, time.Hour),
		loginPair:    ratelimit.New(loginPairBurst, loginPairPeriod),
		loginAccount: ratelimit.New(loginAccountCeiling, time.Hour),
		enrolIP:      ratelimit.New(10, time.Hour),
		resetIP:      ratelimit.New(10, time.Hour),
		resetAccount: ratelimit.New(3, time.Hour),
	}
}

// loginAttempt reserves, for one login of email from ip, a failure in each
// failure limit, in order, and gives back what it took if one is spent:
// a refused attempt uses up nothing, so an address that is locked out does
// not eat into the account's budget. The caller ends the attempt with
// done(false) when the password was not wrong, which gives them back.
func (l *accountLimits) loginAttempt(email, ip string) (done func(failed bool), err error) {
	steps := []struct {
		l   *ratelimit.Limiter
		key string
	}{{l.loginPair, email + "\x00" + ip}, {l.loginFailIP, ip}, {l.loginAccount, email}}
	for i, st := range steps {
		if ok, wait := st.l.Allow(st.key); !ok {
			for _, taken := range steps[:i] {
				taken.l.Refund(taken.key)
			}
			return nil, tooMany(wait)
		}
	}
	return func(failed bool) {
		if failed {
			return
		}
		for _, st := range steps {
			st.l.Refund(st.key)
		}
	}, nil
}

func clientIP(c *fiber.Ctx) string { return utils.CopyString(c.IP()) }

// tooMany is the 429 answer, carrying Retry-After.
func tooMany(wait time.Duration) error {
	e := problem.ErrTooMany.Wrap(nil)
	e.RetryAfter = wait
	return e
}

// allow takes a token from l for key or returns the 429.
func allow(l *ratelimit.Limiter, key string) error {
	if ok, wait := l.Allow(key); !ok {
		return tooMany(wait)
	}
	return nil
}
