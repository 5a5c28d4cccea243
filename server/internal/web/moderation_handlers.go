package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/moderation"
)

// moderationRoutes serve the reports and the review queue (package
// moderation); a room message's report also comes through the rooms'
// route, into the same records.
func (s *server) moderationRoutes(api fiber.Router) {
	api.Post("/moderation/reports", s.require(authz.ReportItem), s.moderationReport)
	api.Get("/moderation/queue", s.require(authz.ReviewQueue), s.moderationQueue)
	api.Post("/moderation/actions", s.require(authz.ModerateItem), s.moderationAct)
}

func (s *server) moderationReport(c *fiber.Ctx) error {
	var in moderation.Report
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.Moderation.Report(c.UserContext(), currentUser(c), in); err != nil {
		return err
	}
	c.Status(fiber.StatusCreated) // no body
	return nil
}

func (s *server) moderationQueue(c *fiber.Ctx) error {
	var q moderation.Query
	if err := queryParams(c, &q); err != nil {
		return err
	}
	page, err := s.Moderation.Queue(c.UserContext(), currentUser(c), q)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (s *server) moderationAct(c *fiber.Ctx) error {
	var in moderation.Action
	if err := decode(c, &in); err != nil {
		return err
	}
	res, err := s.Moderation.Act(c.UserContext(), currentUser(c), in)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
