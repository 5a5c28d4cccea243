package rooms

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/store"
)

// A send is answered and published once its message is stored with its
// client id and named by its batch's outbox entry (commit.go); the
// writes that follow from it (the message into its bucket, the author's
// own seqs, the answered message's replies, the room's counter on the
// embedded store) are the applier's, in the background. On the embedded
// store a bucket write rewrites up to 50 messages and each write waits
// for the one writer connection: written per send, they were most of a
// busy board's writes, and with many rooms every send paid them before
// its answer. The applier takes every batch answered since its previous
// round and writes each bucket and author once for all of them.
//
// A crash before a round is written leaves the batch's outbox entry:
// redoSent writes what it names at the next start. Every read that
// shows messages, unread counts or members first waits until the
// applier has written the sends answered in that room before it
// (settle), so a reader sees every write answered before, as before.
type applier struct {
	mu      sync.Mutex
	queue   []*applyItem
	running bool
	rooms   map[string]*roomApply  // present while a room has sends not written
	pending map[string]*messageDoc // messageID -> a message answered, not yet in its bucket
	round   chan struct{}          // closed at the end of each round
	hurry   chan struct{}          // a reader waits: the next round now
}

// applyEvery spaces the rounds while sends keep coming and no reader
// waits (a reader starts the next round at once): a round rewrites each
// bucket it touches (up to 50 messages) and the sends being answered wait
// behind it at the writer, so fewer, fuller rounds leave the writer to
// them more often. With 40 busy rooms, 500 ms rather than 100 ms took the
// delivery p99 from 204–256 to 155–192 ms, and 1 s rather than 500 ms
// from 110–210 to 92–170 ms (alternated runs, README): the writer was
// ~94% busy, a quarter of it rewriting buckets.
const applyEvery = time.Second

type roomApply struct{ queued, applied int }

// applyItem is one answered batch of a room.
type applyItem struct {
	r     *roomDoc
	jobs  []*sendJob
	w     *outbox.Work
	try   int
	sends bool // the jobs' client ids are the applier's to store
}

// applyRetries bounds the rounds one batch is tried in; after them its
// outbox entry stays for the next start.
const applyRetries = 3

// enqueue hands an answered batch to the applier; its messages are
// visible to wire (replies) until they are written.
func (s *Service) enqueue(it *applyItem) {
	a := &s.apply
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.rooms == nil {
		a.rooms, a.pending, a.round = map[string]*roomApply{}, map[string]*messageDoc{}, make(chan struct{})
		a.hurry = make(chan struct{}, 1)
	}
	ra := a.rooms[it.r.ID]
	if ra == nil {
		ra = &roomApply{}
		a.rooms[it.r.ID] = ra
	}
	ra.queued++
	for _, j := range it.jobs {
		a.pending[messageID(it.r.ID, j.msg.Seq)] = j.msg
	}
	a.queue = append(a.queue, it)
	if !a.running {
		a.running = true
		go s.applyLoop()
	}
}

// settle waits until the sends answered in the rooms before the call are
// written.
func (s *Service) settle(ctx context.Context, roomIDs ...string) error {
	a := &s.apply
	a.mu.Lock()
	for _, id := range roomIDs {
		ra := a.rooms[id]
		if ra == nil {
			continue
		}
		target := ra.queued
		for a.rooms[id] != nil && a.rooms[id].applied < target {
			round := a.round
			select {
			case a.hurry <- struct{}{}:
			default:
			}
			a.mu.Unlock()
			select {
			case <-round:
			case <-ctx.Done():
				return ctx.Err()
			}
			a.mu.Lock()
		}
	}
	a.mu.Unlock()
	return nil
}

// storeSends stores the client ids the round's items hold (answered on
// the sole writer, held in sendDocs meanwhile), store.Chunk to a command.
// A retried round finds some stored already.
func (s *Service) storeSends(ctx context.Context, items []*applyItem) error {
	var docs []any
	var ids []string
	for _, it := range items {
		if !it.sends {
			continue
		}
		for _, j := range it.jobs {
			docs = append(docs, j.doc())
			ids = append(ids, j.sid)
		}
	}
	if err := store.InsertNew(ctx, s.deps.Store.C(colSends), docs, store.Chunk); err != nil {
		return fmt.Errorf("store client ids: %w", err)
	}
	if len(ids) > 0 {
		s.sendDocs.Stored(ids...)
	}
	return nil
}

// answered is a message answered but maybe not yet in its bucket.
func (s *Service) answered(roomID string, seq int) *messageDoc {
	a := &s.apply
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pending[messageID(roomID, seq)]
}

