package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"
)

// Event is something that happened on a topic. A stored event has Seq > 0;
// a transient one (typing) has Seq 0 and From set.
type Event struct {
	Topic string
	Seq   int64
	Name  string
	Data  json.RawMessage
	At    time.Time
	From  string // user ID of a transient event's sender
}

// message encodes the event as a server message. Events are immutable once
// stored (the memory log shares them with readers), so the hub keeps the
// encoded frame beside the event rather than in it.
func (e *Event) message() []byte {
	if e.Seq == 0 {
		return encode(transientMsg{Type: "transient", Topic: e.Topic, Event: e.Name, Data: e.Data, UserID: e.From})
	}
	return encode(eventMsg{Type: "event", Topic: e.Topic, Seq: e.Seq, Event: e.Name, Data: e.Data, At: e.At})
}

// ErrOutOfWindow means the events after a seq cannot be replayed: they are
// older than the retained window, or the seq is ahead of the topic's head.
var ErrOutOfWindow = errors.New("realtime: seq outside the replay window")

// Log stores topic events and assigns their sequence numbers.
type Log interface {
	// Append stores evs on topic and sets their Seq, contiguous after the
	// head. The caller serialises appends per topic; on error no seq is
	// consumed.
	Append(ctx context.Context, topic string, evs []*Event) error
	// Head is the seq of the topic's latest stored event, 0 if none.
	Head(ctx context.Context, topic string) (int64, error)
	// Since returns the stored events with seq in (since, head], in order,
	// and head; ErrOutOfWindow (with head) when they cannot all be returned.
	Since(ctx context.Context, topic string, since int64) ([]*Event, int64, error)
}

// inWindow reports whether the events after since can be replayed at head.
func inWindow(since, head int64) bool {
	return since >= 0 && since <= head && head-since <= ReplayWindow
}

// MemoryLog is a Log kept in process memory: the baseline the load
// generator compares the stored log with, and a cheap log for tests.
type MemoryLog struct {
	mu     sync.Mutex
	topics map[string]*memTopic
}

type memTopic struct {
	head   int64
	recent []*Event // ring of the last ReplayWindow events, by seq % ReplayWindow
}

// NewMemoryLog returns an empty log.
func NewMemoryLog() *MemoryLog { return &MemoryLog{topics: map[string]*memTopic{}} }

// Append implements Log.
func (l *MemoryLog) Append(_ context.Context, topic string, evs []*Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.topics[topic]
	if t == nil {
		t = &memTopic{recent: make([]*Event, ReplayWindow)}
		l.topics[topic] = t
	}
	for _, e := range evs {
		t.head++
		e.Seq = t.head
		t.recent[t.head%ReplayWindow] = e
	}
	return nil
}

// Head implements Log.
func (l *MemoryLog) Head(_ context.Context, topic string) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.topics[topic]; t != nil {
		return t.head, nil
	}
	return 0, nil
}

// Since implements Log.
func (l *MemoryLog) Since(_ context.Context, topic string, since int64) ([]*Event, int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.topics[topic]
	if t == nil {
		t = &memTopic{}
	}
	if !inWindow(since, t.head) {
		return nil, t.head, ErrOutOfWindow
	}
	out := make([]*Event, 0, t.head-since)
	for s := since + 1; s <= t.head; s++ {
		out = append(out, t.recent[s%ReplayWindow])
	}
	return out, t.head, nil
}
