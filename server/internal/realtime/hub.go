package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/cantieri/tavolo/server/internal/account"
)

// Hub fans topic events out to websocket connections (the Mattermost
// model): one owner goroutine owns the subscription index and talks to the
// connections only through their bounded send queues, so a slow client is
// dropped and never slows anyone else. Features publish through Publish;
// nothing else about the hub is their concern.
type Hub struct {
	log    *slog.Logger
	events Log
	seq    *sequencer
	broker Broker
	rules  *rules

	cmds      chan func()
	asides    chan struct{} // a slot per frame being handled (maxAsides)
	pendingMu sync.Mutex
	pending   map[string]*batch // stored events waiting for the owner, by topic
	stop      chan struct{}
	ownerDone chan struct{}
	closeOnce sync.Once
	serving   sync.WaitGroup // Serve calls; Add only in the owner, before closing
	open      atomic.Int64
	dropped   atomic.Int64
	atOnce    atomic.Int64 // frames the socket took at once (frames.go)
	partial   atomic.Int64 // frames it took part of: the rest went to a writer

	// Owned by the owner goroutine. Sessions are not indexed: ending one
	// (rare) scans conns, and an idle connection costs one entry less.
	topics   map[string]map[*Conn]*sub
	next     []*Conn // fanOut's, kept between calls
	conns    map[*Conn]struct{}
	presence map[string]*topicPresence
	closing  bool

	typing typingGate  // its own lock: the publishers' goroutines ask it
	focus  typingGate  // the same gate for `focus`, at FocusInterval
	gens   generations // its own lock: subscribes read it (recheck.go)

	// The protocol's timings (Tuning).
	pingPeriod, pongWait, presenceInterval time.Duration
	presenceNamesMax                       int
}

// sub is one connection's subscription to one topic. While catchingUp the
// replay is being read: live events wait in buf, and when the replay is
// queued those after it follow, so the client sees no gap and no duplicate.
type sub struct {
	catchingUp bool
	present    bool // counted in the topic's presence
	buf        []delivery
	last       int64 // seq of the last event queued for this subscription
}

// delivery is an event with its encoded frame, shared by every subscriber.
type delivery struct {
	ev    *Event
	frame []byte
}

// Options configure a hub.
type Options struct {
	Log    Log    // where events are stored: a *StoreLog, or a *MemoryLog
	Broker Broker // default: LocalBroker
	Logger *slog.Logger
	Tuning Tuning
}

// Tuning overrides the protocol's timings and sizes (protocol.go), so tests
// need not wait a minute for the heartbeat; zero fields keep the constants.
type Tuning struct {
	PingPeriod, PongWait             time.Duration
	PresenceInterval, TypingInterval time.Duration
	PresenceNamesMax                 int
}

func or[T comparable](v, dflt T) T {
	var zero T
	if v == zero {
		return dflt
	}
	return v
}

// Identity is who a connection belongs to, copied out of the upgrade
// request.
type Identity struct {
	User      *account.User
	SessionID string
	ExpiresAt time.Time // the connection is closed (4001) then
}

// Stats are counters for the load generator and logs.
type Stats struct {
	Open    int64 // connections being served
	Dropped int64 // slow consumers dropped since start
}

// maxAsides bounds the frames handled at once, board-wide; the others wait
// on their reader's small stack. Their work is mostly the store's, whose
// few read connections serve them in turn anyway. Unbounded, a storm of
// thousands of subscribes parked thousands of deep driver stacks at once;
// the runtime sizes new goroutines' stacks after the average it sees, and
// each idle room connection kept 24 KiB rather than 12 (README, wsload -idle).
const maxAsides = 32

// New starts a hub.
func New(o Options) *Hub {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Broker == nil {
		o.Broker = &LocalBroker{}
	}
	h := &Hub{
		log:       o.Logger,
		events:    o.Log,
		broker:    o.Broker,
		rules:     newRules(),
		cmds:      make(chan func(), 1024),
		asides:    make(chan struct{}, maxAsides),
		stop:      make(chan struct{}),
		ownerDone: make(chan struct{}),
		topics:    map[string]map[*Conn]*sub{},
		conns:     map[*Conn]struct{}{},
		pending:   map[string]*batch{},
		presence:  map[string]*topicPresence{},

		pingPeriod:       or(o.Tuning.PingPeriod, PingPeriod),
		pongWait:         or(o.Tuning.PongWait, PongWait),
		presenceInterval: or(o.Tuning.PresenceInterval, PresenceInterval),
		presenceNamesMax: or(o.Tuning.PresenceNamesMax, PresenceNamesMax),
	}
	h.typing.interval = or(o.Tuning.TypingInterval, TypingInterval)
	h.focus.interval = FocusInterval
	h.focus.relay = func(e *Event) { h.broker.Publish([]*Event{e}) }
	h.seq = newSequencer(o.Log, h.broker.Publish)
	h.broker.Start(h.deliver)
	go h.run()
	return h
}

