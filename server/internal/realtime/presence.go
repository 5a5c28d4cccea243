package realtime

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
)

// Presence: while a connection is subscribed to a topic whose kind has a
// presence rule, its user is present there. One person counts once however
// many tabs they have open; a silent connection is closed by the heartbeat
// (PongWait) and leaves with it. The owner goroutine keeps the tally and
// broadcasts `presence` frames coalesced to one per PresenceInterval per
// topic, so a join storm in a room of 5,000 costs a count frame a second,
// not 5,000 lists.
//
// Typing: a `typing` publish is fanned out at most once per TypingInterval
// per user and topic; the extra ones are acknowledged and dropped quietly.
// Focus (a comparison table's row) likewise once per FocusInterval, but the
// last one held back is relayed when the interval ends.

// PresenceRule says whether the topic "<kind>:<id>" shows counts only (no
// names). It runs when a connection subscribes, off the owner goroutine;
// the latest answer holds for the topic. An error is logged and answered
// as counts only, which reveals least.
type PresenceRule func(ctx context.Context, id string) (countsOnly bool, err error)

// presenceMsg is the `presence` frame.
type presenceMsg struct {
	Type  string         `json:"type"`
	Topic string         `json:"topic"`
	Count int            `json:"count"`
	Users []presenceUser `json:"users,omitempty"`
}

type presenceUser struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// presenceMode is what a subscription learnt from its kind's presence rule.
type presenceMode struct {
	tracked    bool // the kind has presence
	countsOnly bool
}

// present is one user's connections subscribed to a topic.
type present struct {
	name  string
	conns int
}

// topicPresence is the tally of one topic. Owner only.
type topicPresence struct {
	users      map[string]*present
	countsOnly bool
	frame      []byte    // the current state encoded; nil when it changed since
	sent       []byte    // the last frame broadcast
	last       time.Time // when it was broadcast
	armed      bool      // a broadcast is scheduled
}

// PresenceMode registers presence for topics "<kind>:<id>": only kinds
// registered here get `presence` frames. Features call it at start-up,
// after Authorize. The parameter is spelled out, not PresenceRule, so that
// features' one-method interfaces match without importing this package.
func (h *Hub) PresenceMode(kind string, rule func(ctx context.Context, id string) (countsOnly bool, err error)) {
	h.rules.addPresence(kind, rule)
}

// SetPresenceMode switches topic to counts only (or back to names) now,
// for a room whose setting changed: its subscribers get the new frame
// within PresenceInterval, without waiting for the next subscribe.
func (h *Hub) SetPresenceMode(topic string, countsOnly bool) {
	h.do(func() { h.setPresenceMode(topic, countsOnly) })
}

// AuthorizeTyping registers who may publish `typing` on "<kind>:<id>", on
// top of the kind's subscribe rule (Authorize): a muted member still reads
// the room but may not type. Kinds without one allow typing to whoever may
// subscribe.
func (h *Hub) AuthorizeTyping(kind string, rule func(ctx context.Context, u *account.User, id string) error) {
	h.rules.addTyping(kind, rule)
}

func (r *rules) addPresence(kind string, rule PresenceRule) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.presence[kind]; dup {
		panic("realtime: presence registered twice for kind " + kind)
	}
	r.presence[kind] = rule
}

func (r *rules) addTyping(kind string, rule Rule) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.typing[kind]; dup {
		panic("realtime: typing rule registered twice for kind " + kind)
	}
	r.typing[kind] = rule
}

// presenceMode asks topic's kind whether it has presence, and in which
// mode. topic has passed check.
func (r *rules) presenceMode(ctx context.Context, log *slog.Logger, topic string) presenceMode {
	kind, id, _ := strings.Cut(topic, ":")
	r.mu.RLock()
	rule := r.presence[kind]
	r.mu.RUnlock()
	if rule == nil {
		return presenceMode{}
	}
	countsOnly, err := rule(ctx, id)
	if err != nil {
		log.Error("presence rule failed: counts only", "topic", topic, "err", err)
		countsOnly = true
	}
	return presenceMode{tracked: true, countsOnly: countsOnly}
}

// join counts c's user present on topic. Owner only.
func (h *Hub) join(c *Conn, topic string, countsOnly bool) {
	tp := h.presence[topic]
	if tp == nil {
		tp = &topicPresence{users: map[string]*present{}}
		h.presence[topic] = tp
	}
	changed := tp.countsOnly != countsOnly
	tp.countsOnly = countsOnly
	u := tp.users[c.user.ID]
	if u == nil {
		u = &present{name: c.user.Name}
		tp.users[c.user.ID] = u
		changed = true
	}
	u.conns++
	if changed {
		h.presenceChanged(topic, tp)
	}
}

