// Package cellnotes owns the comments on a cell of the comparison table: a
// short discussion anchored to one field of one experience record (so it
// shows in every table that compares the record, whatever the order of its
// rows and columns). Each comment keeps the record version it was written
// against and the cell's value then, so that after any number of edits it
// still says "written about *aperta*, now *ristretta*".
//
// Storage (the storage kit's bucketed list, every read an _id lookup):
//
//	cell_notes       {_id: experience id, next: last number taken, bucket_size,
//	                  fields: {"<cell key, . as ~>": [n, ...]}}
//	cell_note_items  {_id: "<experience id>#<n / 50>", notes: {"<n>": note}}
//
// The head's lists are the truth the counts are read from: a comment is
// counted once its number is in its cell's list, which happens after the
// comment is stored. A post records its work in the outbox after taking its
// number; a start after a crash stores, lists and publishes it again
// (idempotent). A crash between taking the number and recording the work
// leaves an unused number that nothing lists.
package cellnotes

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/ratelimit"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/store/bucket"
)

// Records reads the experience records' cells (experiences.Service).
type Records interface {
	CellsFor(ctx context.Context, u *account.User, id string) (experiences.Cells, error)
	CellsOf(ctx context.Context, ids []string) (map[string]experiences.Cells, error)
}

// Publisher stores an event on a topic, then fans it out (realtime hub).
type Publisher interface {
	Publish(ctx context.Context, topic, event string, data any) (seq int64, err error)
}

// Deps are the service's collaborators; all are required but Publisher,
// Now and the rate.
type Deps struct {
	Store     *store.Store
	Logger    *slog.Logger
	Records   Records
	Outbox    *outbox.Outbox
	Publisher Publisher        // nil: no live events
	Now       func() time.Time // nil: time.Now
	// Rate comments per Period per person (0: DefaultRate per DefaultPeriod).
	Rate   int
	Period time.Duration
}

// The default rate limit: a person comments like they reply in a
// discussion, not like a script.
const (
	DefaultRate   = 20
	DefaultPeriod = time.Minute
)

// Service is the cell comments' domain logic.
type Service struct {
	deps  Deps
	log   *slog.Logger
	heads store.Collection
	items *bucket.List[noteDoc]
	rate  *ratelimit.Limiter
	// modLocks serialise the read-decide-write of a comment's moderation.
	modLocks [32]sync.Mutex
	// afterNumber, in tests, stops a post after its outbox entry as a
	// crash would.
	afterNumber func() error
}

const (
	colHeads = "cell_notes"
	colItems = "cell_note_items"
	// EventCreated is published on the record's topic when a comment is stored.
	EventCreated = "comment.created"
	kindCreated  = "cellnotes.created"
)

var itemLayout = bucket.Layout{Field: "notes", Size: 50, Legacy: 50}

// Limits of a comment.
const (
	MaxBody = 2000 // characters (runes)
	// MaxIDs bounds the records of one counts request (a table has 12).
	MaxIDs = 50
)

// Errors of the domain.
var (
	fieldUnknownCell = problem.DefineField("unknown_cell", "Questo campo non esiste nella scheda.", "The record has no such field.")
)

// New returns the service and registers its pending work with the outbox
// (before the outbox's Recover).
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Rate <= 0 || d.Period <= 0 {
		d.Rate, d.Period = DefaultRate, DefaultPeriod
	}
	log := d.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Service{deps: d, log: log.With("component", "cellnotes"), heads: d.Store.Collection(colHeads),
		items: bucket.New[noteDoc](d.Store, colItems, itemLayout), rate: ratelimit.New(d.Rate, d.Period)}
	d.Outbox.Handle(kindCreated, s.redoCreated)
	return s
}

func (s *Service) now() time.Time { return s.deps.Now().UTC().Truncate(time.Millisecond) }

// headKey is a cell key as a field name of the head: a dot would be a path.
func headKey(field string) string { return strings.ReplaceAll(field, ".", "~") }

// cellKey is headKey undone.
func cellKey(k string) string { return strings.ReplaceAll(k, "~", ".") }