// Publish stores an event on topic, after the write it describes
// succeeded, then fans it out; it returns the event's seq. data is encoded
// as JSON (the same shape the HTTP API returns).
func (h *Hub) Publish(ctx context.Context, topic, event string, data any) (int64, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return 0, fmt.Errorf("encode %s event: %w", event, err)
	}
	// Stored times have millisecond precision: live and replayed events
	// must look the same.
	ev := &Event{Topic: topic, Name: event, Data: raw, At: time.Now().UTC().Truncate(time.Millisecond)}
	if err := h.seq.append(ctx, ev); err != nil {
		return 0, fmt.Errorf("publish %s on %s: %w", event, topic, err)
	}
	return ev.Seq, nil
}

// PublishAll publishes events of one name on topic in the order given,
// with no other event between them, as one append when they fit one batch
// (a room's messages stored together).
func (h *Hub) PublishAll(ctx context.Context, topic, event string, data []any) error {
	at := time.Now().UTC().Truncate(time.Millisecond)
	evs := make([]*Event, len(data))
	for i, d := range data {
		raw, err := json.Marshal(d)
		if err != nil {
			return fmt.Errorf("encode %s event: %w", event, err)
		}
		evs[i] = &Event{Topic: topic, Name: event, Data: raw, At: at}
	}
	if err := h.seq.append(ctx, evs...); err != nil {
		return fmt.Errorf("publish %d %s on %s: %w", len(evs), event, topic, err)
	}
	return nil
}

// Head is the topic's latest seq (0 if none): HTTP views that go live
// return it so the client subscribes with since = head.
func (h *Hub) Head(ctx context.Context, topic string) (int64, error) {
	return h.events.Head(ctx, topic)
}

// Authorize registers who may subscribe to topics "<kind>:<id>" (see Rule).
// A kind without a rule is an unknown topic. Features call it at start-up.
// The parameter is spelled out, not Rule, so that features' one-method
// interfaces match without importing this package.
func (h *Hub) Authorize(kind string, rule func(ctx context.Context, u *account.User, id string) error) {
	h.rules.add(kind, rule)
}

// EndSession closes (4001) the connections of a session that ended.
func (h *Hub) EndSession(sessionID string) {
	h.do(func() {
		for c := range h.conns {
			if c.session == sessionID {
				c.close(CloseSessionEnded, "session_ended")
			}
		}
	})
}

// Stats returns the hub's counters.
func (h *Hub) Stats() Stats { return Stats{Open: h.open.Load(), Dropped: h.dropped.Load()} }

// Close sends 1001 to every connection, waits a moment for them to end,
// stores the events still queued and stops the owner.
func (h *Hub) Close() {
	h.closeOnce.Do(func() {
		h.call(func() {
			h.closing = true
			for c := range h.conns {
				c.close(CloseGoingAway, "server_shutdown")
			}
		})
		done := make(chan struct{})
		go func() { h.serving.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(closeGrace + time.Second):
			h.log.Warn("websocket connections still open at shutdown", "open", h.open.Load())
		}
		h.seq.close()
		if f, ok := h.events.(interface{ Flush(context.Context) error }); ok {
			ctx, cancel := context.WithTimeout(context.Background(), appendTimeout)
			if err := f.Flush(ctx); err != nil {
				h.log.Warn("store topic heads at shutdown", "err", err)
			}
			cancel()
		}
		close(h.stop)
		<-h.ownerDone
	})
}

func (h *Hub) run() {
	defer close(h.ownerDone)
	for {
		select {
		case f := <-h.cmds:
			f()
		case <-h.stop:
			return
		}
	}
}

// do runs f on the owner goroutine; after Close it is dropped.
func (h *Hub) do(f func()) {
	select {
	case h.cmds <- f:
	case <-h.ownerDone:
	}
}

