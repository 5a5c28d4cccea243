package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// experienceAPI serves the experience records.
type experienceAPI struct{ *server }

// experienceRoutes is the route table of the experience records; every
// route needs an active user, the domain checks the record's own rules.
func (s *server) experienceRoutes(api fiber.Router) {
	h := &experienceAPI{server: s}
	active := s.require(authz.TakePart)

	api.Get("/experiences/schema", active, h.schema) // before /experiences/:id
	notes := &cellNoteAPI{server: s}
	api.Get("/experiences/comments/counts", active, notes.counts) // before /experiences/:id
	api.Get("/experiences", active, h.list)
	api.Post("/experiences", active, h.create)
	api.Get("/experiences/:id", active, h.get)
	api.Put("/experiences/:id", active, h.save)
	api.Post("/experiences/:id/publish", active, h.publish)
	api.Get("/experiences/:id/history", active, h.history)
	api.Get("/experiences/:id/diff", active, h.diff)
	api.Post("/experiences/:id/documents", active, h.addDocument)
	api.Get("/experiences/:id/comments", active, notes.comments)
	api.Post("/experiences/:id/comments", active, notes.post)
}

func (h *experienceAPI) schema(c *fiber.Ctx) error { return c.JSON(experiences.TheSchema()) }

func (h *experienceAPI) list(c *fiber.Ctx) error {
	q := experiences.ListQuery{Page: 1}
	if err := queryParams(c, &q); err != nil {
		return err
	}
	p, err := h.Experiences.List(c.UserContext(), currentUser(c), q)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// decodeRecord decodes a body carrying a record's fields. Field errors
// name the record's fields as the form does ("ambito", "penali.previste"),
// whether the decoder or the domain found them.
func decodeRecord(c *fiber.Ctx, dst any) error {
	err := decode(c, dst)
	p, ok := problem.As(err)
	if !ok || len(p.Fields) == 0 {
		return err
	}
	fields := make(map[string]string, len(p.Fields))
	for f, code := range p.Fields {
		fields[strings.TrimPrefix(f, "fields.")] = code
	}
	return p.With(fields)
}

func (h *experienceAPI) create(c *fiber.Ctx) error {
	var in experiences.NewExperience
	if err := decodeRecord(c, &in); err != nil {
		return err
	}
	e, err := h.Experiences.Create(c.UserContext(), currentUser(c), in, langOf(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}

func (h *experienceAPI) get(c *fiber.Ctx) error {
	e, err := h.Experiences.Get(c.UserContext(), currentUser(c), param(c, "id"), langOf(c))
	if err != nil {
		return err
	}
	return c.JSON(e)
}

func (h *experienceAPI) save(c *fiber.Ctx) error {
	var in experiences.Save
	if err := decodeRecord(c, &in); err != nil {
		return err
	}
	e, err := h.Experiences.Update(c.UserContext(), currentUser(c), param(c, "id"), in, langOf(c))
	return h.written(c, e, err)
}

func (h *experienceAPI) publish(c *fiber.Ctx) error {
	var in experiences.PublishInput
	if err := decode(c, &in); err != nil {
		return err
	}
	e, err := h.Experiences.Publish(c.UserContext(), currentUser(c), param(c, "id"), in, langOf(c))
	return h.written(c, e, err)
}

func (h *experienceAPI) addDocument(c *fiber.Ctx) error {
	var in experiences.NewDocument
	if err := decode(c, &in); err != nil {
		return err
	}
	e, err := h.Experiences.AddDocument(c.UserContext(), currentUser(c), param(c, "id"), in, langOf(c))
	return h.written(c, e, err)
}

// conflictBody is a refused save: the Problem, and what changed meanwhile.
type conflictBody struct {
	Error    errorDetail                `json:"error"`
	Conflict *experiences.ConflictError `json:"conflict"`
}

// written answers a write: the record, or a refusal on an older version
// with the fields changed since (the form merges them), or an error.
func (h *experienceAPI) written(c *fiber.Ctx, e experiences.Experience, err error) error {
	var ce *experiences.ConflictError
	switch {
	case errors.As(err, &ce):
		return c.Status(fiber.StatusConflict).JSON(conflictBody{
			Error:    errorDetail{Code: experiences.ErrVersionConflict.Code, Message: experiences.ErrVersionConflict.Message(langOf(c))},
			Conflict: ce})
	case err != nil:
		return err
	}
	return c.JSON(e)
}

// versionParams are GET /experiences/:id/diff's query parameters.
type versionParams struct {
	From int `json:"from" validate:"min=0,max=1000000"`
	To   int `json:"to" validate:"min=0,max=1000000"`
}

func (h *experienceAPI) history(c *fiber.Ctx) error {
	hist, err := h.Experiences.History(c.UserContext(), currentUser(c), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(hist)
}

func (h *experienceAPI) diff(c *fiber.Ctx) error {
	var q versionParams
	if err := queryParams(c, &q); err != nil {
		return err
	}
	d, err := h.Experiences.DiffOf(c.UserContext(), currentUser(c), param(c, "id"), q.From, q.To)
	if err != nil {
		return err
	}
	return c.JSON(d)
}
