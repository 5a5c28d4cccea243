package web

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/csvexport"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// auditRoutes serve the audit log: read-only, no route changes an entry.
func (s *server) auditRoutes(api fiber.Router) {
	read := s.require(authz.ReadModerationLog)
	api.Get("/admin/audit", read, s.auditPage)
	api.Get("/admin/audit/export", read, s.auditExport)
}

// auditParams are the audit log's query parameters.
type auditParams struct {
	Actor  string `json:"actor" validate:"max=64,nocontrol"`
	Action string `json:"action" validate:"max=64,nocontrol"`
	Target string `json:"target" validate:"max=200,nocontrol"`
	Place  string `json:"place" validate:"max=64,nocontrol"`
	From   string `json:"from" validate:"omitempty,datetime=2006-01-02"`
	To     string `json:"to" validate:"omitempty,datetime=2006-01-02"`
	Cursor int    `json:"cursor" validate:"min=0"`
	Limit  int    `json:"limit" validate:"min=0,max=100"`
	Format string `json:"format" validate:"omitempty,oneof=csv json"`
}

// auditDays are the days of from and to: the Italian calendar's.
var auditDays = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Rome"); err == nil {
		return loc
	}
	return time.UTC
}()

// auditFilter reads the parameters; moderators get the moderation entries
// only.
func auditFilter(c *fiber.Ctx) (auditParams, audit.Filter, error) {
	var in auditParams
	if err := queryParams(c, &in); err != nil {
		return in, audit.Filter{}, err
	}
	f := audit.Filter{Actor: in.Actor, Action: in.Action, Target: in.Target, Place: in.Place,
		Moderation: !authz.Can(authz.ReadAuditLog, currentUser(c).Subject(), authz.Item{})}
	if f.Moderation && f.Action != "" && !audit.Moderation(f.Action+".") {
		return in, f, problem.ErrForbidden // asking for entries moderators may not read
	}
	// Validated above: a parse error leaves the zero time, an open end.
	f.From, _ = time.ParseInLocation(time.DateOnly, in.From, auditDays)
	if to, err := time.ParseInLocation(time.DateOnly, in.To, auditDays); err == nil {
		f.To = to.AddDate(0, 0, 1) // the whole last day
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return in, f, problem.ErrInvalid.With(map[string]string{"to": problem.FieldInvalid})
	}
	return in, f, nil
}

// auditEntry is an entry on the wire.
type auditEntry struct {
	ID     string         `json:"id"`
	N      int            `json:"n"`
	At     time.Time      `json:"at"`
	Actor  auditActor     `json:"actor"`
	Action string         `json:"action"`
	Target auditTarget    `json:"target"`
	Place  string         `json:"place"`
	Reason string         `json:"reason"`
	Before map[string]any `json:"before"`
	After  map[string]any `json:"after"`
}

type auditActor struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

type auditTarget struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Label string `json:"label"`
}

func wireEntries(es []audit.Entry) []auditEntry {
	out := make([]auditEntry, len(es))
	for i, e := range es {
		out[i] = auditEntry{ID: e.ID, N: e.N, At: e.At, Actor: auditActor(e.Actor), Action: e.Action,
			Target: auditTarget(e.Target), Place: e.Place, Reason: e.Reason, Before: orEmpty(e.Before), After: orEmpty(e.After)}
	}
	return out
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// auditPageOut is a page of the log with what the filters offer.
type auditPageOut struct {
	Items      []auditEntry `json:"items"`
	Total      int          `json:"total"`
	NextCursor int          `json:"next_cursor"` // 0: last page
	Actors     []auditActor `json:"actors"`
	Actions    []string     `json:"actions"`
}

func (s *server) auditPage(c *fiber.Ctx) error {
	in, f, err := auditFilter(c)
	if err != nil {
		return err
	}
	if in.Limit == 0 {
		in.Limit = 50
	}
	ctx := c.UserContext()
	p, err := s.Audit.Query(ctx, f, in.Cursor, in.Limit)
	if err != nil {
		return err
	}
	actors, err := s.Audit.Actors(ctx, f.Moderation)
	if err != nil {
		return err
	}
	out := auditPageOut{Items: wireEntries(p.Entries), Total: p.Total, NextCursor: p.Next, Actions: []string{}}
	for _, a := range actors {
		out.Actors = append(out.Actors, auditActor(a))
	}
	if out.Actors == nil {
		out.Actors = []auditActor{}
	}
	for _, a := range audit.Actions {
		if !f.Moderation || audit.Moderation(a) {
			out.Actions = append(out.Actions, a)
		}
	}
	return c.JSON(out)
}

// maxExport bounds one export.
const maxExport = 50000

// auditColumns are the CSV export's columns.
var auditColumns = []any{"n", "at", "actor_id", "actor_name", "actor_role", "action", "target_kind", "target_id",
	"target_label", "place", "reason", "before", "after"}

func (s *server) auditExport(c *fiber.Ctx) error {
	in, f, err := auditFilter(c)
	if err != nil {
		return err
	}
	es, err := s.Audit.All(c.UserContext(), f, maxExport)
	if err != nil {
		return err
	}
	name := "registro-attivita-" + time.Now().In(auditDays).Format("2006-01-02")
	if in.Format == "json" {
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.json"`)
		return c.JSON(wireEntries(es))
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	w := csvexport.New(c.Response().BodyWriter())
	if err := w.Row(auditColumns...); err != nil {
		return err
	}
	for _, e := range es {
		if err := w.Row(e.N, e.At, e.Actor.ID, e.Actor.Name, e.Actor.Role, e.Action, e.Target.Kind, e.Target.ID,
			e.Target.Label, e.Place, e.Reason, jsonCell(e.Before), jsonCell(e.After)); err != nil {
			return err
		}
	}
	return w.Flush()
}

// jsonCell is a before or after map as one cell ("" when there is none).
func jsonCell(m map[string]any) string {
	if len(m) == 0 {
		return ""
	}
	b, err := json.Marshal(m)
	if err != nil {
		return strconv.Quote(err.Error())
	}
	return string(b)
}
