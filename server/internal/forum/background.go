package forum

import (
	"context"
	"time"

	"github.com/cantieri/tavolo/server/internal/worker"
)

// Notifying the people concerned by a post (the author replied to, the
// mentioned, every follower: two writes per recipient) is not what the
// poster waits for. With Deps.Background set, it runs on one background
// worker, in order, after the action has returned; Flush waits for it and
// Close drains it. Without it (unit tests), it runs inline.

// backgroundQueue bounds the work waiting; a full queue makes actions wait.
const backgroundQueue = 1024

func newBackground() *worker.Queue[func(context.Context)] {
	return worker.Start(backgroundQueue, func(ch <-chan func(context.Context)) {
		for fn := range ch {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			fn(ctx)
			cancel()
		}
	})
}

// later runs fn in the background, or now when there is no worker (or it
// is closed, or ctx ends while the queue is full).
func (s *Service) later(ctx context.Context, fn func(context.Context)) {
	if s.bg != nil && s.bg.Send(ctx, fn) == nil {
		return
	}
	fn(context.WithoutCancel(ctx))
}

// Flush waits until the background work queued so far is done.
func (s *Service) Flush(ctx context.Context) error {
	if s.bg == nil {
		return nil
	}
	done := make(chan struct{})
	s.later(ctx, func(context.Context) { close(done) })
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close finishes the background work and stops the worker.
func (s *Service) Close() {
	if s.bg != nil {
		s.bg.Close()
	}
}
