// Package moderation owns the participants' reports and the moderators'
// review queue: one moderation record per reported item (Decidim's model),
// whatever kind of item it is. An item kind (a forum post, a room message,
// an experience…) plugs in with a Resolver, registered under its kind's
// name: the kinds are open strings, so a new one (cell comments) adds a
// resolver and nothing here.
//
// Storage, for the embedded store (only _id indexed, an update rewrites the
// whole document):
//
//	moderation_items {_id: "<kind>:<item id>", kind, item_id, place, author,
//	                  snapshot (the content at the first report), reports: [
//	                  {reporter_id, reason, text, at, snapshot}], state,
//	                  reviewed_at, decision, hidden_at, author_told}
//	moderation_queue {_id: "open", items: {"<record id>": entry}}
//	                 {_id: "open#v", v: bumped after each change of "open"}
//	moderation_reports {_id: "<record id>/<user id>", nonce, at}
//
// A report inserts its marker (moderation_reports): a second report by
// the same user is a duplicate _id (409), atomic on both stores (a filter
// on the record is not: two racing upserts both matched on the embedded
// store). Then one conditional upsert adds it to its record.
// The queue document holds a small entry (kind, place, reasons, counts,
// times) for each record in the queue (states reported and hidden): ~150
// bytes each, 75 KB for 500 open records. A queue page is one _id read of
// its version (the entries are kept decoded while it stays), a filter and
// sort in memory, and _id reads of the page's records and items.
//
// The record is the truth; the item's hidden flag, the queue entry and the
// author's notification are derived from it by sync, which every report
// and action runs after its write and which the outbox runs again at the
// next start for work a crash cut off (kind "moderation.sync"): hiding
// after N reports survives a kill -9 between the report and the hide.
package moderation

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/keylock"
	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/store"
)

// Kinds of item the board registers resolvers for.
const (
	KindPost        = "post"
	KindMessage     = "message"
	KindExperience  = "experience"
	KindCellComment = "cell_comment"
)

// States of a record. Reported and hidden records are in the queue.
const (
	StateReported  = "reported"  // reported, visible, waiting for a moderator
	StateHidden    = "hidden"    // hidden (by N reports or a moderator), waiting for review
	StateDismissed = "dismissed" // a moderator found the reports unfounded
	StateRestored  = "restored"  // a moderator showed a hidden item again
	StateDeleted   = "deleted"   // the item was deleted
)

// Reasons a participant may give; ReasonOther needs a text.
var Reasons = []string{"off_topic", "inappropriate", "duplicate", "personal_data", "spam", "other"}

// ReasonOther is the reason that needs the reporter's words.
const ReasonOther = "other"

// Topic is the moderators' realtime topic; EventQueueChanged tells them
// which records changed.
const (
	Topic             = "moderation"
	EventQueueChanged = "queue.changed"
)

const (
	colRecords = "moderation_items"
	colQueue   = "moderation_queue"
	colMarks   = "moderation_reports"
	queueID    = "open"
	syncKind   = "moderation.sync"
	maxText    = 4000 // runes of a snapshot kept
)

// Item is what a resolver says about one item, now.
type Item struct {
	AuthorID   string
	AuthorName string
	Place      string // the thread, room or experience it lives in (filters)
	PlaceLabel string // the thread's title, the room's name
	Link       string // the client's path to it in its context
	Text       string // its content, as plain text
	Hidden     bool
	// HiddenReason is the reason the item was hidden with.
	HiddenReason string
	Deleted      bool
}

// Resolver reads and acts on items of one kind for the moderation.
type Resolver interface {
	// Reportable reads the item for u, who is about to report it: the
	// item's own errors when u may not see it (not found).
	Reportable(ctx context.Context, u *account.User, id string) (Item, error)
	// Current reads the item for the queue and the reconciliation; false
	// when it does not exist any more.
	Current(ctx context.Context, id string) (Item, bool, error)
	// SetHidden hides the item (reason, shown to its author) or shows it
	// again, and tells its open views; doing it twice is harmless.
	SetHidden(ctx context.Context, id string, hidden bool, reason string) error
	// Delete deletes the item as the moderator u, with a reason.
	Delete(ctx context.Context, u *account.User, id, reason string) error
}

// Notifier tells authors what moderators did.
type Notifier interface {
	Notify(ctx context.Context, in notify.Input) error
}

