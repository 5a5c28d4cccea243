package rooms

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/store"
)

// headDoc is a room's seq counter, apart from the room: on the embedded
// store an update rewrites the whole document, so a send's $inc rewrites
// these few bytes, not the room with its settings and its gone list.
//
// A room stored before the counter moved kept it in its own "head" field,
// which nothing moves any more: it is the base the counter starts from at
// the room's first send (takeSeq), and a room's head is the larger of the
// two, so such a room reads the same before and after its first send.
type headDoc struct {
	ID string `bson:"_id"`
	N  int    `bson:"n"`
}

// withHeads sets the rooms' Head from their counters (fresh: through the
// writer, for a read that must see the sends before it).
func (s *Service) withHeads(ctx context.Context, rs []*roomDoc, fresh bool) error {
	c := s.deps.Store.Collection(colHeads)
	if fresh {
		c = c.Ordered()
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	heads, err := store.Load[headDoc](ctx, c, ids)
	if err != nil {
		return err
	}
	for i, r := range rs {
		r.Head = max(r.Head, heads[i].N)
	}
	return nil
}

// takeSeqs takes r's next n seqs and returns the last (the first is
// last-n+1). The counter is made at the room's first send, from the head r
// was read with (a new room's 0, an older room's frozen head field); a
// send racing it to make it gets its seqs by $inc.
func (s *Service) takeSeqs(ctx context.Context, r *roomDoc, n int) (int, error) {
	if s.deps.Store.SoleWriter() {
		return s.seqs.take(r, n), nil
	}
	for range 2 {
		var h headDoc
		err := s.deps.Store.C(colHeads).FindOneAndUpdate(ctx, bson.M{"_id": r.ID}, bson.M{"$inc": bson.M{"n": n}},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&h)
		if err == nil {
			return h.N, nil
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return 0, fmt.Errorf("number message in %s: %w", r.ID, err)
		}
		// No counter yet: r.Head is the room's own head field (nothing
		// has moved it since the counter exists), so any read of it will do.
		last := r.Head + n
		_, err = s.deps.Store.C(colHeads).InsertOne(ctx, headDoc{ID: r.ID, N: last})
		if err == nil {
			return last, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return 0, fmt.Errorf("start the counter of %s: %w", r.ID, err)
		}
	}
	return 0, fmt.Errorf("number message in %s: counter missing after its creation", r.ID)
}

// archives is which rooms are archived or being archived, when this
// process is the store's sole writer and so every archiving goes through it:
// UpdateRoom marks a room before its write, so a batch numbered after the
// write began sees it without a read (a read waited behind the sends'
// own reads, a third of a busy room's answer). Unknown rooms are taken as
// read by the send.
type archives struct {
	mu sync.Mutex
	on map[string]bool
}

func (a *archives) set(roomID string, on bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.on == nil {
		a.on = map[string]bool{}
	}
	a.on[roomID] = on
}

func (a *archives) get(roomID string) (on, known bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	on, known = a.on[roomID]
	return on, known
}

// archived reads whether a room is archived now (r as a send read it).
func (s *Service) archived(ctx context.Context, r *roomDoc) (bool, error) {
	if s.deps.Store.SoleWriter() {
		if on, known := s.archives.get(r.ID); known {
			return on, nil
		}
		return r.Archived, nil
	}
	roomID := r.ID
	var d struct {
		Archived bool `bson:"archived"`
	}
	// The flag alone: an older room's document also holds its gone list.
	err := s.deps.Store.R(colRooms).FindOne(ctx, bson.M{"_id": roomID}, options.FindOne().SetProjection(bson.M{"archived": 1})).Decode(&d)
	if err != nil {
		return false, fmt.Errorf("recheck room %s: %w", roomID, err)
	}
	return d.Archived, nil
}

// seqs numbers the messages in the process when it is the store's sole
// writer (the embedded store, which one process owns): a $inc of the counter was a write per batch before
// its answer, one per send with many rooms. The batch's outbox entry
// names the seqs it took, and the applier (or redoSent after a crash)
// raises the stored counter to them, so a restart goes on from there;
// seqs taken by a batch that recorded nothing were never answered or
// published and are taken again.
type seqs struct {
	mu   sync.Mutex
	head map[string]int // room id -> last seq taken
}

// take takes r's next n seqs and returns the last. A room this process
// has not numbered yet starts from the head r was read with: readRoom
// reads the stored counter for it, and nothing but this process raises it.
func (q *seqs) take(r *roomDoc, n int) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head == nil {
		q.head = map[string]int{}
	}
	last, ok := q.head[r.ID]
	if !ok {
		last = r.Head
	}
	last += n
	q.head[r.ID] = last
	return last
}

func (q *seqs) forget() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.head = nil
}

// last is the last seq taken of a room in this process (0: none yet);
// the stored counter lags it until the applier writes.
func (q *seqs) last(roomID string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.head[roomID]
}
