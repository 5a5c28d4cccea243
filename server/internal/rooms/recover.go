package rooms

import (
	"context"
	"fmt"
	"slices"

	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/store"
)

// A batch of sends records kindSent in the outbox right after taking
// their seqs, and the entry goes once the applier has written the
// messages into their buckets (and their mentions are told). Redone after
// a crash, it raises the room's counter to the seqs it names, stores the
// message its client id holds if the bucket lacks it
// (and publishes it: live clients may get it twice, and keep one by seq),
// or marks the seq a void when the client id was never stored. A crash
// between taking the seq and recording the entry leaves a hole nothing
// names: Reconcile voids those at start-up.
const kindSent = "rooms.sent"

// sentWork is a batch's sends (commit.go); an entry recorded before
// batches names its one send in Seq and SendID.
type sentWork struct {
	RoomID string     `bson:"room_id"`
	Seq    int        `bson:"seq,omitempty"`
	SendID string     `bson:"send_id,omitempty"`
	Sends  []sentItem `bson:"sends,omitempty"`
	Docs   []sendDoc  `bson:"docs,omitempty"` // the client ids, stored after the answer (sole writer)
}

type sentItem struct {
	Seq    int    `bson:"seq"`
	SendID string `bson:"send_id"`
}

func (s *Service) redoSent(ctx context.Context, w *outbox.Work) error {
	var in sentWork
	if err := w.Entry().Decode(&in); err != nil {
		return err
	}
	if in.SendID != "" {
		in.Sends = append(in.Sends, sentItem{Seq: in.Seq, SendID: in.SendID})
	}
	r, err := s.loadRoom(ctx, in.RoomID, true)
	if err != nil {
		return err
	}
	last := 0
	for _, it := range in.Sends {
		last = max(last, it.Seq)
	}
	// The process numbered them (seqs.go): the counter may not know them yet.
	if err := s.raiseHeads(ctx, map[string]int{r.ID: last}); err != nil {
		return err
	}
	r.Head = max(r.Head, last)
	docs := make([]any, len(in.Docs))
	for i, d := range in.Docs {
		docs[i] = d
	}
	if err := store.InsertNew(ctx, s.deps.Store.C(colSends), docs, store.Chunk); err != nil {
		return fmt.Errorf("store the client ids of %s: %w", r.ID, err)
	}
	for _, it := range in.Sends {
		sd, ok, err := store.Get[sendDoc](ctx, s.deps.Store.Collection(colSends).Ordered(), it.SendID)
		if err != nil {
			return err
		}
		if !ok || sd.Seq != it.Seq || sd.Msg == nil {
			if err := s.markGone(ctx, r.ID, it.Seq); err != nil {
				return err
			}
			continue
		}
		if _, err = s.complete(ctx, r, &sd, ""); err != nil {
			return err
		}
		if err := s.notifyMentions(ctx, r, sd.Msg, w.Entry().CreatedAt); err != nil {
			return err
		}
	}
	return nil
}

// reconcileWindow is how many of a room's latest seqs Reconcile checks: a
// crash can only leave holes among the sends in flight then.
const reconcileWindow = 200

// Reconcile marks as voids the seqs a crash took without storing a
// message. Call it at start-up after the outbox's Recover (which stores
// every message whose client id was stored) and before any request.
func (s *Service) Reconcile(ctx context.Context) error {
	s.seqs.forget() // a start: the counters are read again from the store
	// Every send looks its client id up: indexed from the first one.
	if err := s.deps.Store.Prepare(ctx, colRooms, colHeads, colIndex, colMessages, colMembers, colSends, colGone, colHistory); err != nil {
		return err
	}
	idx, _, err := store.Get[struct {
		IDs []string `bson:"ids"`
	}](ctx, s.deps.Store.Collection(colIndex), indexID)
	if err != nil {
		return err
	}
	for _, id := range idx.IDs {
		r, err := s.loadRoom(ctx, id, true)
		if err != nil {
			return fmt.Errorf("reconcile room %s: %w", id, err)
		}
		if err := s.migrateGone(ctx, r); err != nil {
			return err
		}
		if err := s.withGone(ctx, []*roomDoc{r}, true); err != nil {
			return err
		}
		lo := max(1, r.Head-reconcileWindow+1)
		items, err := s.messages.Load(ctx, r.list(), lo, r.Head)
		if err != nil {
			return err
		}
		for n := lo; n <= r.Head; n++ {
			if items[n] == nil && !slices.Contains(r.Gone, n) {
				s.log.Warn("void left by a crash", "room", r.ID, "seq", n)
				if err := s.markGone(ctx, r.ID, n); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
