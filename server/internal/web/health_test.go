package web_test

import (
	"testing"

	"github.com/cantieri/tavolo/server/internal/webtest"
)

func TestHealthAndUnknownAPI(t *testing.T) {
	env := webtest.Start(t, nil)
	c := env.Client()
	c.Expect(200, "GET", "/healthz", nil)
	c.Expect(200, "GET", "/readyz", nil)
	r := c.Expect(404, "GET", "/api/v1/no/such/thing", nil)
	if r.ErrorCode() != "route_not_found" {
		t.Fatalf("code = %q", r.ErrorCode())
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type %q", ct)
	}
	page := c.Expect(200, "GET", "/some/spa/route", nil)
	if csp := page.Header.Get("Content-Security-Policy"); csp == "" || !contains(csp, "script-src 'self'") {
		t.Fatalf("CSP = %q", csp)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
