package realtime

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/realtime/rttest"
)

// harness serves a hub over real websockets (net/http); the query string
// says who the connection is: ?u=<user>&s=<session>&ttl=<duration>.
type harness struct {
	t   *testing.T
	hub *Hub
	url string
}

func newHarness(t *testing.T, l Log) *harness {
	t.Helper()
	return newTunedHarness(t, l, Tuning{})
}

// newTunedHarness is newHarness with the protocol's timings overridden. Its
// hub also has "chat" topics with presence (counts only for ids starting
// with "quiet") on which the user "muted" may not type.
func newTunedHarness(t *testing.T, l Log, tuning Tuning) *harness {
	t.Helper()
	hub := New(Options{Log: l, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Tuning: tuning})
	allow := func(context.Context, *account.User, string) error { return nil }
	hub.Authorize("room", allow)
	hub.Authorize("chat", allow)
	hub.PresenceMode("chat", func(_ context.Context, id string) (bool, error) { return strings.HasPrefix(id, "quiet"), nil })
	hub.AuthorizeTyping("chat", func(_ context.Context, u *account.User, _ string) error {
		if u.ID == "muted" {
			return problem.ErrForbidden
		}
		return nil
	})
	up := websocket.Upgrader{ReadBufferSize: 512, WriteBufferSize: 4096, WriteBufferPool: &sync.Pool{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		// an active participant, as the web gate admits only those
		u := &account.User{ID: q.Get("u"), Name: "Name " + q.Get("u"), Role: account.RoleParticipant, AdministrationStatus: account.StatusApproved}
		id := Identity{User: u, SessionID: q.Get("s")}
		if ttl, err := time.ParseDuration(q.Get("ttl")); err == nil {
			id.ExpiresAt = time.Now().Add(ttl)
		}
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		hub.Serve(ws, id)
	}))
	t.Cleanup(func() {
		hub.Close()
		srv.Close()
	})
	return &harness{t: t, hub: hub, url: "ws" + strings.TrimPrefix(srv.URL, "http")}
}

func (h *harness) dial(user string) *rttest.Client {
	return h.dialQuery("u=" + user + "&s=s-" + user)
}

func (h *harness) dialQuery(q string) *rttest.Client {
	h.t.Helper()
	c, _, err := rttest.Dial(h.t, h.url+"/?"+q, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	c.Hello()
	return c
}

func (h *harness) publish(topic string, n int) {
	h.t.Helper()
	for i := 0; i < n; i++ {
		if _, err := h.hub.Publish(context.Background(), topic, "post.created", map[string]int{"n": i}); err != nil {
			h.t.Fatal(err)
		}
	}
}

// seqs checks that ms are events on topic numbered from, from+1, …
func seqs(t *testing.T, ms []rttest.Msg, topic string, from int64) {
	t.Helper()
	for i, m := range ms {
		if m.Type != "event" || m.Topic != topic || m.Seq != from+int64(i) {
			t.Fatalf("message %d is %+v, want event seq %d on %s", i, m, from+int64(i), topic)
		}
	}
}

func TestSubscribeReplaysThenStreamsLive(t *testing.T) {
	for name, l := range logs(t) {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, l)
			h.publish("room:1", 3)
			c := h.dial("ann")
			replay, sub := c.Subscribe("room:1", 0)
			if sub.Type != "subscribed" || sub.Head != 3 {
				t.Fatalf("got %+v", sub)
			}
			seqs(t, replay, "room:1", 1)
			if string(replay[0].Data) != `{"n":0}` || replay[0].Event != "post.created" || replay[0].At.IsZero() {
				t.Fatalf("replayed %+v", replay[0])
			}
			_, live := c.Subscribe("room:2", -1)
			if live.Type != "subscribed" || live.Head != 0 {
				t.Fatalf("got %+v", live)
			}
			h.publish("room:1", 1)
			seqs(t, []rttest.Msg{c.Expect("event")}, "room:1", 4)
		})
	}
}

func TestResumeYieldsExactlyTheMissedEvents(t *testing.T) {
	for name, l := range logs(t) {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, l)
			c := h.dial("ann")
			c.Subscribe("room:1", 0)
			h.publish("room:1", 2)
			seqs(t, []rttest.Msg{c.Expect("event"), c.Expect("event")}, "room:1", 1)
			_ = c.WS.Close() // the laptop closes
			h.publish("room:1", 5)
			c = h.dial("ann")
			replay, sub := c.Subscribe("room:1", 2)
			seqs(t, replay, "room:1", 3)
			if len(replay) != 5 || sub.Head != 7 {
				t.Fatalf("replayed %d events, head %d", len(replay), sub.Head)
			}
			h.publish("room:1", 1)
			seqs(t, []rttest.Msg{c.Expect("event")}, "room:1", 8)
		})
	}
}

