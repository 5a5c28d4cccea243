package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/authz"
)

func (s *server) notificationRoutes(api fiber.Router) {
	api.Get("/notifications", s.require(authz.TakePart), s.notifications)
	api.Post("/notifications/read", s.require(authz.TakePart), s.readNotifications)
}

// notificationParams are GET /notifications' query parameters.
type notificationParams struct {
	Page int `json:"page" validate:"min=1,max=100000"`
}

func (s *server) notifications(c *fiber.Ctx) error {
	in := notificationParams{Page: 1}
	if err := queryParams(c, &in); err != nil {
		return err
	}
	p, err := s.Notifications.List(c.UserContext(), currentUser(c).ID, in.Page)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// readNotificationsInput: no ids marks everything read; an empty list is
// refused rather than read as "everything".
type readNotificationsInput struct {
	IDs *[]string `json:"ids" validate:"omitnil,min=1,max=100,dive,max=20"`
}

func (s *server) readNotifications(c *fiber.Ctx) error {
	var in readNotificationsInput
	if err := decode(c, &in); err != nil {
		return err
	}
	var ids []string
	if in.IDs != nil {
		ids = *in.IDs
	}
	if err := s.Notifications.MarkRead(c.UserContext(), currentUser(c).ID, ids); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
