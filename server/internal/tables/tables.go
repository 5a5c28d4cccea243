// Package tables owns the saved comparison tables (tavoli): a named set of
// 2 to 12 experience records with an owner, a description, a shared row
// order and a live room beside it; each viewer's own row order and hidden
// rows, and the versions of each record they last saw (so the comparison
// marks what changed since, on any device). The comparison itself is
// computed by package compare. Testable without HTTP; the web layer calls
// it.
//
// Storage (every read an _id lookup):
//
//	tables        {_id: random id, name, description, owner, experiences: [ids], row_order: [fields],
//	               room_id, version, created_at, updated_at}
//	table_index   {_id: "all", ids: [table ids]}
//	table_viewers {_id: "<table id>/<user id>", order: [fields], hidden: [fields], seen: {<record id>: version}}
//
// The room is created after the table, and table.updated is published after
// each change, through the outbox: a crash after the write still gets them.
package tables

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/store/shard"
	"github.com/cantieri/tavolo/server/internal/store/versioned"
	"github.com/cantieri/tavolo/server/internal/ttlcache"
)

// Records reads the experience records (package experiences).
type Records interface {
	Heads(u *account.User, ids []string) (heads []experiences.Head, unread []string)
	VersionOf(ctx context.Context, id string, n int) (experiences.Version, error)
}

// Rooms opens the live room beside each table (package rooms).
type Rooms interface {
	CreateRoom(ctx context.Context, u *account.User, in rooms.NewRoom) (rooms.Room, error)
}

// Publisher stores an event on a topic, then fans it out (realtime hub).
type Publisher interface {
	Publish(ctx context.Context, topic, event string, data any) (seq int64, err error)
	Head(ctx context.Context, topic string) (int64, error)
}

// Deps are the service's collaborators; all are required but Comments
// and Now.
type Deps struct {
	Store   *store.Store
	Logger  *slog.Logger
	Outbox  *outbox.Outbox
	Records Records
	Rooms   Rooms
	Live    Publisher
	// Comments are the cell comments exports list; nil: none.
	Comments Comments
	// Audit logs a moderator's or an admin's change of another's table;
	// nil: none.
	Audit *audit.Log
	Now   func() time.Time // nil: time.Now
}

// Service is the saved tables' domain logic.
type Service struct {
	deps    Deps
	log     *slog.Logger
	tables  store.Collection
	index   store.Collection
	viewers store.Collection
	// current tables and viewers' documents: kept on the sole writer (no
	// read per comparison), read elsewhere; every write drops its own.
	docs    *versioned.Docs[tableDoc]
	viewing *versioned.Docs[viewerDoc]
	// noViewer are the viewers known to have no document (they never set
	// their rows nor marked the table seen: most of a table's viewers), on
	// the sole writer, where a document appears only through this process
	// (viewerWritten); without it each of their comparisons reads the store.
	noViewer *ttlcache.Cache[struct{}]
	locks    [64]sync.Mutex
	cache    *versionCache
	// afterWrite, in tests, stops a create or an update after its write as
	// a crash would (the outbox entry stays for the next start).
	afterWrite func() error
}

const (
	colTables  = "tables"
	colIndex   = "table_index"
	colViewers = "table_viewers"
	indexID    = "all"
	kindRoom   = "table.room"
	kindPush   = "table.updated"
	// docsTTL bounds how long a kept table or viewer document is served
	// (only on the sole writer, where this process's writes drop it at once).
	docsTTL = time.Minute
	// MinColumns and MaxColumns bound a comparison.
	MinColumns = 2
	MaxColumns = 12
)

// Errors of the domain.
var (
	ErrNotFound        = problem.Define(problem.NotFound, "table_not_found", "Tavolo non trovato.", "Table not found.")
	ErrForbidden       = problem.Define(problem.Forbidden, "table_forbidden", "Solo chi ha creato il tavolo e i moderatori possono modificarlo.", "Only the table's owner and moderators can change it.")
	ErrVersionConflict = problem.Define(problem.Conflict, "table_version_conflict", "Qualcuno ha modificato il tavolo nel frattempo: ricarica e riprova.", "Someone changed this table meanwhile: reload and try again.")
)

// Field codes of a table.
var (
	fieldTooFew    = problem.DefineField("too_few", "Servono almeno %s elementi.", "At least %s items are needed.")
	fieldTooMany   = problem.DefineField("too_many_items", "Troppi elementi: al massimo %s.", "Too many items: at most %s.")
	fieldDuplicate = problem.DefineField("repeated", "Valore ripetuto.", "Repeated value.")
	fieldNoRecord  = problem.DefineField("no_record", "Esperienza non trovata.", "Experience not found.")
	fieldNoRow     = problem.DefineField("no_row", "Riga sconosciuta.", "Unknown row.")
)

// New returns the service and registers its pending work with the outbox;
// call it before the outbox's Recover.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	log := d.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Service{deps: d, log: log.With("component", "tables"), tables: d.Store.Collection(colTables),
		index: d.Store.Collection(colIndex), viewers: d.Store.Collection(colViewers), cache: newVersionCache(cacheBytes),
		docs:     versioned.New[tableDoc](d.Store, colTables, versioned.Options[tableDoc]{Version: "version", Max: 4096, TTL: docsTTL}),
		viewing:  versioned.New[viewerDoc](d.Store, colViewers, versioned.Options[viewerDoc]{Max: 16384, TTL: docsTTL}),
		noViewer: ttlcache.New[struct{}](16384, docsTTL)}
	d.Outbox.Handle(kindRoom, s.redoRoom)
	d.Outbox.Handle(kindPush, s.redoPush)
	if d.Audit != nil {
		d.Audit.Observe("table", s.observe)
	}
	return s
}

// observe is a table as the audit log's replay compares it with an entry's
// After values.
func (s *Service) observe(ctx context.Context, id string) (map[string]any, error) {
	d, err := s.load(ctx, id, true)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"name": d.Name, "description": d.Description, "experiences": d.Experiences,
		"row_order": d.RowOrder, "version": d.Version}, nil
}

func (s *Service) now() time.Time { return s.deps.Now().UTC().Truncate(time.Millisecond) }

// lock serialises the writes of one table in this process (with the
// version check of store.UpdateIf, two changes on one base never both pass).
func (s *Service) lock(id string) func() {
	m := &s.locks[shard.Hash(id)%uint32(len(s.locks))]
	m.Lock()
	return m.Unlock
}

// Topic is the live topic of table id.
func Topic(id string) string { return "table:" + id }

func viewerID(tableID, userID string) string { return tableID + "/" + userID }
