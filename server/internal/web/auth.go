package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/account"
)

const ctxUser = "user"

// currentUser is the logged-in user, or nil. The session middleware sets it.
func currentUser(c *fiber.Ctx) *account.User {
	u, _ := c.Locals(ctxUser).(*account.User)
	return u
}

// langOf is the language for messages: the user's choice, the tavolo_lang
// cookie, then Accept-Language; Italian by default.
func langOf(c *fiber.Ctx) string {
	if u := currentUser(c); u != nil && (u.Lang == "it" || u.Lang == "en") {
		return u.Lang
	}
	switch c.Cookies("tavolo_lang") {
	case "en":
		return "en"
	case "it":
		return "it"
	}
	if strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderAcceptLanguage)), "en") {
		return "en"
	}
	return "it"
}
