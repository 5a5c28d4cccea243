// Package outbox keeps a durable record of the work that follows a stored
// write (search indexing, notifications, counters) until that work is done,
// so that a crash loses none of it. A request records an entry before its
// first write, hands the work off, and the entry is deleted once every part
// of the work has reported success. Entries still stored at start-up (the
// process died, or a part failed) are handed to their kind's Redo, which
// finishes the work from what is stored; Redo must therefore be idempotent.
//
// Storage:
//
//	outbox {_id: "<kind>:<random>", kind, data, created_at}
//
// The collection holds only unfinished work, a handful of documents, so the
// start-up sweep and the batched deletes (filters the embedded store does
// not index) scan almost nothing.
package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/store/group"
	"github.com/cantieri/tavolo/server/internal/worker"
)

const collection = "outbox"

// Entry is a stored record of pending work.
type Entry struct {
	ID        string    `bson:"_id"`
	Kind      string    `bson:"kind"`
	Data      bson.Raw  `bson:"data"`
	CreatedAt time.Time `bson:"created_at"` // before any write the work follows
}

// Decode reads the entry's data into v.
func (e Entry) Decode(v any) error {
	if err := bson.Unmarshal(e.Data, v); err != nil {
		return fmt.Errorf("outbox: decode %s: %w", e.ID, err)
	}
	return nil
}

// Redo finishes the work of an entry left over from an earlier run, from
// what is stored. It reports its own parts on w like the request did; the
// entry stays until they all succeed.
type Redo func(ctx context.Context, w *Work) error

// Outbox records pending work and deletes it when done.
type Outbox struct {
	st   *store.Store
	col  *mongo.Collection
	log  *slog.Logger
	mu   sync.Mutex
	redo map[string]Redo
	q    *worker.Queue[op]
	// Entries recorded at the same time go in one insert: every room's
	// batch of sends records one before it is answered.
	inserts *group.Inserter
}

// op is a finished entry to delete, or a flush marker.
type op struct {
	id    string
	flush chan struct{}
}

// deleteQueue bounds the finished entries waiting to be deleted.
const deleteQueue = 4096

// New returns the outbox on st; Close stops its worker.
func New(st *store.Store, log *slog.Logger) *Outbox {
	if log == nil {
		log = slog.Default()
	}
	o := &Outbox{st: st, col: st.C(collection), log: log.With("component", "outbox"), redo: map[string]Redo{},
		inserts: group.New(st.C(collection), 0)}
	o.q = worker.Start(deleteQueue, o.run)
	return o
}

// Handle sets how entries of kind are redone; call it before Recover.
func (o *Outbox) Handle(kind string, redo Redo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.redo[kind] = redo
}

// Record stores an entry of kind with data before the writes it follows.
// The caller holds one part of the work: it calls End when its writes are
// over.
func (o *Outbox) Record(ctx context.Context, kind string, data any) (*Work, error) {
	raw, err := bson.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("outbox: encode %s: %w", kind, err)
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	e := Entry{ID: kind + ":" + hex.EncodeToString(b), Kind: kind, Data: raw, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if err := o.inserts.Insert(ctx, []any{e}); err != nil {
		return nil, fmt.Errorf("outbox: record %s: %w", kind, err)
	}
	return o.work(e), nil
}

func (o *Outbox) work(e Entry) *Work {
	w := &Work{o: o, entry: e}
	w.parts.Store(1)
	return w
}

// Recover redoes every entry stored before this run, one after the other,
// and returns when each Redo has returned (their parts may still be
// running). An entry without a handler, or whose Redo fails, stays for the
// next start. It takes every entry for one left by a dead process: true of
// the embedded store, which one process owns; several instances sharing a
// MongoDB would need each entry to name its owner first.
func (o *Outbox) Recover(ctx context.Context) error {
	// Finished entries are deleted by _id: indexed from the first one.
	if err := o.st.Prepare(ctx, collection); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	cur, err := o.col.Find(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("outbox: load pending work: %w", err)
	}
	var entries []Entry
	if err := cur.All(ctx, &entries); err != nil {
		return fmt.Errorf("outbox: load pending work: %w", err)
	}
	for _, e := range entries {
		o.mu.Lock()
		redo := o.redo[e.Kind]
		o.mu.Unlock()
		if redo == nil {
			o.log.Error("pending work of an unknown kind kept", "entry", e.ID)
			continue
		}
		w := o.work(e)
		err := redo(ctx, w)
		w.End(err)
		if err != nil {
			o.log.Error("redo pending work", "entry", e.ID, "err", err)
		}
	}
	if len(entries) > 0 {
		o.log.Info("pending work redone", "entries", len(entries))
	}
	return nil
}

// Flush waits until every entry finished so far is deleted.
func (o *Outbox) Flush(ctx context.Context) error {
	return o.q.Flush(ctx, func(done chan struct{}) op { return op{flush: done} })
}

// Close deletes the entries finished so far and stops the worker; work
// that ends later stays recorded and is redone at the next start.
func (o *Outbox) Close() { o.q.Close() }

// run deletes finished entries, those already waiting together: each
// delete holds the embedded store's one writer connection.
func (o *Outbox) run(ch <-chan op) {
	for first := range ch {
		batch := []op{first}
	fill:
		for len(batch) < 256 {
			select {
			case next, ok := <-ch:
				if !ok {
					break fill
				}
				batch = append(batch, next)
			default:
				break fill
			}
		}
		var ids []string
		for _, b := range batch {
			if b.id != "" {
				ids = append(ids, b.id)
			}
		}
		if len(ids) > 0 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			// One statement per _id: on the embedded store only {_id: X} is
			// looked up, and a $in scanned every entry still pending
			// (hundreds, while the rooms' applier is busy). Each statement
			// is a transaction there (~1 ms): commands of store.Chunk keep
			// the sends waiting behind them from waiting 100 ms and more.
			dels := make([]mongo.WriteModel, len(ids))
			for i, id := range ids {
				dels[i] = mongo.NewDeleteOneModel().SetFilter(bson.D{{Key: "_id", Value: id}})
			}
			if err := store.WriteChunks(ctx, o.col, dels, store.Chunk, 0); err != nil {
				o.log.Error("delete finished work", "entries", len(ids), "err", err)
			}
			cancel()
		}
		for _, b := range batch {
			if b.flush != nil {
				close(b.flush)
			}
		}
	}
}

// Work is one recorded entry while its parts run.
type Work struct {
	o      *Outbox
	entry  Entry
	parts  atomic.Int32
	failed atomic.Bool
}

// Entry is what was recorded.
func (w *Work) Entry() Entry { return w.entry }

// Part adds a part the entry waits for; call the returned func once, with
// the part's outcome.
func (w *Work) Part() func(error) {
	w.parts.Add(1)
	var once sync.Once
	return func(err error) { once.Do(func() { w.end(err) }) }
}

// End reports the recorder's own part: nil once its writes are stored and
// the rest of the work handed off.
func (w *Work) End(err error) { w.end(err) }

func (w *Work) end(err error) {
	if err != nil {
		w.failed.Store(true)
	}
	if w.parts.Add(-1) > 0 {
		return
	}
	if w.failed.Load() {
		// Kept: the next start redoes it from what is stored.
		w.o.log.Warn("pending work kept for the next start", "entry", w.entry.ID)
		return
	}
	if err := w.o.q.Send(context.Background(), op{id: w.entry.ID}); err != nil && !errors.Is(err, worker.ErrClosed) {
		w.o.log.Error("queue finished work", "entry", w.entry.ID, "err", err)
	}
}
