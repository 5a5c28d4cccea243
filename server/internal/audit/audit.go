// Package audit is the board's append-only log of moderator and admin
// actions: who did what to what, where, why, and what it was before and
// after. Nothing in it edits or deletes an entry: Append (through Begin
// and Pending.Done) is its one write.
//
// Storage, for the embedded store (only _id indexed, an update rewrites
// the whole document):
//
//	audit_log {_id: "log", n, bucket_size}                    the head: the last number given out
//	audit_log {_id: "log#<n / 64>", entries: {"<n>": Entry}}  64 entries a bucket (store/bucket)
//
// An append is two small writes: $inc of the head (the number, atomic on
// both stores) and a $set into one bucket of at most 64 entries.
//
// Reads: filters by actor, action, target, place and date would be scans
// on the embedded store, so each process keeps a compact index of every
// entry (number, time and the filtered fields, ~100 bytes an entry: 1 MB
// for 10,000), built at start-up from the buckets and kept up to date by
// its own appends; before a query it reads the head (one _id lookup) and
// loads the buckets of entries other instances appended meanwhile. A page
// is a scan of the index (microseconds for 10,000 entries) and the entries
// of its buckets: entries never change, so the decoded buckets of the
// newest cachedBuckets×64 entries (32,768, ~30 MB) stay in memory, kept by
// the appends and the index's loads, and older ones are _id reads.
// Sharding by day was the alternative:
// it answers a date range alone, but a filter by actor or target over a
// year would read 365 shards.
//
// Durability: an action records its entries in the outbox before its own
// write (Begin) and appends them after it (Pending.Done). A kill -9 in
// between leaves the record, which the next start replays: each entry is
// appended if the target, as an Observer reads it now, holds the entry's
// After values (the write was stored), and dropped otherwise. Appends are
// idempotent by the entry's id.
package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/store/bucket"
)

const (
	collection  = "audit_log"
	logOwner    = "log" // the head's _id, and its buckets' prefix
	pendingKind = "audit.pending"
)

// layout is the log's buckets (store/bucket): 64 entries a bucket.
var layout = bucket.Layout{Field: "entries", Size: 64, Legacy: 64}

// Actor is who acted, as they were then.
type Actor struct {
	ID   string `bson:"id"`
	Name string `bson:"name"`
	Role string `bson:"role"`
}

// Target is what the action was done to.
type Target struct {
	Kind  string `bson:"kind"`  // administration, user, category, categories, thread, post, invitation, room, room_member, room_message, table, moderation (a record)
	ID    string `bson:"id"`    // the item's id
	Label string `bson:"label"` // its name or title then, for people
}

// Entry is one action of the log.
type Entry struct {
	ID     string         `bson:"id"` // random, 128 bits: appends are idempotent by it
	N      int            `bson:"n"`  // position in the log, from 1
	At     time.Time      `bson:"at"`
	Actor  Actor          `bson:"actor"`
	Action string         `bson:"action"` // stable code: "<target kind>.<verb>" (Actions)
	Target Target         `bson:"target"`
	Place  string         `bson:"place,omitempty"` // the category or thread it happened in
	Reason string         `bson:"reason,omitempty"`
	Before map[string]any `bson:"before,omitempty"`
	After  map[string]any `bson:"after,omitempty"`
}