// TestNoGapBetweenReplayAndLive subscribes, with since, while events are
// being published as fast as the log takes them: every subscriber must see
// each seq after since exactly once, in order.
// With a crowd of other subscribers, the fan-out is split between two
// goroutines (splitFanOut) while the eight catch up.
func TestNoGapBetweenReplayAndLive(t *testing.T) {
	for _, crowd := range []int{0, splitFanOut} {
		for name, l := range logs(t) {
			t.Run(fmt.Sprintf("%s/crowd_%d", name, crowd), func(t *testing.T) {
				noGapBetweenReplayAndLive(t, l, crowd)
			})
		}
	}
}

func noGapBetweenReplayAndLive(t *testing.T, l Log, crowd int) {
	h := newHarness(t, l)
	for i := range crowd {
		h.dial("crowd"+strconv.Itoa(i)).Subscribe("room:1", -1)
	}
	const perPublisher, total = 100, 310
	h.publish("room:1", 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		for p := 0; p < 3; p++ { // concurrent publishers: group commits
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perPublisher; i++ {
					_, _ = h.hub.Publish(context.Background(), "room:1", "post.created", i)
					// ~3,000 events/s in all, three times what the store
					// takes: unpaced, the memory log bursts faster than
					// writers run under -race, and drops are correct then.
					time.Sleep(time.Millisecond)
				}
			}()
		}
		wg.Wait()
	}()
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		c := h.dial("u" + strconv.Itoa(i))
		head, _ := h.hub.Head(context.Background(), "room:1")
		since := max(0, head-int64(i))
		replay, sub := c.Subscribe("room:1", since)
		if sub.Type != "subscribed" {
			t.Fatalf("got %+v", sub)
		}
		seqs(t, replay, "room:1", since+1)
		go func() { errs <- readContiguous(c, since+int64(len(replay))+1, total) }()
		time.Sleep(time.Duration(i) * time.Millisecond)
	}
	<-done
	if head, _ := h.hub.Head(context.Background(), "room:1"); head != total {
		t.Fatalf("head %d, want %d", head, total)
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// readContiguous reads events from seq from to last, each once, in order.
func readContiguous(c *rttest.Client, from, last int64) error {
	for want := from; want <= last; want++ {
		m, err := c.Next(rttest.Wait)
		if err != nil {
			return fmt.Errorf("waiting for seq %d: %w", want, err)
		}
		if m.Type != "event" || m.Seq != want {
			return fmt.Errorf("got %+v, want seq %d", m, want)
		}
	}
	return nil
}

func TestResetWhenSinceIsOutOfTheWindow(t *testing.T) {
	h := newHarness(t, NewMemoryLog())
	h.publish("room:1", ReplayWindow+5)
	c := h.dial("ann")
	for _, since := range []int64{4, ReplayWindow + 6} {
		_, m := c.Subscribe("room:1", since)
		if m.Type != "reset" || m.Head != ReplayWindow+5 {
			t.Fatalf("since %d: got %+v", since, m)
		}
	}
	replay, m := c.Subscribe("room:1", 5) // exactly the window
	if m.Type != "subscribed" || len(replay) != ReplayWindow {
		t.Fatalf("got %+v after %d events", m, len(replay))
	}
	seqs(t, replay, "room:1", 6)
}

func TestTopicAuthorisation(t *testing.T) {
	h := newHarness(t, NewMemoryLog())
	h.hub.Authorize("secret", func(context.Context, *account.User, string) error { return fmt.Errorf("boom") })
	c := h.dial("ann")
	for topic, code := range map[string]string{
		"user:bob": CodeForbidden, "user:": CodeForbidden, "nope:1": CodeUnknownTopic, "": CodeUnknownTopic,
		"room:a#b": CodeUnknownTopic, "secret:1": CodeInternal,
	} {
		if _, m := c.Subscribe(topic, -1); m.Type != "error" || m.Code != code {
			t.Errorf("subscribe %q: got %+v, want %s", topic, m, code)
		}
	}
	if _, m := c.Subscribe("user:ann", -1); m.Type != "subscribed" {
		t.Fatalf("own notifications: got %+v", m)
	}
	c.Send(map[string]any{"type": "publish", "id": "p", "topic": "user:bob", "event": "typing", "data": true})
	if m := c.Expect("error"); m.Code != CodeForbidden || m.ID != "p" {
		t.Fatalf("publish on another's topic: %+v", m)
	}
}

func TestTypingIsRelayedNotStored(t *testing.T) {
	h := newHarness(t, NewMemoryLog())
	ann, bob := h.dial("ann"), h.dial("bob")
	ann.Subscribe("room:1", -1)
	bob.Subscribe("room:1", -1)
	ann.Send(map[string]any{"type": "publish", "id": "t1", "topic": "room:1", "event": "typing", "data": map[string]bool{"on": true}})
	if m := ann.Expect("ack"); m.ID != "t1" {
		t.Fatalf("got %+v", m)
	}
	m := bob.Expect("transient")
	if m.UserID != "ann" || m.Event != "typing" || string(m.Data) != `{"on":true}` || m.Seq != 0 {
		t.Fatalf("got %+v", m)
	}
	ann.Send(map[string]any{"type": "publish", "id": "t2", "topic": "room:1", "event": "post.created", "data": 1})
	if m := ann.Expect("error"); m.Code != CodeForbidden {
		t.Fatalf("got %+v", m)
	}
	if head, _ := h.hub.Head(context.Background(), "room:1"); head != 0 {
		t.Fatalf("typing was stored: head %d", head)
	}
	ann.Send(map[string]any{"type": "ping", "id": "x"})
	if m := ann.Expect("pong"); m.ID != "x" {
		t.Fatalf("got %+v", m)
	}
	ann.Send(map[string]any{"type": "dance", "id": "y"})
	if m := ann.Expect("error"); m.Code != CodeUnknownType {
		t.Fatalf("got %+v", m)
	}
	_ = ann.WS.WriteMessage(websocket.TextMessage, []byte("{not json"))
	if m := ann.Expect("error"); m.Code != CodeBadFrame {
		t.Fatalf("got %+v", m)
	}
	ann.Send(map[string]any{"type": "unsubscribe", "id": "u", "topic": "room:1"})
	ann.Expect("unsubscribed")
	h.publish("room:1", 1)
	bob.Expect("event")
	ann.Send(map[string]any{"type": "ping", "id": "z"})
	if m := ann.Expect("pong"); m.ID != "z" { // and no event before it
		t.Fatalf("got %+v", m)
	}
}

// TestSlowReaderIsDropped: a client that stops reading fills its queue and
// is dropped; another subscriber keeps getting every event promptly.
func TestSlowReaderIsDropped(t *testing.T) {
	h := newHarness(t, NewMemoryLog())
	slow, fast := h.dial("slow"), h.dial("fast")
	slow.Subscribe("room:1", -1)
	fast.Subscribe("room:1", -1)
	big := strings.Repeat("x", 64<<10)
	deadline := time.Now().Add(20 * time.Second)
	var worst time.Duration
	for i := 0; h.hub.Stats().Dropped == 0; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("slow reader not dropped after %d events", i)
		}
		start := time.Now()
		if _, err := h.hub.Publish(context.Background(), "room:1", "post.created", big); err != nil {
			t.Fatal(err)
		}
		if m := fast.Expect("event"); m.Seq != int64(i+1) {
			t.Fatalf("fast reader got seq %d, want %d", m.Seq, i+1)
		}
		worst = max(worst, time.Since(start))
	}
	if worst > time.Second {
		t.Errorf("the fast reader waited %s for an event", worst)
	}
	if code := slow.CloseCode(10 * time.Second); code != CloseSlowConsumer && code != -1 {
		t.Fatalf("slow reader closed with %d", code)
	}
	// It may reconnect and resume.
	c := h.dial("slow")
	head, _ := h.hub.Head(context.Background(), "room:1")
	if _, m := c.Subscribe("room:1", head-1); m.Type != "subscribed" {
		t.Fatalf("got %+v", m)
	}
}

