// Package group writes the inserts of concurrent callers into one
// collection as one InsertMany (group commit). On the embedded store every
// write waits for the one writer connection: while one insert is written,
// the inserts that arrive wait together and go in the next one, so many
// writers (the topics of a busy board, the rooms' committers) cost a few
// commands where they cost one each.
package group

import (
	"context"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Inserter groups the inserts into one collection.
type Inserter struct {
	c       *mongo.Collection
	timeout time.Duration
	mu      sync.Mutex
	queued  *batch     // the group not yet written
	write   sync.Mutex // one group written at a time
}

type batch struct {
	docs []any
	done chan struct{}
	err  error
}

// New returns an inserter into c; timeout bounds one group's insert,
// whoever waits for it (0: one minute).
func New(c *mongo.Collection, timeout time.Duration) *Inserter {
	if timeout <= 0 {
		timeout = time.Minute
	}
	return &Inserter{c: c, timeout: timeout}
}

// Insert stores docs with those of the inserts waiting at the same time,
// and returns once they are written. The group's insert is ordered and one
// error fails the whole group: a caller whose docs may be partly stored
// (a duplicate _id in another caller's docs stops the insert) must check
// or rewrite them, as on any failed InsertMany.
func (in *Inserter) Insert(ctx context.Context, docs []any) error {
	if len(docs) == 0 {
		return nil
	}
	in.mu.Lock()
	g, lead := in.queued, false
	if g == nil {
		g, lead = &batch{done: make(chan struct{})}, true
		in.queued = g
	}
	g.docs = append(g.docs, docs...)
	in.mu.Unlock()
	if !lead {
		select {
		case <-g.done:
			return g.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	in.write.Lock()
	in.mu.Lock()
	in.queued = nil // sealed: later inserts start the next group
	in.mu.Unlock()
	// Written for every caller of the group: not cut off by the leader's own
	// context ending.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), in.timeout)
	_, g.err = in.c.InsertMany(wctx, g.docs)
	cancel()
	in.write.Unlock()
	close(g.done)
	return g.err
}
