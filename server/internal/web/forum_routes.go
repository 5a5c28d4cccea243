package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/authz"
)

// forumAPI serves the contract's forum operations (search, attachments,
// notifications and mentions have their own tables).
type forumAPI struct{ *server }

// forumRoutes is the route table of the forums; every route needs an active user.
func (s *server) forumRoutes(api fiber.Router) {
	h := &forumAPI{server: s}
	active, admin := s.require(authz.TakePart), s.require(authz.ManageCategories)

	api.Get("/categories", active, h.categories)
	api.Get("/categories/:id/threads", active, h.categoryThreads)
	api.Post("/admin/categories", admin, h.createCategory)
	api.Put("/admin/categories/order", admin, h.reorderCategories)
	api.Patch("/admin/categories/:id", admin, h.updateCategory)

	api.Get("/threads", active, h.latestThreads)
	api.Post("/threads", active, h.createThread)
	api.Get("/threads/:id", active, h.thread)
	api.Patch("/threads/:id", active, h.updateThread)
	api.Post("/threads/:id/move", active, h.moveThread)
	api.Post("/threads/:id/merge", active, h.mergeThread)
	api.Post("/threads/:id/split", active, h.splitThread)
	api.Post("/threads/:id/posts", active, h.reply)
	api.Put("/threads/:id/read", active, h.markRead)

	api.Get("/posts/:id", active, h.post)
	api.Patch("/posts/:id", active, h.editPost)
	api.Delete("/posts/:id", active, h.deletePost)
	api.Get("/posts/:id/history", active, h.history)
	api.Get("/posts/:id/deleted", active, h.deletedPost)
	api.Put("/posts/:id/reactions/:kind", active, h.react(true))
	api.Delete("/posts/:id/reactions/:kind", active, h.react(false))

	api.Put("/follows/threads/:id", active, h.followThread(true))
	api.Delete("/follows/threads/:id", active, h.followThread(false))
	api.Put("/follows/categories/:id", active, h.followCategory(true))
	api.Delete("/follows/categories/:id", active, h.followCategory(false))

	api.Post("/markdown/preview", active, h.markdownPreview)

	api.Get("/drafts/:key", active, h.draft)
	api.Put("/drafts/:key", active, h.saveDraft)
	api.Delete("/drafts/:key", active, h.deleteDraft)
}
