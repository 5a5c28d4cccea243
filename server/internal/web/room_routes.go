package web

import "github.com/gofiber/fiber/v2"

// roomAPI serves the contract's live rooms (ROOMS.md, docs/api.md).
type roomAPI struct{ *server }

// roomRoutes is the route table of the rooms; every route needs an active
// user, and the rooms service asks the table for the rest (a room the user
// may not enter is not found).
func (s *server) roomRoutes(api fiber.Router) {
	h := &roomAPI{server: s}
	active := s.requireActive

	api.Get("/rooms", active, h.list)
	api.Post("/rooms", active, h.create)
	api.Get("/rooms/:id", active, h.room)
	api.Patch("/rooms/:id", active, h.update)
	api.Post("/rooms/:id/join", active, h.join)
	api.Post("/rooms/:id/read", active, h.read)
	api.Post("/rooms/:id/mutes", active, h.mute)
	api.Delete("/rooms/:id/mutes/:user", active, h.unmute)

	api.Get("/rooms/:id/messages", active, h.messages)
	api.Post("/rooms/:id/messages", active, h.send)
	api.Patch("/rooms/:id/messages/:seq", active, h.edit)
	api.Delete("/rooms/:id/messages/:seq", active, h.delete)
	api.Get("/rooms/:id/messages/:seq/history", active, h.history)
	api.Get("/rooms/:id/messages/:seq/replies", active, h.replies)
	api.Post("/rooms/:id/messages/:seq/reactions", active, h.react)
	api.Delete("/rooms/:id/messages/:seq/reactions/:emoji", active, h.unreact)
	api.Post("/rooms/:id/messages/:seq/reports", active, h.report)
	api.Post("/rooms/:id/messages/:seq/promote", active, h.promote)
}
