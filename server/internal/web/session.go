package web

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

const (
	sessionCookie = "tavolo_session"
	ctxSessionID  = "session_id"
	// ctxSessionEnded holds why the cookie's session ended (a suspension,
	// with its reason and end): the request goes on anonymously, and what
	// would answer "log in" answers that instead, once (the cookie goes).
	ctxSessionEnded = "session_ended"
)

// session resolves the session cookie into the current user (c.Locals).
// A stale cookie is cleared; the request goes on anonymously.
func (s *server) session(c *fiber.Ctx) error {
	token := c.Cookies(sessionCookie)
	if token == "" {
		return c.Next()
	}
	u, sid, _, err := s.Accounts.SessionUser(c.UserContext(), token)
	switch {
	case err == nil:
		c.Locals(ctxUser, u)
		c.Locals(ctxSessionID, sid)
	case errors.Is(err, problem.ErrUnauthorized):
		s.clearSessionCookie(c)
	case errors.Is(err, account.ErrSuspended):
		s.clearSessionCookie(c)
		c.Locals(ctxSessionEnded, err)
	default:
		return err
	}
	return c.Next()
}

// sessionID is the current session's ID (the hash), or "".
func sessionID(c *fiber.Ctx) string {
	id, _ := c.Locals(ctxSessionID).(string)
	return id
}

// startSession ends the request's previous session, if any, and sets the
// new token: the session ID changes at every login (no fixation).
func (s *server) startSession(c *fiber.Ctx, token string) error {
	if old := c.Cookies(sessionCookie); old != "" {
		if err := s.Accounts.Logout(c.UserContext(), old); err != nil {
			return err
		}
	}
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.cfg.Secure(), Expires: time.Now().Add(s.cfg.SessionTTL),
	})
	return nil
}

func (s *server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: "", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.cfg.Secure(), Expires: time.Unix(0, 0), MaxAge: -1,
	})
}

// requireUser lets logged-in users through.
func (s *server) requireUser(c *fiber.Ctx) error {
	if currentUser(c) == nil {
		return loggedOut(c)
	}
	return c.Next()
}

// require lets through users the table allows action on no particular item
// (authz.TakePart: logged in, administration approved, not suspended; the
// admin pages' actions); the domain checks again, with the item.
func (s *server) require(action authz.Action) fiber.Handler {
	return func(c *fiber.Ctx) error { return allowed(c, action) }
}

func allowed(c *fiber.Ctx, action authz.Action) error {
	u := currentUser(c)
	if authz.Can(action, u.Subject(), authz.Item{}) {
		return c.Next()
	}
	if u == nil {
		return loggedOut(c)
	}
	if err := activeError(u); err != nil {
		return err
	}
	return problem.ErrForbidden
}

// loggedOut is why an anonymous request is refused: its session ended by a
// suspension, or none.
func loggedOut(c *fiber.Ctx) error {
	if err, ok := c.Locals(ctxSessionEnded).(error); ok {
		return err
	}
	return problem.ErrUnauthorized
}

// activeError says why u may not take part (nil when they may).
func activeError(u *account.User) error {
	switch {
	case u == nil:
		return problem.ErrUnauthorized
	case u.Suspended:
		return account.ErrSuspended
	case u.Active():
		return nil
	case u.AdministrationStatus == account.StatusRejected:
		return account.ErrAdministrationRejected
	default:
		return account.ErrAdministrationPending
	}
}
