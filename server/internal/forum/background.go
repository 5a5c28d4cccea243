package forum

import (
	"context"
)

// Notifying the people concerned by a post (the author replied to, the
// mentioned, every follower: two writes per recipient) is not what the
// poster waits for. With Deps.Background set, it runs on one background
// worker, in order, after the action has returned (outbox.Later); Flush
// waits for it and Close drains it. Without it (unit tests), it runs inline.

// later runs fn in the background (or now, see outbox.Later.Run).
func (s *Service) later(ctx context.Context, fn func(context.Context)) { s.bg.Run(ctx, fn) }

// Flush waits until the background work queued so far is done.
func (s *Service) Flush(ctx context.Context) error { return s.bg.Flush(ctx) }

// Close finishes the background work and stops the worker.
func (s *Service) Close() { s.bg.Close() }
