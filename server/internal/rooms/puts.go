package rooms

import (
	"context"
	"hash/maphash"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// puts groups the bucket writes of concurrent sends (group commit). On the
// embedded store a bucket write rewrites the whole bucket, up to 50
// messages, on the one writer connection: the sends of a busy room that
// wait for the previous write go together in the next one. Each send still
// returns only once its own message is stored.
type puts struct {
	mu     sync.Mutex
	queued map[string]*putGroup // bucket id -> the group not yet written
	seed   maphash.Seed
	write  [64]sync.Mutex // one write of a bucket at a time (striped)
}

// putGroup is the messages of one bucket written together.
type putGroup struct {
	msgs []*messageDoc
	done chan struct{}
	err  error
}

// putMessages writes messages of one bucket at their seqs, with the other
// writes' messages for the same bucket waiting then (a room's batch and a
// resend's). The first of a group writes it, once the bucket's previous
// write is over; those joining meanwhile wait.
func (s *Service) putMessages(ctx context.Context, r *roomDoc, msgs []*messageDoc) error {
	p := &s.puts
	key := messageLayout.ID(r.list(), msgs[0].Seq)
	p.mu.Lock()
	if p.queued == nil {
		p.queued, p.seed = map[string]*putGroup{}, maphash.MakeSeed()
	}
	g, lead := p.queued[key], false
	if g == nil {
		g, lead = &putGroup{done: make(chan struct{})}, true
		p.queued[key] = g
	}
	g.msgs = append(g.msgs, msgs...)
	p.mu.Unlock()
	if !lead {
		<-g.done
		return g.err
	}
	lock := &p.write[maphash.String(p.seed, key)%uint64(len(p.write))]
	lock.Lock()
	p.mu.Lock()
	delete(p.queued, key) // sealed: later sends start the next group
	p.mu.Unlock()
	// Written for every send of the group: not cut off by the leader's own
	// request ending.
	g.err = s.writeMessages(context.WithoutCancel(ctx), r, g.msgs)
	lock.Unlock()
	close(g.done)
	return g.err
}

// writeMessages writes messages of one bucket. The bucket exists but for
// the first message of a bucket: a plain update is cheaper than an upsert
// on the embedded store (measured ~2 ms against ~5 ms), so the upsert is
// only the fallback.
func (s *Service) writeMessages(ctx context.Context, r *roomDoc, msgs []*messageDoc) error {
	set := bson.M{}
	for _, m := range msgs {
		set[messageLayout.Path(m.Seq, "")] = m
	}
	matched, err := s.messages.UpdateIf(ctx, r.list(), msgs[0].Seq, bson.M{}, bson.M{"$set": set})
	if err != nil || matched {
		return err
	}
	items := make(map[int]*messageDoc, len(msgs))
	for _, m := range msgs {
		items[m.Seq] = m
	}
	return s.messages.PutMany(ctx, r.list(), items) // one upsert, not one a message
}