// call runs f on the owner goroutine and waits for it.
func (h *Hub) call(f func()) {
	done := make(chan struct{})
	h.do(func() { f(); close(done) })
	select {
	case <-done:
	case <-h.ownerDone:
	}
}

// batch is events of one topic delivered together (a group commit, or one
// transient event), with their encoded frames, shared by every subscriber.
type batch struct {
	evs    []*Event
	frames [][]byte
}

// deliver receives batches from the broker, in seq order per topic. Each
// event is encoded once. Stored batches that arrive while the topic's
// previous fan-out is still waiting for the owner join it: a busy hub sends
// fewer, larger frames instead of falling further behind.
func (h *Hub) deliver(evs []*Event) {
	if len(evs) == 0 {
		return
	}
	frames := make([][]byte, len(evs))
	for i, e := range evs {
		frames[i] = e.message()
	}
	topic := evs[0].Topic
	if evs[0].Seq == 0 { // transient: never merged with stored events
		b := &batch{evs: evs, frames: frames}
		h.do(func() { h.fanOut(topic, b) })
		return
	}
	h.pendingMu.Lock()
	if b := h.pending[topic]; b != nil && b.evs[len(b.evs)-1].Seq+1 == evs[0].Seq {
		b.evs, b.frames = append(b.evs, evs...), append(b.frames, frames...)
		h.pendingMu.Unlock()
		return
	}
	b := &batch{evs: evs, frames: frames}
	h.pending[topic] = b
	h.pendingMu.Unlock()
	h.do(func() {
		h.pendingMu.Lock()
		if h.pending[topic] == b {
			delete(h.pending, topic)
		}
		h.pendingMu.Unlock()
		h.fanOut(topic, b)
	})
}

// splitFanOut is the subscriber count from which a fan-out's writes are
// split between two goroutines.
const splitFanOut = 64

// fanOut queues b for every subscription to topic. Owner only.
//
// Most subscriptions simply follow on: their bookkeeping is done here, and
// their frames are written by two goroutines at once when there are many
// (each connection's write is a syscall, tried without blocking: see
// frames.go). The owner waits for both halves, so a connection gets a
// topic's batches in order, as from one goroutine.
func (h *Hub) fanOut(topic string, b *batch) {
	subs := h.topics[topic]
	if len(subs) < splitFanOut {
		for c, s := range subs {
			h.deliverBatch(c, topic, s, *b)
		}
		return
	}
	next := h.next[:0]
	for c, s := range subs {
		if s.follow(*b) {
			next = append(next, c)
		} else {
			h.deliverEach(c, topic, s, *b)
		}
	}
	m := outMsg{many: b.frames}
	half := len(next) / 2
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, c := range next[half:] {
			c.enqueue(m)
		}
	}()
	for _, c := range next[:half] {
		c.enqueue(m)
	}
	<-done
	clear(next)
	h.next = next
}

// follow moves s past b when b follows on from what s has; then b is
// queued as one message. Owner only.
func (s *sub) follow(b batch) bool {
	if s.catchingUp || b.evs[0].Seq != s.last+1 {
		return false
	}
	s.last = b.evs[len(b.evs)-1].Seq
	return true
}

// deliverBatch queues b for one subscription. Owner only.
func (h *Hub) deliverBatch(c *Conn, topic string, s *sub, b batch) {
	if s.follow(b) {
		c.enqueue(outMsg{many: b.frames})
		return
	}
	h.deliverEach(c, topic, s, b)
}

// deliverEach queues b's events one by one (a subscription catching up,
// or one that b does not follow on from). Owner only.
func (h *Hub) deliverEach(c *Conn, topic string, s *sub, b batch) {
	for i, e := range b.evs {
		if c.sub(topic) != s {
			return // a gap removed the subscription
		}
		h.deliverTo(c, topic, s, delivery{ev: e, frame: b.frames[i]})
	}
}

// deliverTo queues one event for one subscription. Owner only.
func (h *Hub) deliverTo(c *Conn, topic string, s *sub, d delivery) {
	switch {
	case d.ev.Seq == 0: // transient: not for its sender's own tabs
		if d.ev.From != c.user.ID {
			c.enqueue(outMsg{one: d.frame})
		}
	case s.catchingUp:
		if len(s.buf) >= catchUpLimit {
			c.drop()
			return
		}
		s.buf = append(s.buf, d)
	case d.ev.Seq <= s.last: // already in the replay
	case d.ev.Seq > s.last+1:
		// A broker lost an event: the client must refetch, not miss it.
		h.log.Warn("seq gap on topic", "topic", topic, "last", s.last, "seq", d.ev.Seq)
		head := d.ev.Seq
		h.removeSub(c, topic)
		c.enqueue(outMsg{one: encode(topicMsg{Type: "reset", Topic: topic, Head: &head})})
	default:
		s.last = d.ev.Seq
		c.enqueue(outMsg{one: d.frame})
	}
}

