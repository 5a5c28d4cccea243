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

func TestLoginRateLimitPerAccount(t *testing.T) {
	env := webtest.Start(t, nil)
	_, u := env.NewUser(account.RoleParticipant)
	c := env.Client()
	for i := 0; i < 5; i++ {
		if r := loginFrom(c, fmt.Sprintf("10.0.0.%d", i), u.Email, "password-sbagliata"); r.Status != 401 {
			t.Fatalf("attempt %d: %d %s", i, r.Status, r.Body)
		}
	}
	// Now even the right password waits, whatever X-Forwarded-For says.
	retryAfter(t, loginFrom(c, "10.9.9.9", u.Email, webtest.Password))
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
	env := webtest.Start(t, func(c *config.Config) { c.TrustedProxies = []string{"127.0.0.1"} })
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
