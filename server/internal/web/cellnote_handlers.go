package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/cellnotes"
)

// cellNoteAPI serves the comments on the cells of experience records
// (routes in experienceRoutes, beside the records').
type cellNoteAPI struct{ *server }

// commentsQuery is GET /experiences/:id/comments' query: one cell, or
// every cell when absent.
type commentsQuery struct {
	Field string `json:"field" validate:"max=80"`
}

// countsQuery is GET /experiences/comments/counts' query.
type countsQuery struct {
	IDs string `json:"ids" validate:"required"`
}

func (h *cellNoteAPI) comments(c *fiber.Ctx) error {
	var q commentsQuery
	if err := queryParams(c, &q); err != nil {
		return err
	}
	l, err := h.CellNotes.Comments(c.UserContext(), currentUser(c), param(c, "id"), q.Field, langOf(c))
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (h *cellNoteAPI) post(c *fiber.Ctx) error {
	var in cellnotes.CellCommentInput
	if err := decode(c, &in); err != nil {
		return err
	}
	cc, err := h.CellNotes.Post(c.UserContext(), currentUser(c), param(c, "id"), in, langOf(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(cc)
}

func (h *cellNoteAPI) counts(c *fiber.Ctx) error {
	var q countsQuery
	if err := queryParams(c, &q); err != nil {
		return err
	}
	n, err := h.CellNotes.Counts(c.UserContext(), currentUser(c), cellnotes.ParseIDs(q.IDs))
	if err != nil {
		return err
	}
	return c.JSON(n)
}
