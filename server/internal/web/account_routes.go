package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/authz"
)

// accountAPI serves sessions, enrolment, invitations, profiles and the
// admin pages for administrations and users.
type accountAPI struct {
	*server
	limits *accountLimits
}

// accountRoutes is the route table of the session, enrolment, invitations
// and users operations of the contract (openapi/openapi.yaml).
func (s *server) accountRoutes(api fiber.Router) {
	h := &accountAPI{server: s, limits: newAccountLimits()}
	enrolments, users := s.require(authz.ReviewEnrolments), s.require(authz.ManageUsers)

	api.Get("/session", h.getSession)
	api.Post("/session", h.login)
	api.Delete("/session", h.logout)
	api.Get("/me", s.requireUser, h.me)
	api.Patch("/me", s.requireUser, h.updateMe)
	api.Put("/me/password", s.requireUser, h.changePassword)
	api.Post("/password-resets", h.requestReset)
	api.Post("/password-resets/:token", h.resetPassword)

	api.Post("/enrolments", h.enrol)
	api.Get("/administrations", s.require(authz.TakePart), h.administrations)
	api.Get("/admin/enrolments", enrolments, h.enrolments)
	api.Post("/admin/administrations/:id/approve", enrolments, h.approve)
	api.Post("/admin/administrations/:id/reject", enrolments, h.reject)

	api.Post("/invitations", s.require(authz.TakePart), h.invite)
	api.Get("/invitations/:token", h.invitation)
	api.Post("/invitations/:token/accept", h.acceptInvitation)

	api.Get("/admin/users", users, h.users)
	api.Patch("/admin/users/:id", users, h.setRole)
}