// The actions, by stable code.
const (
	EnrolmentApprove  = "enrolment.approve"
	EnrolmentReject   = "enrolment.reject"
	UserSuspend       = "user.suspend"
	UserReinstate     = "user.reinstate"
	UserRoleChange    = "user.role_change"
	InvitationCreate  = "invitation.create"
	CategoryCreate    = "category.create"
	CategoryUpdate    = "category.update"
	CategoryArchive   = "category.archive"
	CategoryRestore   = "category.restore"
	CategoryReorder   = "category.reorder"
	ThreadLock        = "thread.lock"
	ThreadUnlock      = "thread.unlock"
	ThreadPin         = "thread.pin"
	ThreadUnpin       = "thread.unpin"
	ThreadEdit        = "thread.edit" // a moderator changed another's title or tags
	PostDelete        = "post.delete" // a moderator deleted another's post
	RoomArchive       = "room.archive"
	RoomRestore       = "room.restore"
	RoomSlowMode      = "room.slow_mode"      // a room's slow mode set, changed or ended
	RoomMute          = "room.mute"           // a member muted in a room
	RoomUnmute        = "room.unmute"         // a mute ended early
	RoomMessageDelete = "room.message_delete" // a moderator deleted another's message in a room
	TableEdit         = "table.edit"          // a moderator or an admin changed another's comparison table
	// Curation (forum and users).
	ThreadMove    = "thread.move"     // to another category
	ThreadMerge   = "thread.merge"    // target: the thread merged away; after: the one it went into
	ThreadSplit   = "thread.split"    // target: the new thread; before: where its posts were
	ThreadCloseAt = "thread.close_at" // replies close at a date
	UserNote      = "user.note"       // a moderator's note on a user (the reason)
	// SettingsEnrolmentDeadline: an admin changed the enrolment deadline.
	SettingsEnrolmentDeadline = "settings.enrolment_deadline"
	// Actions on reported items' moderation records (package moderation).
	ModerationDismiss = "moderation.dismiss"
	ModerationHide    = "moderation.hide"
	ModerationRestore = "moderation.restore"
	ModerationDelete  = "moderation.delete"
	ModerationWarn    = "moderation.warn"
)

// curationActions are the user actions moderators take (and read).
var curationActions = []string{UserSuspend, UserReinstate, UserNote}

// Actions lists every action code, for the filters of the admin page.
var Actions = []string{EnrolmentApprove, EnrolmentReject, UserSuspend, UserReinstate, UserRoleChange, InvitationCreate,
	CategoryCreate, CategoryUpdate, CategoryArchive, CategoryRestore, CategoryReorder,
	ThreadLock, ThreadUnlock, ThreadPin, ThreadUnpin, ThreadEdit, PostDelete,
	ThreadMove, ThreadMerge, ThreadSplit, ThreadCloseAt, UserNote, SettingsEnrolmentDeadline,
	RoomArchive, RoomRestore, RoomSlowMode, RoomMute, RoomUnmute, RoomMessageDelete, TableEdit,
	ModerationDismiss, ModerationHide, ModerationRestore, ModerationDelete, ModerationWarn}

// Moderation reports whether action is a moderator's (on threads, posts,
// rooms and reported items), which moderators may read; the rest is the admins'.
func Moderation(action string) bool {
	return strings.HasPrefix(action, "thread.") || strings.HasPrefix(action, "post.") || strings.HasPrefix(action, "room.") || strings.HasPrefix(action, "table.") || strings.HasPrefix(action, "moderation.") || slices.Contains(curationActions, action)
}

// Observer reads a target's current state, as the After maps of its
// actions spell it (nil when it does not exist), for the replay.
type Observer func(ctx context.Context, id string) (map[string]any, error)

// Log is the audit log of one store.
type Log struct {
	c      store.Collection
	list   *bucket.List[Entry]
	ref    bucket.Ref // the log's list, as its head says (under mu)
	ob     *outbox.Outbox
	log    *slog.Logger
	now    func() time.Time
	mu     sync.Mutex            // over the index and the cache
	cache  map[int]map[int]Entry // bucket number -> entries by number, the newest buckets
	idx    index
	obsMu  sync.Mutex
	observ map[string]Observer
}

// New returns the log on st; call Init before use. Pending records go
// through ob.
func New(st *store.Store, ob *outbox.Outbox, log *slog.Logger, now func() time.Time) *Log {
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	l := &Log{c: st.Collection(collection), list: bucket.New[Entry](st, collection, layout), ob: ob, log: log.With("component", "audit"), now: now,
		idx: newIndex(), observ: map[string]Observer{}, cache: map[int]map[int]Entry{}}
	ob.Handle(pendingKind, l.replay)
	return l
}

// Observe sets how targets of kind are read for the replay; domains call
// it when they are built, before the outbox's Recover.
func (l *Log) Observe(kind string, o Observer) {
	l.obsMu.Lock()
	defer l.obsMu.Unlock()
	l.observ[kind] = o
}

// Init builds the index from the stored buckets; without it the first
// read or append does.
func (l *Log) Init(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.catchUp(ctx)
}

// pending is the outbox record of entries about to be appended.
type pending struct {
	Entries []Entry `bson:"entries"`
}

// Pending is a recorded set of entries waiting for their action's write.
type Pending struct {
	l       *Log
	w       *outbox.Work
	entries []Entry
}

