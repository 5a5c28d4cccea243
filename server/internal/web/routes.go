package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/web/openapi"
)

// routes is the one route table of the board.
func (s *server) routes(app *fiber.App) {
	app.Use(s.recoverPanics, requestID, s.securityHeaders)

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	s.wsRoutes(app)

	api := app.Group("/api/v1", compressJSON, withDeadline, s.limitJSONBody, s.csrf, s.session)
	api.Get("/openapi.json", serveOpenAPI)
	s.accountRoutes(api)
	s.forumRoutes(api)
	s.roomRoutes(api)
	s.attachmentRoutes(api)
	s.searchRoutes(api)
	s.notificationRoutes(api)
	s.mentionRoutes(api)
	s.experienceRoutes(api)
	s.tableRoutes(api)
	s.auditRoutes(api)

	api.All("/*", func(c *fiber.Ctx) error { return errRouteNotFound })
	app.All("/api/*", func(c *fiber.Ctx) error { return errRouteNotFound })

	app.Use(s.static)
}

// serveOpenAPI answers with the API's contract (docs/api.md points to it).
func serveOpenAPI(c *fiber.Ctx) error {
	doc, err := openapi.JSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(doc)
}
