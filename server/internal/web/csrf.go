package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/problem"
)

const (
	csrfCookie = "tavolo_csrf"
	csrfHeader = "X-CSRF-Token"
)

var errCSRF = problem.Define(problem.Forbidden, "csrf_failed",
	"Richiesta rifiutata per sicurezza: ricarica la pagina e riprova.", "Request refused for security: reload the page and try again.")

// csrf guards every state-changing API request: the X-CSRF-Token header
// must equal the tavolo_csrf cookie (another site can neither read the
// cookie nor set the header), and a browser's Origin must be ours.
func (s *server) csrf(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	cookie, header := c.Cookies(csrfCookie), c.Get(csrfHeader)
	if len(cookie) < 16 || subtle.ConstantTimeCompare([]byte(cookie), []byte(header)) != 1 {
		return errCSRF
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" && origin != s.origin {
		return errCSRF
	}
	return c.Next()
}

// ensureCSRF returns the request's CSRF token, setting a new cookie when
// there is none. The cookie is readable by the client's script on purpose.
func (s *server) ensureCSRF(c *fiber.Ctx) string {
	if t := c.Cookies(csrfCookie); len(t) >= 16 && len(t) <= 64 {
		return string([]byte(t)) // copy: the value outlives the request buffer in the JSON body
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	t := base64.RawURLEncoding.EncodeToString(b)
	c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: t, Path: "/", SameSite: fiber.CookieSameSiteLaxMode, Secure: s.cfg.Secure()})
	return t
}
