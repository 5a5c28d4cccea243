package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// post sends a JSON POST with explicit CSRF header and Origin (nil: omitted).
func post(c *webtest.Client, path, body string, csrf *string, origin string) *webtest.Response {
	req, _ := http.NewRequest("POST", c.Env.Base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if csrf != nil {
		req.Header.Set("X-CSRF-Token", *csrf)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	return c.Send(req)
}

func TestCSRF(t *testing.T) {
	env := webtest.Start(t, nil)
	c, _ := env.NewUser(account.RoleParticipant)
	good := c.CSRF()
	wrong := good[:len(good)-1] + "x"
	empty := ""
	body := `{"name":"Nuovo Nome"}`
	cases := []struct {
		name   string
		csrf   *string
		origin string
		want   int
	}{
		{"no header", nil, "", 403},
		{"empty header", &empty, "", 403},
		{"wrong token", &wrong, "", 403},
		{"foreign origin", &good, "https://evil.example", 403},
		{"origin null", &good, "null", 403},
		{"our origin", &good, env.Base, 200},
		{"no origin (non-browser)", &good, "", 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("PATCH", env.Base+"/api/v1/me", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if tc.csrf != nil {
				req.Header.Set("X-CSRF-Token", *tc.csrf)
			}
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			r := c.Send(req)
			if r.Status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.want, r.Body)
			}
			if tc.want == 403 && r.ErrorCode() != "csrf_failed" {
				t.Fatalf("code %q", r.ErrorCode())
			}
		})
	}
	// Login and enrolment are guarded too: no session is needed to be forged into one.
	anon := env.Client()
	for _, path := range []string{"/api/v1/session", "/api/v1/enrolments", "/api/v1/password-resets"} {
		if r := post(anon, path, `{}`, nil, ""); r.Status != 403 || r.ErrorCode() != "csrf_failed" {
			t.Fatalf("%s without token: %d %s", path, r.Status, r.Body)
		}
	}
	// A cookie set by another client is no good without the same header.
	if r := post(anon, "/api/v1/session", `{}`, &good, ""); r.Status != 403 {
		t.Fatalf("someone else's token accepted: %d", r.Status)
	}
}

func TestLoginRotatesSessionAndLogoutRevokes(t *testing.T) {
	env := webtest.Start(t, nil)
	c, u := env.NewUser(account.RoleParticipant)
	before := c.Cookie("tavolo_session")

	var got userBody
	c.Expect(200, "POST", "/api/v1/session", map[string]any{"email": u.Email, "password": webtest.Password}).JSON(t, &got)
	after := c.Cookie("tavolo_session")
	if after == "" || after == before || got.User.ID != u.ID {
		t.Fatalf("session not rotated: before %q after %q", before, after)
	}
	// The pre-login token is dead.
	old := env.Client()
	old.HTTP.Jar.SetCookies(mustURL(env.Base), []*http.Cookie{{Name: "tavolo_session", Value: before, Path: "/"}})
	old.Expect(401, "GET", "/api/v1/me", nil)

	// Logout revokes the session server-side, not only the cookie.
	copyOf := env.Client()
	copyOf.HTTP.Jar.SetCookies(mustURL(env.Base), []*http.Cookie{{Name: "tavolo_session", Value: after, Path: "/"}})
	copyOf.Expect(200, "GET", "/api/v1/me", nil)
	c.Expect(204, "DELETE", "/api/v1/session", nil)
	copyOf.Expect(401, "GET", "/api/v1/me", nil)
	c.Expect(401, "GET", "/api/v1/me", nil)
}