func TestOversizedFrameCloses1009(t *testing.T) {
	h := newHarness(t, NewMemoryLog())
	c := h.dial("ann")
	_ = c.WS.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping","id":"`+strings.Repeat("a", MaxFrameBytes)+`"}`))
	if code := c.CloseCode(5 * time.Second); code != CloseTooBig {
		t.Fatalf("closed with %d, want %d", code, CloseTooBig)
	}
}

func TestFloodIsRateLimitedThenClosed(t *testing.T) {
	h := newHarness(t, NewMemoryLog())
	c := h.dial("ann")
	frame := []byte(`{"type":"ping","id":"f"}`)
	for i := 0; i < 3*FrameBurst; i++ {
		if err := c.WS.WriteMessage(websocket.TextMessage, frame); err != nil {
			break
		}
	}
	pongs, limited := 0, false
	for {
		m, err := c.Next(5 * time.Second)
		if err != nil {
			if !websocket.IsCloseError(err, ClosePolicy) {
				t.Fatalf("ended with %v, want close %d", err, ClosePolicy)
			}
			break
		}
		switch {
		case m.Type == "pong":
			pongs++
		case m.Type == "error" && m.Code == CodeRateLimited:
			limited = true
		default:
			t.Fatalf("got %+v", m)
		}
	}
	if !limited || pongs < FrameBurst || pongs > FrameBurst+5 {
		t.Fatalf("rate_limited %v after %d pongs", limited, pongs)
	}
}

