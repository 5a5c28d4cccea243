package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/search"
)

func (s *server) searchRoutes(api fiber.Router) {
	api.Get("/search", s.require(authz.TakePart), s.search)
}

// searchParams are GET /search's query parameters.
type searchParams struct {
	Q              string `json:"q" validate:"required,min=2,max=200,nocontrol"`
	Category       string `json:"category" validate:"max=64,nocontrol"`
	Author         string `json:"author" validate:"max=100,nocontrol"`
	Administration string `json:"administration" validate:"max=32,nocontrol"`
	From           string `json:"from" validate:"omitempty,datetime=2006-01-02"`
	To             string `json:"to" validate:"omitempty,datetime=2006-01-02"`
	Page           int    `json:"page" validate:"min=1,max=1000"`
	PerPage        int    `json:"per_page" validate:"min=0,max=100"`
}

func (s *server) search(c *fiber.Ctx) error {
	in := searchParams{Page: 1}
	if err := queryParams(c, &in); err != nil {
		return err
	}
	q := search.Query{Text: in.Q, CategoryID: in.Category, Author: in.Author, AdministrationIPA: in.Administration,
		Page: in.Page, PerPage: in.PerPage}
	// Validated above: a parse error leaves the zero time, an open end.
	q.From, _ = time.Parse(time.DateOnly, in.From)
	q.To, _ = time.Parse(time.DateOnly, in.To)
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return problem.ErrInvalid.With(map[string]string{"to": problem.FieldInvalid})
	}
	res, err := s.Search.Query(c.UserContext(), q)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
