package boot

import (
	"log/slog"

	"github.com/cantieri/tavolo/server/internal/demo"

	"github.com/cantieri/tavolo/server/internal/tables"
)

// buildTables wires the saved comparison tables to the records, the rooms
// and the hub, and registers their topic rules. The cell comments join
// through tables.Deps.Comments once they exist.
func (b *Board) buildTables(log *slog.Logger) *tables.Service {
	t := tables.New(tables.Deps{Store: b.Store, Logger: log, Outbox: b.Outbox, Records: b.Experiences,
		Rooms: b.Rooms, Live: b.Hub})
	t.RegisterLive(b.Hub)
	// After the experiences' seeder (appended before): the tables pick
	// among the published records.
	b.DemoSeeders = append(b.DemoSeeders, demo.Tables(b.Experiences, t))
	return t
}
