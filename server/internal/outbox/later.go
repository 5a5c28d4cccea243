package outbox

import (
	"context"
	"errors"
	"time"

	"github.com/cantieri/tavolo/server/internal/worker"
)

// After a write, a domain records its pending work (Outbox.Record), does
// the quick parts on the request (publish, queue the index), and leaves
// the slow ones (notifications: two writes per recipient) to Later, each a
// part of the work; its Redo, registered with Handle, finishes what a crash
// cut off at the next start (Recover). forum is the first user.

// laterQueue bounds the work waiting; a full queue makes actions wait.
const laterQueue = 1024

// Later runs work after the action has returned, on one background worker,
// in order. A nil *Later runs it inline (unit tests).
type Later struct {
	q *worker.Queue[func(context.Context)]
}

// NewLater starts the worker; Close drains it.
func NewLater() *Later {
	return &Later{q: worker.Start(laterQueue, func(ch <-chan func(context.Context)) {
		for fn := range ch {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			fn(ctx)
			cancel()
		}
	})}
}

// Run runs fn in the background, or now when there is no worker (or it is
// closed, or ctx ends while the queue is full).
func (l *Later) Run(ctx context.Context, fn func(context.Context)) {
	if l != nil && l.q.Send(ctx, fn) == nil {
		return
	}
	fn(context.WithoutCancel(ctx))
}

// Part runs fn like Run as a part of w: the entry stays until fn succeeds.
func (l *Later) Part(ctx context.Context, w *Work, fn func(context.Context) error) {
	done := w.Part()
	l.Run(ctx, func(ctx context.Context) { done(fn(ctx)) })
}

// Flush waits until the work queued so far is done.
func (l *Later) Flush(ctx context.Context) error {
	if l == nil {
		return nil
	}
	err := l.q.Flush(ctx, func(done chan struct{}) func(context.Context) {
		return func(context.Context) { close(done) }
	})
	if errors.Is(err, worker.ErrClosed) {
		return nil // Close ran everything queued
	}
	return err
}

// Close finishes the work queued and stops the worker.
func (l *Later) Close() {
	if l != nil {
		l.q.Close()
	}
}