// applyLoop writes rounds until nothing is queued.
func (s *Service) applyLoop() {
	a := &s.apply
	for {
		a.mu.Lock()
		items := a.queue
		a.queue = nil
		if len(items) == 0 {
			a.running = false
			a.mu.Unlock()
			return
		}
		a.mu.Unlock()
		tr := time.Now()
		select { // a reader's hurry is for a round from now on
		case <-a.hurry:
		default:
		}
		retry := s.applyRound(items)
		if len(retry) > 0 {
			time.Sleep(time.Second)
		}
		a.mu.Lock()
		a.queue = append(retry, a.queue...)
		for _, it := range items {
			if slices.Contains(retry, it) {
				continue
			}
			for _, j := range it.jobs {
				delete(a.pending, messageID(it.r.ID, j.msg.Seq))
			}
			ra := a.rooms[it.r.ID]
			if ra.applied++; ra.applied == ra.queued {
				delete(a.rooms, it.r.ID)
			}
		}
		close(a.round)
		a.round = make(chan struct{})
		busy := len(a.queue) > 0
		a.mu.Unlock()
		if busy {
			t := time.NewTimer(applyEvery - time.Since(tr))
			select {
			case <-t.C:
			case <-a.hurry:
			}
			t.Stop()
		}
	}
}

// applyRound writes the items' messages and returns those to try again:
// each room's buckets, then every room's authors and counters together,
// a few dozen to a command. Authors are one write per send at most, and
// as many commands they made the applier fall behind: each waits its
// turn at the writer behind the sends being answered.
func (s *Service) applyRound(items []*applyItem) (retry []*applyItem) {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	var order []string
	byRoom := map[string][]*applyItem{}
	for _, it := range items {
		if byRoom[it.r.ID] == nil {
			order = append(order, it.r.ID)
		}
		byRoom[it.r.ID] = append(byRoom[it.r.ID], it)
	}
	failed := map[string]error{}
	if err := s.storeSends(ctx, items); err != nil {
		for _, it := range items {
			if it.sends {
				failed[it.r.ID] = err
			}
		}
	}
	var owns []ownWrite
	heads := map[string]int{}
	for _, id := range order {
		if failed[id] != nil {
			continue // its client ids first
		}
		its := byRoom[id]
		var jobs []*sendJob
		for _, it := range its {
			jobs = append(jobs, it.jobs...)
		}
		r := its[len(its)-1].r
		o, err := s.storeMessages(ctx, r, jobs)
		if err != nil {
			failed[id] = err
			continue
		}
		owns = append(owns, o...)
		for _, j := range jobs {
			if j.msg.ReplyTo > 0 {
				s.addReply(ctx, r, j.msg.ReplyTo, j.msg.Seq)
			}
		}
		heads[id] = slices.MaxFunc(jobs, func(a, b *sendJob) int { return a.msg.Seq - b.msg.Seq }).msg.Seq
	}
	for id, err := range s.addOwns(ctx, owns) {
		failed[id] = err
	}
	if err := s.raiseHeads(ctx, heads); err != nil {
		for id := range heads {
			failed[id] = err
		}
	}
	for _, id := range order {
		err := failed[id]
		for _, it := range byRoom[id] {
			if err != nil {
				if it.try++; it.try < applyRetries {
					s.log.Warn("write answered messages (tried again)", "room", id, "try", it.try, "err", err)
					retry = append(retry, it)
					continue
				}
				s.log.Error("write answered messages (redone at the next start)", "room", id, "err", err)
			}
			it.w.End(err)
		}
	}
	return retry
}

// ownWrite is a member's own seqs of a round.
type ownWrite struct {
	roomID, userID string
	seqs           []int
	joined         bool // a member before each of the sends
}

// addOwns records the round's own seqs: those of members in bulk
// commands (under their locks, as addOwn), the others (who join by
// sending) one by one. It returns the rooms whose writes failed.
func (s *Service) addOwns(ctx context.Context, owns []ownWrite) map[string]error {
	failed := map[string]error{}
	var joined []ownWrite
	for _, o := range owns {
		if !o.joined {
			if err := s.addOwn(ctx, o.roomID, o.userID, o.seqs, true, false); err != nil {
				failed[o.roomID] = err
			}
			continue
		}
		joined = append(joined, o)
	}
	now := s.now()
	for i := 0; i < len(joined); i += store.Chunk {
		chunk := joined[i:min(len(joined), i+store.Chunk)]
		mids := make([]string, len(chunk))
		models := make([]mongo.WriteModel, len(chunk))
		for k, o := range chunk {
			mids[k] = memberID(o.roomID, o.userID)
			models[k] = mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": mids[k]}).SetUpdate(ownUpdate(o.seqs, now))
		}
		unlock := s.memberLocks.LockAll(mids)
		_, err := s.deps.Store.C(colMembers).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
		unlock()
		if err != nil {
			for _, o := range chunk {
				failed[o.roomID] = fmt.Errorf("record own messages: %w", err)
			}
		}
	}
	return failed
}

// raiseHeads stores that the rooms' seqs up to each one's last are
// taken, where the process numbers the messages (seqs in heads.go); on
// MongoDB the counter took them already.
func (s *Service) raiseHeads(ctx context.Context, last map[string]int) error {
	if !s.deps.Store.SoleWriter() || len(last) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, 0, len(last))
	for id, n := range last {
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": id}).
			SetUpdate(bson.M{"$max": bson.M{"n": n}}).SetUpsert(true))
	}
	if err := store.WriteChunks(ctx, s.deps.Store.C(colHeads), models, store.Chunk, 0); err != nil {
		return fmt.Errorf("raise the rooms' counters: %w", err)
	}
	return nil
}
