package realtime

import (
	"context"
	"errors"
	"sync"
	"time"
)

// maxBatch bounds one group commit (one insert of that many documents).
const maxBatch = 64

// appendTimeout bounds one group commit, whoever waits for it.
const appendTimeout = 10 * time.Second

var errClosed = errors.New("realtime: hub closed")

// sequencer serialises appends per topic and commits what queued up
// meanwhile as one batch: under load a topic costs a few writes per batch,
// not per event. Each topic has an appender goroutine only while it has
// work. Stored events are handed to deliver in seq order, batch after batch.
type sequencer struct {
	log     Log
	deliver func([]*Event)

	mu     sync.Mutex
	queues map[string][]*pending // topic -> waiting; present while its appender runs
	closed bool
	wg     sync.WaitGroup
}

type pending struct {
	ev   *Event
	done chan error
}

func newSequencer(l Log, deliver func([]*Event)) *sequencer {
	return &sequencer{log: l, deliver: deliver, queues: map[string][]*pending{}}
}

// append stores evs, events of one topic, in this order with no other
// event between them, and returns once they are stored and handed to
// deliver. If ctx ends first the events may still be stored and delivered.
func (s *sequencer) append(ctx context.Context, evs ...*Event) error {
	ps := make([]*pending, len(evs))
	for i, ev := range evs {
		ps[i] = &pending{ev: ev, done: make(chan error, 1)}
	}
	if len(evs) == 0 {
		return nil
	}
	topic := evs[0].Topic
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errClosed
	}
	q, running := s.queues[topic]
	s.queues[topic] = append(q, ps...)
	if !running {
		s.wg.Add(1)
		go s.run(topic)
	}
	s.mu.Unlock()
	var errs []error
	for _, p := range ps {
		select {
		case err := <-p.done:
			errs = append(errs, err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return errors.Join(errs...)
}

func (s *sequencer) run(topic string) {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		q := s.queues[topic]
		if len(q) == 0 {
			delete(s.queues, topic)
			s.mu.Unlock()
			return
		}
		n := min(len(q), maxBatch)
		batch := q[:n:n]
		s.queues[topic] = q[n:]
		s.mu.Unlock()

		evs := make([]*Event, n)
		for i, p := range batch {
			evs[i] = p.ev
		}
		ctx, cancel := context.WithTimeout(context.Background(), appendTimeout)
		err := s.log.Append(ctx, topic, evs)
		cancel()
		if err == nil {
			s.deliver(evs)
		}
		for _, p := range batch {
			p.done <- err
		}
	}
}

// close refuses new events and waits for the queued ones to be stored.
func (s *sequencer) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.wg.Wait()
}
