package forum

import (
	"context"
	"sync"
	"time"
)

// Notifying the people concerned by a post (the author replied to, the
// mentioned, every follower: two writes per recipient) is not what the
// poster waits for. With Deps.Background set, it runs on one background
// worker, in order, after the action has returned; Flush waits for it and
// Close drains it. Without it (unit tests), it runs inline.
type background struct {
	ch        chan func(context.Context)
	mu        sync.RWMutex
	stopped   bool
	closeOnce sync.Once
	done      chan struct{}
}

// backgroundQueue bounds the work waiting; a full queue makes actions wait.
const backgroundQueue = 1024

func newBackground() *background {
	b := &background{ch: make(chan func(context.Context), backgroundQueue), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		for fn := range b.ch {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			fn(ctx)
			cancel()
		}
	}()
	return b
}

// later runs fn in the background, or now when there is no worker (or it
// is closed).
func (s *Service) later(ctx context.Context, fn func(context.Context)) {
	if b := s.bg; b != nil {
		b.mu.RLock()
		if !b.stopped {
			select {
			case b.ch <- fn:
				b.mu.RUnlock()
				return
			case <-ctx.Done():
			}
		}
		b.mu.RUnlock()
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
	b := s.bg
	if b == nil {
		return
	}
	b.closeOnce.Do(func() {
		b.mu.Lock()
		b.stopped = true
		b.mu.Unlock()
		close(b.ch)
		<-b.done
	})
}
