package boot

import (
	"context"
	"log/slog"

	"github.com/cantieri/tavolo/server/internal/cellnotes"
	"github.com/cantieri/tavolo/server/internal/compare"

	"github.com/cantieri/tavolo/server/internal/demo"

	"github.com/cantieri/tavolo/server/internal/tables"
)

// buildTables wires the saved comparison tables to the records, the rooms
// and the hub, with the cell comments for exports, and registers their
// topic rules.
func (b *Board) buildTables(log *slog.Logger) *tables.Service {
	t := tables.New(tables.Deps{Store: b.Store, Logger: log, Outbox: b.Outbox, Records: b.Experiences,
		Rooms: b.Rooms, Live: b.Hub, Comments: exportComments{b.CellNotes}, Audit: b.Audit})
	t.RegisterLive(b.Hub)
	// After the experiences' seeder (appended before): the tables pick
	// among the published records.
	b.DemoSeeders = append(b.DemoSeeders, demo.Tables(b.Experiences, t, b.CellNotes))
	return t
}

// exportComments gives the exports the cell comments in compare's terms.
type exportComments struct{ notes *cellnotes.Service }

func (e exportComments) ForExport(ctx context.Context, ids []string) ([]compare.ExportComment, error) {
	cs, err := e.notes.ForExport(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]compare.ExportComment, len(cs))
	for i, c := range cs {
		out[i] = compare.ExportComment{ExperienceID: c.ExperienceID, Field: c.Field, Author: c.AuthorName,
			Administration: c.AdministrationName, At: c.CreatedAt, Version: c.Version, ValueThen: c.ValueThen, Body: c.Body}
	}
	return out, nil
}
