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
type accountLimits struct {
	loginIP      *ratelimit.Limiter // every login attempt
	loginAccount *ratelimit.Limiter // failed attempts on one email
	enrolIP      *ratelimit.Limiter
	resetIP      *ratelimit.Limiter
	resetAccount *ratelimit.Limiter // mails sent to one address
}

func newAccountLimits() *accountLimits {
	return &accountLimits{
		loginIP:      ratelimit.New(20, time.Minute),
		loginAccount: ratelimit.New(5, time.Minute),
		enrolIP:      ratelimit.New(10, time.Hour),
		resetIP:      ratelimit.New(10, time.Hour),
		resetAccount: ratelimit.New(3, time.Hour),
	}
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
