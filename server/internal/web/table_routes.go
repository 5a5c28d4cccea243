package web

import (
	"bytes"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/tables"
)

// tableAPI serves the saved comparison tables and the comparisons.
type tableAPI struct{ *server }

// tableRoutes is the route table of the comparison tables; every route
// needs an active user, the domain checks the table's and records' rules.
func (s *server) tableRoutes(api fiber.Router) {
	h := &tableAPI{server: s}
	read := s.require(authz.ReadTable)
	export := s.require(authz.ExportTable)

	api.Get("/compare", read, h.compare)
	api.Get("/compare/export", export, h.exportAdHoc)
	api.Get("/tables", read, h.list)
	api.Post("/tables", s.require(authz.CreateTable), h.create)
	api.Get("/tables/:id", read, h.get)
	api.Patch("/tables/:id", read, h.update)
	api.Get("/tables/:id/prefs", read, h.prefs)
	api.Put("/tables/:id/prefs", read, h.setPrefs)
	api.Post("/tables/:id/seen", read, h.seen)
	api.Get("/tables/:id/comparison", read, h.comparison)
	api.Get("/tables/:id/export", export, h.export)
}

// idsParams is the ad-hoc comparison's query: ids separated by commas.
type idsParams struct {
	IDs    string `json:"ids"`
	Format string `json:"format" validate:"omitempty,oneof=csv xlsx"`
}

func (q idsParams) list() []string {
	if q.IDs == "" {
		return nil
	}
	return strings.Split(q.IDs, ",")
}

func (h *tableAPI) compare(c *fiber.Ctx) error {
	var q idsParams
	if err := queryParams(c, &q); err != nil {
		return err
	}
	cmp, err := h.Tables.Compare(c.UserContext(), currentUser(c), q.list(), langOf(c))
	if err != nil {
		return err
	}
	return h.sendComparison(c, &cmp)
}

func (h *tableAPI) list(c *fiber.Ctx) error {
	l, err := h.Tables.List(c.UserContext(), currentUser(c))
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (h *tableAPI) create(c *fiber.Ctx) error {
	var in tables.NewTable
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := h.Tables.Create(c.UserContext(), currentUser(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (h *tableAPI) get(c *fiber.Ctx) error {
	t, err := h.Tables.Get(c.UserContext(), currentUser(c), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h *tableAPI) update(c *fiber.Ctx) error {
	var in tables.Patch
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := h.Tables.Update(c.UserContext(), currentUser(c), param(c, "id"), in)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h *tableAPI) prefs(c *fiber.Ctx) error {
	p, err := h.Tables.Prefs(c.UserContext(), currentUser(c), param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *tableAPI) setPrefs(c *fiber.Ctx) error {
	var in tables.RowPrefs
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := h.Tables.SetPrefs(c.UserContext(), currentUser(c), param(c, "id"), in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *tableAPI) seen(c *fiber.Ctx) error {
	if err := h.Tables.MarkSeen(c.UserContext(), currentUser(c), param(c, "id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *tableAPI) comparison(c *fiber.Ctx) error {
	p, err := h.Tables.ComparisonParts(c.UserContext(), currentUser(c), param(c, "id"), langOf(c))
	if err != nil {
		return err
	}
	return h.sendSavedComparison(c, p)
}

// formatParams is an export's query.
type formatParams struct {
	Format string `json:"format" validate:"required,oneof=csv xlsx"`
}

func (h *tableAPI) export(c *fiber.Ctx) error {
	var q formatParams
	if err := queryParams(c, &q); err != nil {
		return err
	}
	f, err := h.Tables.Export(c.UserContext(), currentUser(c), param(c, "id"), q.Format)
	return sendExport(c, f, err)
}

func (h *tableAPI) exportAdHoc(c *fiber.Ctx) error {
	var q idsParams
	if err := queryParams(c, &q); err != nil {
		return err
	}
	if q.Format == "" {
		q.Format = tables.FormatCSV
	}
	f, err := h.Tables.ExportAdHoc(c.UserContext(), currentUser(c), q.list(), q.Format)
	return sendExport(c, f, err)
}

// sendExport answers with the file as an attachment (built in memory: a
// 12-column comparison is tens of kilobytes).
func sendExport(c *fiber.Ctx, f *tables.ExportFile, err error) error {
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+f.Name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}