// setPresenceMode records a restarted subscription's answer. Owner only.
func (h *Hub) setPresenceMode(topic string, countsOnly bool) {
	if tp := h.presence[topic]; tp != nil && tp.countsOnly != countsOnly {
		tp.countsOnly = countsOnly
		h.presenceChanged(topic, tp)
	}
}

// leave undoes join. Owner only.
func (h *Hub) leave(c *Conn, topic string) {
	tp := h.presence[topic]
	if tp == nil {
		return
	}
	u := tp.users[c.user.ID]
	if u == nil {
		return
	}
	if u.conns--; u.conns > 0 {
		return
	}
	delete(tp.users, c.user.ID)
	if len(tp.users) == 0 && !tp.armed {
		delete(h.presence, topic) // nobody is left to tell
		return
	}
	h.presenceChanged(topic, tp)
}

// presenceChanged schedules a broadcast of topic's presence: at once if the
// last one is older than PresenceInterval, else when it will be. Owner only.
func (h *Hub) presenceChanged(topic string, tp *topicPresence) {
	tp.frame = nil
	if tp.armed {
		return
	}
	tp.armed = true
	wait := max(presenceSettle, time.Until(tp.last.Add(h.presenceInterval)))
	time.AfterFunc(wait, func() { h.do(func() { h.flushPresence(topic) }) })
}

// flushPresence sends topic's presence to its live subscribers, unless it
// is what they were last sent (a tab reloaded meanwhile). Subscriptions
// still catching up get it when they go live. Owner only.
func (h *Hub) flushPresence(topic string) {
	tp := h.presence[topic]
	if tp == nil {
		return
	}
	tp.armed = false
	if len(tp.users) == 0 {
		delete(h.presence, topic)
		return
	}
	frame := tp.encode(topic, h.presenceNamesMax)
	if bytes.Equal(frame, tp.sent) {
		return
	}
	tp.sent, tp.last = frame, time.Now()
	for c, s := range h.topics[topic] {
		if s.present && !s.catchingUp {
			c.enqueue(outMsg{one: frame})
		}
	}
}

// encode returns the current presence frame, built once per change. Names
// are listed in counts-and-names topics with at most namesMax people: a
// bigger crowd gets the count alone (a list nobody reads, sent to everyone
// in it, would be the most expensive frame of the hub).
func (tp *topicPresence) encode(topic string, namesMax int) []byte {
	if tp.frame != nil {
		return tp.frame
	}
	m := presenceMsg{Type: "presence", Topic: topic, Count: len(tp.users)}
	if !tp.countsOnly && len(tp.users) <= namesMax {
		m.Users = make([]presenceUser, 0, len(tp.users))
		for id, u := range tp.users {
			m.Users = append(m.Users, presenceUser{ID: id, Name: u.name})
		}
		slices.SortFunc(m.Users, func(a, b presenceUser) int {
			if c := strings.Compare(a.Name, b.Name); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
	}
	tp.frame = encode(m)
	return tp.frame
}

// typingGate admits one typing event per user and topic per interval. Its
// entries are swept once they are stale and the map has grown, so it holds
// about the people who typed in the last interval.
type typingGate struct {
	mu       sync.Mutex
	interval time.Duration
	last     map[typingKey]time.Time
	swept    time.Time
	// relay, when set (focus), gets the last event refused within a
	// user's interval when that interval ends (hold): the others see the
	// row one stopped on, not one passed on the way.
	relay func(*Event)
	held  map[typingKey]*Event
}

// hold keeps e, refused by allow, to relay when its user's interval on
// its topic ends; a later one refused meanwhile replaces it.
func (g *typingGate) hold(e *Event, now time.Time) {
	k := typingKey{e.Topic, e.From}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.held == nil {
		g.held = map[typingKey]*Event{}
	}
	_, waiting := g.held[k]
	g.held[k] = e
	if waiting {
		return
	}
	time.AfterFunc(g.interval-now.Sub(g.last[k]), func() {
		g.mu.Lock()
		e := g.held[k]
		delete(g.held, k)
		g.last[k] = time.Now()
		g.mu.Unlock()
		g.relay(e)
	})
}

type typingKey struct{ topic, user string }

// typingSweepAt is the size above which stale entries are swept.
const typingSweepAt = 1024

func (g *typingGate) allow(topic, user string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	k := typingKey{topic, user}
	if t, ok := g.last[k]; ok && now.Sub(t) < g.interval {
		return false
	}
	if g.last == nil {
		g.last = map[typingKey]time.Time{}
	}
	g.last[k] = now
	if len(g.last) > typingSweepAt && now.Sub(g.swept) >= g.interval {
		g.swept = now
		for k, t := range g.last {
			if now.Sub(t) >= g.interval {
				delete(g.last, k)
			}
		}
	}
	return true
}
