package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
)

// userModerationRoutes serve a user's page for moderators: suspension,
// notes and their moderation history (account/suspension.go, moderation.go).
func (s *server) userModerationRoutes(api fiber.Router) {
	suspend, moderate := s.require(authz.SuspendUser), s.require(authz.ModerateUser)
	api.Get("/moderation/users/:id", moderate, s.userModeration)
	api.Post("/moderation/users/:id/notes", moderate, s.addUserNote)
	api.Put("/moderation/users/:id/suspension", suspend, s.suspendUser)
	api.Post("/moderation/users/:id/reinstate", suspend, s.reinstateUser)
}

type suspensionIn struct {
	Until  *time.Time `json:"until"`
	Reason string     `json:"reason" validate:"max=500,nocontrol"`
}

type reinstateIn struct {
	Reason string `json:"reason" validate:"max=500,nocontrol"`
}

type noteIn struct {
	Body string `json:"body" validate:"max=2000,nocontrol"`
}

// userModerationOut is a user with what moderators did to them.
type userModerationOut struct {
	User    *account.UserView `json:"user"`
	History []auditEntry      `json:"history"`
}

func (s *server) userModeration(c *fiber.Ctx) error {
	u, es, err := s.Accounts.ModerationHistory(c.UserContext(), currentUser(c), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(userModerationOut{User: u.View(), History: wireEntries(es)})
}

func (s *server) addUserNote(c *fiber.Ctx) error {
	var in noteIn
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.Accounts.AddNote(c.UserContext(), currentUser(c), param(c, "id"), in.Body); err != nil {
		return err
	}
	return s.userModeration(c.Status(fiber.StatusCreated))
}

func (s *server) suspendUser(c *fiber.Ctx) error {
	var in suspensionIn
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := s.Accounts.SetSuspended(c.UserContext(), currentUser(c), param(c, "id"),
		account.Suspension{Suspended: true, Until: in.Until, Reason: in.Reason})
	if err != nil {
		return err
	}
	return c.JSON(u.View())
}

func (s *server) reinstateUser(c *fiber.Ctx) error {
	var in reinstateIn
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := s.Accounts.SetSuspended(c.UserContext(), currentUser(c), param(c, "id"), account.Suspension{Reason: in.Reason})
	if err != nil {
		return err
	}
	return c.JSON(u.View())
}
