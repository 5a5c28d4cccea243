package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/authz"
)

// settingsRoutes serve the board's settings an admin changes (account/settings.go).
func (s *server) settingsRoutes(api fiber.Router) {
	api.Put("/admin/settings/enrolment", s.require(authz.ManageSettings), s.setEnrolment)
}

type enrolmentSettingIn struct {
	Deadline *time.Time `json:"deadline"`
	Reason   string     `json:"reason" validate:"max=500,nocontrol"`
}

type enrolmentSettingOut struct {
	Open     bool       `json:"open"`
	Deadline *time.Time `json:"deadline"`
}

func (s *server) setEnrolment(c *fiber.Ctx) error {
	var in enrolmentSettingIn
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	if _, err := s.Accounts.SetEnrolmentDeadline(ctx, currentUser(c), in.Deadline, in.Reason); err != nil {
		return err
	}
	open, d, err := s.Accounts.EnrolmentOpen(ctx)
	if err != nil {
		return err
	}
	out := enrolmentSettingOut{Open: open}
	if !d.IsZero() {
		d = d.UTC()
		out.Deadline = &d
	}
	return c.JSON(out)
}
