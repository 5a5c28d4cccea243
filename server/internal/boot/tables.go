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
// and the hub, and registers their topic rules; the exports list the cell
// comments.
func (b *Board) buildTables(log *slog.Logger) *tables.Service {
	t := tables.New(tables.Deps{Store: b.Store, Logger: log, Outbox: b.Outbox, Records: b.Experiences,
		Rooms: b.Rooms, Live: b.Hub, Comments: exportComments{b.CellNotes}})
	t.RegisterLive(b.Hub)
	// After the experiences' seeder (appended before): the tables pick
	// among the published records.
	b.DemoSeeders = append(b.DemoSeeders, demo.Tables(b.Experiences, t))
	return t
}

// exportComments gives the cell comments to the tables' exports in the
// shape package compare writes.
type exportComments struct{ notes *cellnotes.Service }

func (e exportComments) ForExport(ctx context.Context, experienceIDs []string) ([]compare.ExportComment, error) {
	cs, err := e.notes.ForExport(ctx, experienceIDs)
	if err != nil {
		return nil, err
	}
	out := make([]compare.ExportComment, len(cs))
	for i, c := range cs {
		out[i] = compare.ExportComment{ExperienceID: c.ExperienceID, Field: c.Field, Author: c.AuthorName,
			Administration: c.AdministrationName, At: c.CreatedAt, Version: c.Version, Body: c.Body}
	}
	return out, nil
}