// register adds c to the index; false when the hub is closing. Owner only.
func (h *Hub) register(c *Conn) bool {
	if h.closing {
		return false
	}
	h.serving.Add(1)
	h.conns[c] = struct{}{}
	return true
}

// unregister removes c and its subscriptions. Owner only.
func (h *Hub) unregister(c *Conn) {
	for len(c.subs) > 0 {
		h.removeSub(c, c.subs[len(c.subs)-1].topic)
	}
	delete(h.conns, c)
	h.serving.Done()
}

// addSub starts (or restarts) c's subscription to topic in the catching-up
// state, counting c's user present if the topic has presence (and the
// subscription is not quiet: pm not tracked); false if c has too many.
// Owner only.
func (h *Hub) addSub(c *Conn, topic string, pm presenceMode) bool {
	s := c.sub(topic)
	if s == nil {
		if len(c.subs) >= MaxTopics {
			return false
		}
		s = &sub{}
		c.subs = append(c.subs, subEntry{topic, s})
		subs := h.topics[topic]
		if subs == nil {
			subs = map[*Conn]*sub{}
			h.topics[topic] = subs
		}
		subs[c] = s
	}
	s.catchingUp, s.buf = true, nil
	switch {
	case pm.tracked && !s.present:
		s.present = true
		h.join(c, topic, pm.countsOnly)
	case pm.tracked:
		h.setPresenceMode(topic, pm.countsOnly)
	case s.present: // subscribed again, quietly
		s.present = false
		h.leave(c, topic)
	}
	return true
}

// goLive queues the replay (ending with `subscribed`) and then the live
// events that arrived meanwhile and are newer than head. Owner only.
func (h *Hub) goLive(c *Conn, topic string, head int64, replay [][]byte) {
	s := c.sub(topic)
	if s == nil || !s.catchingUp {
		return // unsubscribed or disconnected meanwhile
	}
	c.enqueue(outMsg{many: replay})
	if tp := h.presence[topic]; s.present && tp != nil {
		c.enqueue(outMsg{one: tp.encode(topic, h.presenceNamesMax)})
	}
	buf := s.buf
	s.catchingUp, s.buf, s.last = false, nil, head
	for _, d := range buf {
		if c.sub(topic) != s {
			return // a gap removed the subscription
		}
		h.deliverTo(c, topic, s, d)
	}
}

// removeSub ends c's subscription to topic. Owner only.
func (h *Hub) removeSub(c *Conn, topic string) {
	if s := c.sub(topic); s != nil && s.present {
		h.leave(c, topic)
	}
	c.dropSub(topic)
	if subs := h.topics[topic]; subs != nil {
		delete(subs, c)
		if len(subs) == 0 {
			delete(h.topics, topic)
		}
	}
}

// Serve runs a websocket connection until it ends; the web layer calls it
// from the upgrade handler, which must not return before it (the contrib
// connection is pooled).
func (h *Hub) Serve(ws *websocket.Conn, id Identity) {
	c := &Conn{hub: h, ws: ws, raw: rawConn(ws), wlock: make(chan struct{}, 1), user: id.User, session: id.SessionID, expires: id.ExpiresAt}
	c.answerControls()
	var ok bool
	h.call(func() { ok = h.register(c) })
	if !ok {
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(CloseGoingAway, "server_shutdown"), time.Now().Add(time.Second))
		return
	}
	h.open.Add(1)
	// Deferred so that a panic or an early return cannot leave c indexed
	// (and Close waiting for it): finish, then unregister, then count.
	defer h.open.Add(-1)
	defer h.do(func() { h.unregister(c) })
	defer c.finish()
	c.aside(func() {
		c.enqueue(outMsg{one: encode(helloMsg{Type: "hello", UserID: c.user.ID, HeartbeatMS: h.pingPeriod.Milliseconds()})})
	})
	c.schedule()
	c.readLoop()
}
