package web

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/problem"
)

const (
	sessionCookie = "tavolo_session"
	ctxSessionID  = "session_id"
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
		return problem.ErrUnauthorized
	}
	return c.Next()
}

// requireActive lets through users who may take part: logged in, their
// administration approved, not suspended.
func (s *server) requireActive(c *fiber.Ctx) error {
	if err := activeError(currentUser(c)); err != nil {
		return err
	}
	return c.Next()
}

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

// requireRole lets through active users with at least role: moderator
// (moderators and admins) or admin.
func (s *server) requireRole(role account.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := currentUser(c)
		if err := activeError(u); err != nil {
			return err
		}
		if role == account.RoleAdmin && !u.IsAdmin() || role == account.RoleModerator && !u.CanModerate() {
			return problem.ErrForbidden
		}
		return c.Next()
	}
}
