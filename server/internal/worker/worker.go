// Package worker runs one background goroutine fed by a bounded queue, for
// work a request hands off (notifications, search indexing): sends block
// only while the queue is full, Close refuses new sends and waits until
// everything queued is done.
package worker

import (
	"context"
	"errors"
	"sync"
)

// ErrClosed is what Send returns once Close has begun.
var ErrClosed = errors.New("worker: closed")

// Queue is a bounded queue and the goroutine that drains it.
type Queue[T any] struct {
	ch      chan T
	mu      sync.RWMutex // held for reading while sending; Close takes it to stop sends
	stopped bool
	once    sync.Once
	done    chan struct{}
}

// Start runs drain on a queue of size items; drain returns once the
// channel it ranges over is closed.
func Start[T any](size int, drain func(<-chan T)) *Queue[T] {
	q := &Queue[T]{ch: make(chan T, size), done: make(chan struct{})}
	go func() {
		defer close(q.done)
		drain(q.ch)
	}()
	return q
}

// Send queues v. It blocks while the queue is full, until ctx ends.
func (q *Queue[T]) Send(ctx context.Context, v T) error {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.stopped {
		return ErrClosed
	}
	select {
	case q.ch <- v:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Flush sends the marker that mark makes of a fresh channel and waits
// until drain closes that channel (having handled what was sent before
// it), or ctx ends.
func (q *Queue[T]) Flush(ctx context.Context, mark func(done chan struct{}) T) error {
	done := make(chan struct{})
	if err := q.Send(ctx, mark(done)); err != nil {
		return err
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close refuses new sends, then waits until drain has handled what was queued.
func (q *Queue[T]) Close() {
	q.once.Do(func() {
		q.mu.Lock()
		q.stopped = true
		q.mu.Unlock()
		close(q.ch)
		<-q.done
	})
}