// Begin records entries before the action's write; call Done after it.
// Each entry gets its id and time here. A nil Log records nothing (unit
// tests of a domain without a log).
func (l *Log) Begin(ctx context.Context, entries ...Entry) (*Pending, error) {
	if l == nil || len(entries) == 0 {
		return nil, nil
	}
	at := l.now().UTC().Truncate(time.Millisecond)
	for i := range entries {
		entries[i].ID, entries[i].At, entries[i].N = newID(), at, 0
	}
	w, err := l.ob.Record(ctx, pendingKind, pending{Entries: entries})
	if err != nil {
		return nil, fmt.Errorf("audit: record %s: %w", entries[0].Action, err)
	}
	return &Pending{l: l, w: w, entries: entries}, nil
}

// Done appends the entries once the action's write is stored (err nil).
// When the write failed (err), a write applied before its error (a
// timeout) still counts: each entry is appended if its target holds its
// After values, as in the replay, and forgotten otherwise. Whatever cannot
// be settled now stays recorded and is replayed at the next start; the
// action stands either way.
func (p *Pending) Done(ctx context.Context, err error) {
	if p == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	var keep error
	if err == nil && len(p.entries) > 1 {
		// A bulk action's entries: numbered at once, one write a bucket.
		if keep = p.l.appendAll(ctx, p.entries); keep != nil {
			p.l.log.Error("audit entries kept for the next start", "action", p.entries[0].Action, "err", keep)
		}
		p.w.End(keep)
		return
	}
	for _, e := range p.entries {
		if err != nil {
			ok, serr := p.l.stored(ctx, e)
			if keep = serr; keep != nil {
				break
			}
			if !ok {
				continue
			}
		}
		if keep = p.l.append(ctx, e); keep != nil {
			break
		}
	}
	if keep != nil {
		p.l.log.Error("audit entry kept for the next start", "action", p.entries[0].Action, "err", keep)
	}
	p.w.End(keep)
}

