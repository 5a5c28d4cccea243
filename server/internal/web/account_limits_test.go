package web_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

func loginFrom(c *webtest.Client, xff, email, password string) *webtest.Response {
	req, _ := http.NewRequest("POST", c.Env.Base+"/api/v1/session",
		strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.CSRF())
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
		req.Header.Set("X-Real-Ip", xff)
	}
	return c.Send(req)
}

func retryAfter(t *testing.T, r *webtest.Response) {
	t.Helper()
	if r.Status != 429 || r.ErrorCode() != "rate_limited" {
		t.Fatalf("status %d %s, want 429 rate_limited", r.Status, r.Body)
	}
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
}

// trustLoopbackProxy believes X-Forwarded-For from the test client, so each
// request can come from another address.
func trustLoopbackProxy(c *config.Config) { c.TrustedProxies = []string{"127.0.0.1"} }

// Failures from one address lock that address out of the account, and only
// it: the owner logs in from another address, however long the attacker
// keeps failing, and the attacker stays locked out, even with the right
// password. One address cannot lock out the 4 people it targets. (That the
// right password waits after an address's own 5 failures on one account,
// apart from the address's limit over all accounts, is in
// TestLoginBruteForceStillLimited.)
func TestLoginLockoutIsNotAWeapon(t *testing.T) {
	env := webtest.Start(t, trustLoopbackProxy)
	attacker := env.Client()
	const from = "198.51.100.7"
	var owners []*account.User
	for range 4 {
		_, u := env.NewUser(account.RoleParticipant)
		owners = append(owners, u)
	}
	for _, u := range owners {
		for i := 0; i < 5; i++ {
			if r := loginFrom(attacker, from, u.Email, "password-sbagliata"); r.Status != 401 {
				t.Fatalf("case %s attempt %d: got %d %s, want 401", u.Email, i, r.Status, r.Body)
			}
		}
	}
	// 20 attempts in a minute is also the address's limit over all accounts.
	for _, u := range owners {
		retryAfter(t, loginFrom(attacker, from, u.Email, webtest.Password))
	}
	for round := range 2 {
		for i, u := range owners {
			owner := env.Client()
			if r := loginFrom(owner, fmt.Sprintf("203.0.113.%d", i+1), u.Email, webtest.Password); r.Status != 200 || owner.Cookie("tavolo_session") == "" {
				t.Fatalf("case owner %d round %d: got %d %s, want 200 and a session", i, round, r.Status, r.Body)
			}
			// The attacker keeps trying; refused attempts count for nothing.
			for range 3 {
				retryAfter(t, loginFrom(attacker, from, u.Email, "password-sbagliata"))
			}
		}
	}
	if attacker.Cookie("tavolo_session") != "" {
		t.Fatal("the attacker got a session")
	}
}

// Brute force stays bounded: one address gets 5 guesses at an account, and
// addresses taking turns get loginAccountCeiling (50) together, after which
// even a fresh address with the right password waits.
func TestLoginBruteForceStillLimited(t *testing.T) {
	env := webtest.Start(t, trustLoopbackProxy)
	_, u := env.NewUser(account.RoleParticipant)
	c := env.Client()
	failures := 0
	for a := 1; failures < 50; a++ {
		from := fmt.Sprintf("192.0.2.%d", a)
		for i := 0; i < 5; i++ {
			if r := loginFrom(c, from, u.Email, fmt.Sprintf("tentativo-%d", failures)); r.Status != 401 {
				t.Fatalf("case guess %d from %s: got %d %s, want 401", failures, from, r.Status, r.Body)
			}
			failures++
		}
		retryAfter(t, loginFrom(c, from, u.Email, webtest.Password))
	}
	retryAfter(t, loginFrom(c, "192.0.2.250", u.Email, webtest.Password))
	if c.Cookie("tavolo_session") != "" {
		t.Fatal("logged in past the limit")
	}
}

func TestLoginRateLimitPerIPIgnoresSpoofedForwardedFor(t *testing.T) {
	env := webtest.Start(t, nil)
	c := env.Client()
	// 20 a minute: slow hashing (-race) may refill a token or two meanwhile,
	// but were X-Forwarded-For believed, no attempt would ever be refused.
	for i := 0; ; i++ {
		r := loginFrom(c, fmt.Sprintf("192.0.2.%d", i), fmt.Sprintf("nessuno%d@example.it", i), "password-qualsiasi")
		if r.Status == 429 {
			if i < 20 {
				t.Fatalf("refused after only %d attempts", i)
			}
			retryAfter(t, r)
			return
		}
		if r.Status != 401 || i > 30 {
			t.Fatalf("attempt %d: %d %s", i, r.Status, r.Body)
		}
	}
}

// With a trusted proxy, X-Forwarded-For names the client: the limit then
// counts each client apart.
func TestLoginRateLimitBehindTrustedProxy(t *testing.T) {
	env := webtest.Start(t, trustLoopbackProxy)
	c := env.Client()
	for i := 0; i < 25; i++ {
		if r := loginFrom(c, fmt.Sprintf("192.0.2.%d", i), fmt.Sprintf("nessuno%d@example.it", i), "password-qualsiasi"); r.Status != 401 {
			t.Fatalf("attempt %d: %d %s", i, r.Status, r.Body)
		}
	}
}

func TestEnrolmentRateLimit(t *testing.T) {
	env := webtest.Start(t, nil)
	c := env.Client()
	c.Expect(201, "POST", "/api/v1/enrolments", enrolment("c_f205", "giulia@example.it"))
	for i := 1; i < 10; i++ {
		r := enrolFrom(c, fmt.Sprintf("10.1.1.%d", i))
		if r.Status != 409 {
			t.Fatalf("attempt %d: %d %s", i, r.Status, r.Body)
		}
	}
	retryAfter(t, enrolFrom(c, "10.1.1.99"))
}

// enrolFrom re-sends the same enrolment from a spoofed address.
func enrolFrom(c *webtest.Client, xff string) *webtest.Response {
	body := `{"codice_ipa":"c_f205","name":"Comune di Milano","category":"comune","region":"lombardia","referente":{"name":"Giulia","email":"giulia@example.it","password":"password-lunga"}}`
	req, _ := http.NewRequest("POST", c.Env.Base+"/api/v1/enrolments", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.CSRF())
	req.Header.Set("X-Forwarded-For", xff)
	return c.Send(req)
}

func TestPasswordResetRequestRateLimit(t *testing.T) {
	env := webtest.Start(t, nil)
	c := env.Client()
	for i := 0; i < 10; i++ {
		c.Expect(202, "POST", "/api/v1/password-resets", map[string]any{"email": fmt.Sprintf("x%d@example.it", i)})
	}
	retryAfter(t, c.Do("POST", "/api/v1/password-resets", map[string]any{"email": "y@example.it"}))
}