// Publisher is the realtime hub as the moderation uses it.
type Publisher interface {
	Publish(ctx context.Context, topic, event string, data any) (int64, error)
	Head(ctx context.Context, topic string) (int64, error)
}

// Deps are the moderation's collaborators.
type Deps struct {
	Store     *store.Store
	Outbox    *outbox.Outbox
	Audit     *audit.Log
	Notifier  Notifier
	Publisher Publisher
	Logger    *slog.Logger
	HideAfter int              // distinct open reports that hide an item (0: 3)
	Now       func() time.Time // nil: time.Now
}

// Service keeps the records and the queue.
type Service struct {
	deps      Deps
	log       *slog.Logger
	records   store.Collection
	queue     store.Collection
	marks     store.Collection // one per report: "<record id>/<user id>"
	mu        sync.RWMutex
	resolvers map[string]Resolver
	// A record's read-decide-write (sync, an action) runs under its stripe.
	locks  keylock.Stripes
	qcache queueCache // the queue's entries, decoded
}

// New returns the service, registered with the outbox (redo of sync) and
// the audit log (the replay's observer); call Register for each kind
// before the outbox's Recover.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.HideAfter <= 0 {
		d.HideAfter = 3
	}
	log := d.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Service{deps: d, log: log.With("component", "moderation"), records: d.Store.Collection(colRecords),
		queue: d.Store.Collection(colQueue), marks: d.Store.Collection(colMarks), resolvers: map[string]Resolver{}}
	d.Outbox.Handle(syncKind, s.redo)
	if d.Audit != nil {
		d.Audit.Observe(auditTarget, s.observe)
	}
	return s
}

// Register sets the resolver of a kind of item.
func (s *Service) Register(kind string, r Resolver) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resolvers[kind] = r
}

func (s *Service) resolver(kind string) (Resolver, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.resolvers[kind]
	return r, ok
}

// Kinds lists the registered kinds.
func (s *Service) Kinds() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.resolvers))
	for k := range s.resolvers {
		out = append(out, k)
	}
	return out
}

func (s *Service) now() time.Time { return s.deps.Now().UTC().Truncate(time.Millisecond) }

// itemIDs are the ids resolvers hand out: safe in a field path and an _id.
var itemIDs = regexp.MustCompile(`^[A-Za-z0-9_-]{1,200}$`)

// RecordID is the _id of the record of kind's item id.
func RecordID(kind, id string) string { return kind + ":" + id }

// splitRecordID parses "<kind>:<item id>".
func splitRecordID(rid string) (kind, id string, ok bool) {
	for i := 0; i < len(rid); i++ {
		if rid[i] == ':' {
			kind, id = rid[:i], rid[i+1:]
			return kind, id, kind != "" && itemIDs.MatchString(id)
		}
	}
	return "", "", false
}

// Errors of the moderation.
var (
	ErrAlreadyReported = problem.Define(problem.Conflict, "already_reported",
		"Hai già segnalato questo contenuto: i moderatori lo stanno esaminando.", "You have already reported this item: the moderators are looking into it.")
	ErrItemNotFound = problem.Define(problem.NotFound, "moderation_item_not_found", "Contenuto inesistente.", "No such item.")
	ErrItemDeleted  = problem.Define(problem.Conflict, "moderation_item_deleted", "Il contenuto è stato eliminato.", "The item has been deleted.")
	ErrModerator    = problem.Define(problem.Forbidden, "moderators_only_queue", "Solo i moderatori e gli amministratori possono farlo.", "Only moderators and admins may do this.")
	fieldKind       = problem.DefineField("moderation_kind", "Tipo di contenuto non previsto.", "Unknown kind of item.")
	fieldOtherText  = problem.DefineField("moderation_other_text", "Spiega il motivo della segnalazione.", "Say why you report it.")
)

func errorf(format string, a ...any) error { return fmt.Errorf("moderation: "+format, a...) }

// TopicAuthorizer takes the subscribe rule of a kind of topic (the hub).
type TopicAuthorizer interface {
	Authorize(kind string, rule func(ctx context.Context, u *account.User, id string) error)
}

// RegisterTopic lets moderators and admins follow the queue's topic.
func (s *Service) RegisterTopic(a TopicAuthorizer) {
	a.Authorize(Topic, func(_ context.Context, u *account.User, _ string) error {
		if !authz.Can(authz.ReviewQueue, u.Subject(), authz.Item{}) {
			return ErrModerator
		}
		return nil
	})
}