// replay appends the entries of a record left by a dead process whose
// write was stored.
func (l *Log) replay(ctx context.Context, w *outbox.Work) error {
	var in pending
	if err := w.Entry().Decode(&in); err != nil {
		return err
	}
	for _, e := range in.Entries {
		ok, err := l.stored(ctx, e)
		if err != nil {
			return err
		}
		if !ok {
			l.log.Info("audit entry of an action that was not stored dropped", "action", e.Action, "target", e.Target.ID)
			continue
		}
		if err := l.append(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// stored reports whether e's target holds e's After values now.
func (l *Log) stored(ctx context.Context, e Entry) (bool, error) {
	l.obsMu.Lock()
	o := l.observ[e.Target.Kind]
	l.obsMu.Unlock()
	if o == nil {
		return false, fmt.Errorf("audit: no observer of %q targets", e.Target.Kind)
	}
	now, err := o(ctx, e.Target.ID)
	if err != nil {
		return false, fmt.Errorf("audit: observe %s %s: %w", e.Target.Kind, e.Target.ID, err)
	}
	if now == nil {
		return false, nil
	}
	for k, v := range e.After {
		if fmt.Sprint(now[k]) != fmt.Sprint(v) {
			return false, nil
		}
	}
	return true, nil
}

// append stores e under the next number, unless an entry with its id is
// in the log already (a replay after an append the process did not see
// finish).
func (l *Log) append(ctx context.Context, e Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.catchUp(ctx); err != nil {
		return err
	}
	if l.idx.has(e.ID) {
		return nil
	}
	var h head
	err := l.c.W.FindOneAndUpdate(ctx, bson.M{"_id": logOwner},
		bson.M{"$inc": bson.M{"n": 1}, "$setOnInsert": bson.M{bucket.SizeField: layout.Size}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&h)
	if err != nil {
		return fmt.Errorf("audit: number entry: %w", err)
	}
	e.N = h.N
	l.ref = h.ref()
	if err := l.list.Put(ctx, l.ref, e.N, e); err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	l.idx.add(e)
	l.cacheEntry(e)
	return nil
}

// appendAll stores es under the next numbers (those not in the log yet),
// with one $inc of the head and one write per bucket.
func (l *Log) appendAll(ctx context.Context, es []Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.catchUp(ctx); err != nil {
		return err
	}
	var fresh []Entry
	for _, e := range es {
		if !l.idx.has(e.ID) {
			fresh = append(fresh, e)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	var h head
	err := l.c.W.FindOneAndUpdate(ctx, bson.M{"_id": logOwner},
		bson.M{"$inc": bson.M{"n": len(fresh)}, "$setOnInsert": bson.M{bucket.SizeField: layout.Size}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&h)
	if err != nil {
		return fmt.Errorf("audit: number entries: %w", err)
	}
	l.ref = h.ref()
	items := make(map[int]Entry, len(fresh))
	for i := range fresh {
		fresh[i].N = h.N - len(fresh) + 1 + i
		items[fresh[i].N] = fresh[i]
	}
	if err := l.list.PutMany(ctx, l.ref, items); err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	for _, e := range fresh {
		l.idx.add(e)
		l.cacheEntry(e)
	}
	return nil
}

// head is the log's head document: the last number given out and the
// bucket size the log was created with.
type head struct {
	N          int `bson:"n"`
	BucketSize int `bson:"bucket_size"`
}

func (h head) ref() bucket.Ref { return bucket.Ref{Owner: logOwner, Size: h.BucketSize} }

// loadBatch is how many buckets catchUp reads at once.
const loadBatch = 4

// cachedBuckets bounds the decoded entries kept, in groups of cacheGroup:
// 32,768 entries, ~1 KB each decoded (auditbench measures it). A filter
// on a rare target finds entries all over the log, and a cold bucket costs
// an _id read of ~40 KB (tens of ms on a loaded machine), so the log of a
// board's first years stays in memory whole.
const (
	cachedBuckets = 512
	cacheGroup    = 64
)

// cacheEntry keeps e in its group's cached entries, dropping the oldest
// group beyond the bound; l.mu is held.
func (l *Log) cacheEntry(e Entry) {
	b := e.N / cacheGroup
	m := l.cache[b]
	if m == nil {
		if len(l.cache) >= cachedBuckets {
			oldest := b
			for k := range l.cache {
				oldest = min(oldest, k)
			}
			if oldest == b {
				return // older than everything kept
			}
			delete(l.cache, oldest)
		}
		m = make(map[int]Entry, cacheGroup)
		l.cache[b] = m
	}
	m[e.N] = e
}

// catchUp loads into the index the entries appended since it was last
// brought up to date, by this process or another; l.mu is held.
func (l *Log) catchUp(ctx context.Context) error {
	var h head
	if err := l.c.R.FindOne(ctx, bson.M{"_id": logOwner}).Decode(&h); err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("audit: read head: %w", err)
	}
	from := l.idx.complete + 1
	if h.N < from {
		return nil
	}
	l.ref = h.ref()
	// A few buckets at a time: the start-up build reads them all, and the
	// embedded store has few reader connections.
	step := loadBatch * layout.SizeOf(l.ref)
	for lo := from; lo <= h.N; lo += step {
		items, err := l.list.Load(ctx, l.ref, lo, min(lo+step-1, h.N))
		if err != nil {
			return fmt.Errorf("audit: load entries: %w", err)
		}
		for _, e := range items {
			if e.N >= from && !l.idx.has(e.ID) {
				l.idx.add(e)
				l.cacheEntry(e)
			}
		}
	}
	l.idx.settle(h.N, l.now())
	return nil
}

// entries reads the entries numbered ns (found in the index) from the
// cache, or their buckets.
func (l *Log) entries(ctx context.Context, ns []int) ([]Entry, error) {
	out := make([]Entry, 0, len(ns))
	var missing []int
	l.mu.Lock()
	ref := l.ref
	for _, n := range ns {
		if e, ok := l.cache[n/cacheGroup][n]; ok {
			out = append(out, e)
		} else {
			missing = append(missing, n)
		}
	}
	l.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	var firsts []int // the buckets to read, each once, in parallel
	for _, n := range missing {
		if f := layout.First(ref, n); !slices.Contains(firsts, f) {
			firsts = append(firsts, f)
		}
	}
	loaded := make([]map[int]Entry, len(firsts))
	errs := make([]error, len(firsts))
	var wg sync.WaitGroup
	for i, f := range firsts {
		wg.Go(func() { loaded[i], errs[i] = l.list.Load(ctx, ref, f, f) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("audit: load entries: %w", err)
	}
	for _, n := range missing {
		for _, m := range loaded {
			if e, ok := m[n]; ok {
				out = append(out, e)
				break
			}
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return b.N - a.N }) // newest first, as ns
	return out, nil
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