func TestSessionEndListeners(t *testing.T) {
	env := webtest.Start(t, nil)
	ended := make(chan string, 4)
	env.Board.Accounts.OnSessionEnd(func(id string) { ended <- id })
	c, u := env.NewUser(account.RoleParticipant)
	_, sid, _, err := env.Board.Accounts.SessionUser(t.Context(), c.Cookie("tavolo_session"))
	if err != nil {
		t.Fatal(err)
	}
	env.Suspend(u)
	select {
	case got := <-ended:
		if got != sid {
			t.Fatalf("ended %q, want %q", got, sid)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no session-end notice after suspension")
	}
	c.Expect(403, "GET", "/api/v1/me", nil) // the suspension, once
	c.Expect(401, "GET", "/api/v1/me", nil)
	r := c.Expect(403, "POST", "/api/v1/session", map[string]any{"email": u.Email, "password": webtest.Password})
	if r.ErrorCode() != "account_suspended" {
		t.Fatalf("code %q", r.ErrorCode())
	}
}

func TestPasswordChangeRevokesOtherSessions(t *testing.T) {
	env := webtest.Start(t, nil)
	c, u := env.NewUser(account.RoleParticipant)
	other := env.Client()
	other.LoginAs(u)
	other.Expect(200, "GET", "/api/v1/me", nil)

	r := c.Expect(400, "PUT", "/api/v1/me/password", map[string]any{"current_password": "sbagliata-davvero", "new_password": "nuova-password-1"})
	if _, ok := r.Fields()["current_password"]; !ok {
		t.Fatalf("fields %v", r.Fields())
	}
	r = c.Raw().Expect(400, "PUT", "/api/v1/me/password", map[string]any{"current_password": webtest.Password, "new_password": "corta"})
	if _, ok := r.Fields()["new_password"]; !ok {
		t.Fatalf("fields %v", r.Fields())
	}
	c.Expect(204, "PUT", "/api/v1/me/password", map[string]any{"current_password": webtest.Password, "new_password": "nuova-password-1"})
	c.Expect(200, "GET", "/api/v1/me", nil)
	other.Expect(401, "GET", "/api/v1/me", nil)

	anon := env.Client()
	anon.Expect(401, "POST", "/api/v1/session", map[string]any{"email": u.Email, "password": webtest.Password})
	anon.Expect(200, "POST", "/api/v1/session", map[string]any{"email": u.Email, "password": "nuova-password-1"})
}

func TestCookieAttributes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		public string
		secure bool
	}{{"http", "", false}, {"https", "https://tavolo.example.it", true}} {
		t.Run(tc.name, func(t *testing.T) {
			env := webtest.Start(t, func(c *config.Config) {
				if tc.public != "" {
					c.PublicURL = tc.public
				}
			})
			// Base follows the public URL: talk to the listener instead.
			direct := *env
			direct.Base = "http://" + env.Board.Config.Addr
			env = &direct
			_, u := env.NewUser(account.RoleParticipant)
			c := env.Client()
			// Done by hand: the jar would not send Secure cookies over http.
			get := c.Expect(200, "GET", "/api/v1/session", nil)
			csrf := findCookie(t, get.Header, "tavolo_csrf")
			if csrf.HttpOnly || csrf.SameSite != http.SameSiteLaxMode || csrf.Secure != tc.secure || csrf.Path != "/" {
				t.Fatalf("csrf cookie %+v", csrf)
			}
			req, _ := http.NewRequest("POST", env.Base+"/api/v1/session", strings.NewReader(`{"email":"`+u.Email+`","password":"`+webtest.Password+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", csrf.Value)
			req.AddCookie(&http.Cookie{Name: "tavolo_csrf", Value: csrf.Value})
			r := c.Send(req)
			if r.Status != 200 {
				t.Fatalf("login %d %s", r.Status, r.Body)
			}
			s := findCookie(t, r.Header, "tavolo_session")
			if !s.HttpOnly || s.SameSite != http.SameSiteLaxMode || s.Secure != tc.secure || s.Path != "/" || s.Value == "" {
				t.Fatalf("session cookie %+v", s)
			}
			if time.Until(s.Expires) < 13*24*time.Hour {
				t.Fatalf("session cookie expires %v", s.Expires)
			}
		})
	}
}

func findCookie(t *testing.T, h http.Header, name string) *http.Cookie {
	t.Helper()
	for _, ck := range (&http.Response{Header: h}).Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	t.Fatalf("no %s cookie in %v", name, h["Set-Cookie"])
	return nil
}