// TestConcurrentPublishersKeepFramesIntact publishes from many goroutines
// on several topics to several readers: every frame must parse and every
// topic's seqs must arrive in order (run with -race).
func TestConcurrentPublishersKeepFramesIntact(t *testing.T) {
	for name, l := range logs(t) {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, l)
			topics := []string{"room:a", "room:b", "room:c"}
			var readers []*rttest.Client
			for i := 0; i < 3; i++ {
				c := h.dial("r" + strconv.Itoa(i))
				for _, tp := range topics {
					c.Subscribe(tp, -1)
				}
				readers = append(readers, c)
			}
			const perPublisher = 40
			total := 6 * perPublisher
			errs := make(chan error, len(readers))
			for _, c := range readers {
				go func() { errs <- readInOrder(c, total) }()
			}
			var wg sync.WaitGroup
			for p := 0; p < 6; p++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < perPublisher; i++ {
						body := strings.Repeat(strconv.Itoa(p), 100+i*13)
						if _, err := h.hub.Publish(context.Background(), topics[(p+i)%3], "post.created", body); err != nil {
							t.Error(err)
							return
						}
						time.Sleep(time.Millisecond) // see TestNoGapBetweenReplayAndLive
					}
				}()
			}
			wg.Wait()
			for range readers {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// readInOrder reads n events and checks each topic's seqs and payloads.
func readInOrder(c *rttest.Client, n int) error {
	next := map[string]int64{}
	for i := 0; i < n; i++ {
		m, err := c.Next(rttest.Wait)
		if err != nil {
			return err
		}
		if m.Type != "event" || m.Seq != next[m.Topic]+1 {
			return fmt.Errorf("got %+v after seq %d", m, next[m.Topic])
		}
		next[m.Topic] = m.Seq
		var s string
		if err := json.Unmarshal(m.Data, &s); err != nil || strings.Trim(s, s[:1]) != "" {
			return fmt.Errorf("corrupted payload %q", m.Data)
		}
	}
	return nil
}

func TestShutdownSendsGoingAway(t *testing.T) {
	h := newHarness(t, NewMemoryLog())
	a, b := h.dial("ann"), h.dial("bob")
	go h.hub.Close()
	for _, c := range []*rttest.Client{a, b} {
		if code := c.CloseCode(5 * time.Second); code != CloseGoingAway {
			t.Fatalf("closed with %d, want %d", code, CloseGoingAway)
		}
	}
}

func TestSessionEndClosesItsConnections(t *testing.T) {
	h := newHarness(t, NewMemoryLog())
	a1, a2, other := h.dial("ann"), h.dial("ann"), h.dialQuery("u=ann&s=other")
	start := time.Now()
	h.hub.EndSession("s-ann")
	for _, c := range []*rttest.Client{a1, a2} {
		if code := c.CloseCode(5 * time.Second); code != CloseSessionEnded {
			t.Fatalf("closed with %d, want %d", code, CloseSessionEnded)
		}
	}
	other.Send(map[string]any{"type": "ping", "id": "still"})
	other.Expect("pong")
	expiring := h.dialQuery("u=ann&s=short&ttl=300ms")
	if code := expiring.CloseCode(5 * time.Second); code != CloseSessionEnded {
		t.Fatalf("expired session closed with %d", code)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %s", d)
	}
}

// panickyConn is a server-side connection whose reads panic once armed.
type panickyConn struct {
	net.Conn
	armed atomic.Bool
}

func (p *panickyConn) Read(b []byte) (int, error) {
	if p.armed.Load() {
		panic("read failed badly")
	}
	return p.Conn.Read(b)
}

// hijacker hands the upgrader a panickyConn instead of the real connection.
type hijacker struct {
	http.ResponseWriter
	conn *panickyConn
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, _, err := h.ResponseWriter.(http.Hijacker).Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.conn = &panickyConn{Conn: c}
	return h.conn, bufio.NewReadWriter(bufio.NewReader(h.conn), bufio.NewWriter(h.conn)), nil
}

// A connection whose reader panics is still unregistered: the hub forgets it
// and Close does not wait for it.
func TestPanicInReaderUnregisters(t *testing.T) {
	hub := New(Options{Log: NewMemoryLog(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	up := websocket.Upgrader{}
	recovered := make(chan any, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj := &hijacker{ResponseWriter: w}
		ws, err := up.Upgrade(hj, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		defer func() { recovered <- recover() }()
		hj.conn.armed.Store(true)
		hub.Serve(ws, Identity{User: &account.User{ID: "ann"}, SessionID: "s"})
	}))
	defer srv.Close()
	if _, _, err := rttest.Dial(t, "ws"+strings.TrimPrefix(srv.URL, "http"), nil); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-recovered:
		if r == nil {
			t.Fatal("Serve returned without the reader panicking")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not end")
	}
	var n int
	hub.call(func() { n = len(hub.conns) })
	if n != 0 || hub.Stats().Open != 0 {
		t.Fatalf("after the panic: got %d indexed, %d open, want 0 and 0", n, hub.Stats().Open)
	}
	closed := make(chan struct{})
	go func() { hub.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(closeGrace / 2):
		t.Fatal("Close waited for the panicked connection")
	}
}

// PublishAll's events are stored in the order given with none of another
// publisher's between them, whatever publishes at the same time.
func TestPublishAllKeepsItsEventsTogether(t *testing.T) {
	l := NewMemoryLog()
	h := newHarness(t, l)
	ctx := context.Background()
	var wg sync.WaitGroup
	for p := range 4 {
		wg.Go(func() {
			for i := range 20 {
				if _, err := h.hub.Publish(ctx, "room:1", "single", i); err != nil {
					t.Error(err)
				}
			}
		})
		wg.Go(func() {
			for i := range 10 {
				data := []any{}
				for k := range 5 {
					data = append(data, fmt.Sprintf("%d-%d-%d", p, i, k))
				}
				if err := h.hub.PublishAll(ctx, "room:1", "group", data); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	evs, head, err := l.Since(ctx, "room:1", 0)
	if err != nil || head != 4*20+4*10*5 {
		t.Fatalf("head %d (%v), want %d", head, err, 4*20+4*10*5)
	}
	for i := 0; i < len(evs); i++ {
		if evs[i].Name != "group" {
			continue
		}
		var first string
		_ = json.Unmarshal(evs[i].Data, &first)
		prefix := first[:strings.LastIndexByte(first, '-')+1]
		for k := range 5 {
			var got string
			_ = json.Unmarshal(evs[i+k].Data, &got)
			if want := fmt.Sprint(prefix, k); got != want {
				t.Fatalf("event %d: got %q, want %q (a group split or reordered)", i+k, got, want)
			}
		}
		i += 4
	}
}

// Frames are handled at most maxAsides at once, board-wide: the others
// wait on their readers, and each is handled once a slot frees, none lost.
// A connection opened meanwhile still gets its hello.
func TestFramesHandledAtOnceAreBounded(t *testing.T) {
	h := newHarness(t, NewMemoryLog())
	release := make(chan struct{})
	var running, most atomic.Int64
	h.hub.Authorize("slow", func(context.Context, *account.User, string) error {
		n := running.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-release
		running.Add(-1)
		return nil
	})
	const conns = maxAsides + 8
	cs := make([]*rttest.Client, conns)
	for i := range cs {
		cs[i] = h.dial(fmt.Sprint("u", i))
		cs[i].Send(map[string]any{"type": "subscribe", "id": "s", "topic": "slow:1"})
	}
	deadline := time.Now().Add(rttest.Wait)
	for running.Load() < maxAsides && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // room for any handler over the bound to start
	if got := running.Load(); got != maxAsides {
		t.Errorf("subscribes handled at once: got %d, want %d", got, maxAsides)
	}
	h.dial("late") // its hello is not a frame of its own: not held up
	close(release)
	for i, c := range cs {
		if m := c.Expect("subscribed", "presence"); m.ID != "s" || m.Topic != "slow:1" {
			t.Errorf("connection %d: got %+v, want subscribed to slow:1", i, m)
		}
	}
	if got := most.Load(); got != maxAsides {
		t.Errorf("most subscribes handled at once: got %d, want %d", got, maxAsides)
	}
}
