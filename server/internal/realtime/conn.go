package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/fasthttp/websocket"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/strictjson"
)

// Conn is one websocket connection. Its reader is the upgrade handler's
// goroutine; its single writer goroutine runs only while messages are
// queued, so an idle connection costs one goroutine and a few hundred bytes.
type Conn struct {
	hub     *Hub
	ws      *websocket.Conn
	raw     syscall.RawConn // ws's socket, for writes that must not block (frames.go)
	wlock   chan struct{}   // held by whoever writes to ws (frames.go)
	user    *account.User
	session string
	expires time.Time

	mu          sync.Mutex
	queue       []outMsg
	rest        []byte // of a frame the socket did not take at once: the writer's first
	writing     bool   // a writer goroutine is running
	closing     bool   // no more messages: a close frame is on its way
	closeCode   int    // sent by the writer once the queue is written
	closeReason string
	done        bool        // Serve is ending: no goroutine may touch ws any more
	timer       *time.Timer // next ping, or the session's expiry
	helpers     sync.WaitGroup

	subs []subEntry // owned by the hub's owner goroutine; a few, searched in order

	// Owned by the reader.
	tokens    float64
	lastFrame time.Time
	warned    bool
}

// subEntry is one of a connection's subscriptions.
type subEntry struct {
	topic string
	s     *sub
}

// sub returns c's subscription to topic, or nil. Owner only.
func (c *Conn) sub(topic string) *sub {
	for _, e := range c.subs {
		if e.topic == topic {
			return e.s
		}
	}
	return nil
}

// dropSub forgets c's subscription to topic. Owner only.
func (c *Conn) dropSub(topic string) {
	for i, e := range c.subs {
		if e.topic == topic {
			last := len(c.subs) - 1
			c.subs[i] = c.subs[last]
			c.subs[last] = subEntry{}
			c.subs = c.subs[:last]
			if last == 0 {
				c.subs = nil
			}
			return
		}
	}
}

// outMsg is one queued message, or a replay queued as one unit.
type outMsg struct {
	one  []byte
	many [][]byte
}

// enqueue queues m without ever blocking: a full queue drops the client.
func (c *Conn) enqueue(m outMsg) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || c.done {
		return
	}
	if len(c.queue) >= SendQueueSize {
		c.dropLocked()
		return
	}
	if !c.writing && c.raw != nil && c.tryLockWrites() {
		if c.rest = c.writeNow(m); c.rest == nil {
			c.unlockWrites()
			return
		}
		c.writing = true // the writer takes the lock over
		c.helpers.Add(1)
		go c.writeLoop()
		return
	}
	c.queue = append(c.queue, m)
	if !c.writing {
		c.writing = true
		c.helpers.Add(1)
		go c.writeLoop()
	}
}

// send queues one message from the reader.
func (c *Conn) send(frame []byte) { c.enqueue(outMsg{one: frame}) }

// writeLoop writes what the socket did not take at once, then everything
// queued as one frame (a JSON array when there is more than one message),
// until the queue is empty; then, if the connection is closing, the close
// frame.
func (c *Conn) writeLoop() {
	defer c.helpers.Done()
	c.mu.Lock()
	rest := c.rest
	c.rest = nil
	c.mu.Unlock()
	if rest != nil { // the lock came with it
		if beforeRest != nil {
			beforeRest()
		}
		err := c.writeRaw(rest)
		c.unlockWrites()
		if err != nil {
			c.fail()
			return
		}
	}
	for {
		c.mu.Lock()
		q := c.queue
		c.queue = nil
		if len(q) == 0 {
			c.writing = false
			code, reason := c.closeCode, c.closeReason
			c.mu.Unlock()
			if code != 0 {
				c.sendClose(code, reason)
			}
			return
		}
		c.mu.Unlock()
		c.wlock <- struct{}{} // a control frame holds it WriteWait at most
		err := c.writeFrame(q)
		c.unlockWrites()
		if err != nil {
			c.fail()
			return
		}
	}
}

// fail ends the writer on a write error.
func (c *Conn) fail() {
	c.mu.Lock()
	c.writing, c.closing, c.queue = false, true, nil
	c.mu.Unlock()
	c.cut()
}

// close ends the connection with code once what is queued is written:
// nothing more is queued, the writer sends the close frame and the reader
// waits closeGrace for the client's answer. It never blocks, so the hub's
// owner may call it.
func (c *Conn) close(code int, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || c.done {
		return
	}
	c.closing, c.closeCode, c.closeReason = true, code, reason
	if !c.writing {
		c.writing = true
		c.helpers.Add(1)
		go c.writeLoop()
	}
}

// drop ends a slow consumer at once: its queue is discarded, and since its
// writer may be stuck for up to WriteWait on a peer that does not read
// (and so cannot read our close either), the socket is cut if the close
// frame does not go out within a second.
func (c *Conn) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropLocked()
}

func (c *Conn) dropLocked() {
	if c.closing || c.done {
		return
	}
	c.hub.dropped.Add(1)
	c.closing, c.queue = true, nil
	c.helpers.Add(1)
	go func() {
		defer c.helpers.Done()
		err := c.control(websocket.CloseMessage, websocket.FormatCloseMessage(CloseSlowConsumer, "slow_consumer"), time.Now().Add(time.Second))
		if err != nil {
			c.cut()
		}
	}()
}

func (c *Conn) sendClose(code int, reason string) {
	if err := c.control(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(WriteWait)); err != nil {
		c.cut()
		return
	}
	_ = c.ws.NetConn().SetReadDeadline(time.Now().Add(closeGrace))
}

// cut closes the socket, so every pending read and write fails now.
// Deadlines cannot do it: the websocket library sets its own on every
// write. fasthttp's hijacked connection ignores Close (it closes the socket
// after the handler) so the socket underneath is closed; closing it twice
// is harmless.
func (c *Conn) cut() {
	nc := c.ws.NetConn()
	if u, ok := nc.(interface{ UnsafeConn() net.Conn }); ok {
		nc = u.UnsafeConn()
	}
	_ = nc.Close()
}

// schedule arms the timer for the next ping, or the session's expiry if
// that comes first.
func (c *Conn) schedule() {
	d := c.hub.pingPeriod
	if !c.expires.IsZero() {
		d = min(d, time.Until(c.expires))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.done {
		c.timer = time.AfterFunc(d, c.tick)
	}
}

func (c *Conn) tick() {
	c.mu.Lock()
	if c.done || c.closing {
		c.mu.Unlock()
		return
	}
	c.helpers.Add(1)
	c.mu.Unlock()
	defer c.helpers.Done()
	if !c.expires.IsZero() && !time.Now().Before(c.expires) {
		c.close(CloseSessionEnded, "session_expired")
		return
	}
	if err := c.control(websocket.PingMessage, nil, time.Now().Add(WriteWait)); err != nil {
		c.cut()
		return
	}
	c.schedule()
}

// finish waits for the helpers once the reader has ended; afterwards
// nothing touches ws, which the web layer then releases.
func (c *Conn) finish() {
	c.mu.Lock()
	c.done = true
	c.queue = nil
	t := c.timer
	c.mu.Unlock()
	if t != nil {
		t.Stop()
	}
	c.cut() // wakes a writer or closer stuck on a peer that does not read
	c.helpers.Wait()
}

func (c *Conn) isClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing
}

func (c *Conn) readLoop() {
	ws := c.ws
	ws.SetReadLimit(MaxFrameBytes)
	alive := func() {
		if !c.isClosing() { // a closing connection keeps its short deadline
			_ = ws.SetReadDeadline(time.Now().Add(c.hub.pongWait))
		}
	}
	alive()
	ws.SetPongHandler(func(string) error { alive(); return nil })
	c.tokens, c.lastFrame = FrameBurst, time.Now()
	for {
		kind, data, err := ws.ReadMessage()
		if err != nil {
			if !errors.Is(err, websocket.ErrReadLimit) && !websocket.IsCloseError(err, CloseNormal, CloseGoingAway) && !c.isClosing() {
				c.hub.log.Debug("websocket read ended", "user", c.user.ID, "err", err)
			}
			return
		}
		if c.isClosing() {
			continue // drain until the client answers our close
		}
		alive()
		if !c.admit() {
			continue
		}
		if kind != websocket.TextMessage {
			c.send(errorFrame("", CodeBadFrame))
			continue
		}
		if !utf8.Valid(data) {
			// RFC 6455 7.1.7: fail the connection rather than read the
			// bytes as U+FFFD.
			c.close(CloseInvalidData, "invalid_utf8")
			continue
		}
		c.hub.asides <- struct{}{} // waits here, on the reader's small stack
		c.aside(func() {
			defer func() { <-c.hub.asides }()
			c.handle(data)
		})
	}
}

// aside runs f on a short-lived goroutine and waits for it. The reader is
// the one goroutine an idle connection keeps, and its stack only grows:
// decoding frames and reading the log (the database driver's deep calls)
// happen aside, so the reader's stack stays small.
func (c *Conn) aside(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				c.hub.log.Error("panic handling a websocket frame", "user", c.user.ID, "panic", r)
				c.send(errorFrame("", CodeInternal))
			}
		}()
		f()
	}()
	<-done
}

// admit applies the frame rate limit (a token bucket): a client over it
// gets one `rate_limited` error, its frames are ignored, and if it keeps
// flooding for another burst it is closed with 1008.
func (c *Conn) admit() bool {
	now := time.Now()
	c.tokens = min(FrameBurst, c.tokens+now.Sub(c.lastFrame).Seconds()*FrameRate)
	c.lastFrame = now
	c.tokens--
	switch {
	case c.tokens >= 0:
		c.warned = false
		return true
	case c.tokens < -FrameBurst:
		c.close(ClosePolicy, "rate_limited")
	case !c.warned:
		c.warned = true
		c.send(errorFrame("", CodeRateLimited))
	}
	return false
}

func (c *Conn) handle(data []byte) {
	var f clientFrame
	if err := json.Unmarshal(data, &f); err != nil || f.Type == "" {
		c.send(errorFrame("", CodeBadFrame))
		return
	}
	// Held to the rules of the HTTP bodies: encoding/json read a lone
	// surrogate escape as U+FFFD, and typing data would be relayed as sent.
	if field, bad := strictjson.InvalidText(data); bad {
		c.send(encode(errorMsg{Type: "error", ID: f.ID, Code: CodeInvalidText, Message: errorText[CodeInvalidText], Field: field}))
		return
	}
	switch f.Type {
	case "subscribe":
		c.subscribe(f)
	case "unsubscribe":
		h := c.hub
		h.call(func() { h.removeSub(c, f.Topic) })
		c.send(encode(topicMsg{Type: "unsubscribed", ID: f.ID, Topic: f.Topic}))
	case "publish":
		c.publish(f)
	case "ping":
		c.send(encode(idMsg{Type: "pong", ID: f.ID}))
	default:
		c.send(errorFrame(f.ID, CodeUnknownType))
	}
}

// subscribe registers the subscription as catching up (live events are
// buffered from then on), reads the replay (or the head) from the log, and
// has the owner queue the replay, `subscribed`, then the buffered events
// newer than what was replayed: no gap, no duplicate.
func (c *Conn) subscribe(f clientFrame) {
	h := c.hub
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	var added bool
	for stale := true; stale; {
		// A Recheck of the topic between the check and addSub would not
		// see this subscription: check again under the new rule.
		gen := h.gens.get(f.Topic)
		if code := h.rules.check(ctx, h.log, c.user, f.Topic); code != "" {
			c.send(errorFrame(f.ID, code))
			return
		}
		var pm presenceMode // quiet: events only, not present, no presence frames
		if !f.Quiet {
			pm = h.rules.presenceMode(ctx, h.log, f.Topic)
		}
		stale = false // stays so if the hub closed meanwhile
		h.call(func() {
			if stale = h.gens.get(f.Topic) != gen; !stale {
				added = h.addSub(c, f.Topic, pm)
			}
		})
	}
	if !added {
		c.send(errorFrame(f.ID, CodeTooManyTopics))
		return
	}
	var (
		evs  []*Event
		head int64
		err  error
	)
	if f.Since != nil {
		evs, head, err = h.events.Since(ctx, f.Topic, *f.Since)
	} else {
		head, err = h.events.Head(ctx, f.Topic)
	}
	if err != nil {
		h.do(func() { h.removeSub(c, f.Topic) })
		if errors.Is(err, ErrOutOfWindow) {
			c.send(encode(topicMsg{Type: "reset", Topic: f.Topic, Head: &head}))
			return
		}
		h.log.Error("read topic log", "topic", f.Topic, "err", err)
		c.send(errorFrame(f.ID, CodeInternal))
		return
	}
	replay := make([][]byte, 0, len(evs)+1)
	for _, e := range evs {
		replay = append(replay, e.message())
	}
	replay = append(replay, encode(topicMsg{Type: "subscribed", ID: f.ID, Topic: f.Topic, Head: &head}))
	h.do(func() { h.goLive(c, f.Topic, head, replay) })
}

// publish relays a transient event (typing, focus) to the topic's
// subscribers, at most once per TypingInterval (FocusInterval) per user
// and topic. Both pass the kind's typing rule.
func (c *Conn) publish(f clientFrame) {
	h := c.hub
	gate := &h.typing
	switch {
	case len(f.Data) == 0:
		c.send(errorFrame(f.ID, CodeForbidden))
		return
	case f.Event == FocusEvent:
		if !validFocus(f.Data) {
			c.send(errorFrame(f.ID, CodeBadFrame))
			return
		}
		gate = &h.focus
	case f.Event != TypingEvent:
		c.send(errorFrame(f.ID, CodeForbidden))
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if code := h.rules.checkTyping(ctx, h.log, c.user, f.Topic); code != "" {
		c.send(errorFrame(f.ID, code))
		return
	}
	e := &Event{Topic: f.Topic, Name: f.Event, Data: f.Data, From: c.user.ID}
	if now := time.Now(); !gate.allow(f.Topic, c.user.ID, now) {
		// Typing again within the interval: the others already know. A
		// focus is where the person is now: the last one is relayed when
		// the interval ends.
		if gate.relay != nil {
			gate.hold(e, now)
		}
		c.send(encode(idMsg{Type: "ack", ID: f.ID}))
		return
	}
	h.broker.Publish([]*Event{e})
	c.send(encode(idMsg{Type: "ack", ID: f.ID}))
}

// maxFocusRow bounds a focus event's row (a field key).
const maxFocusRow = 64

// validFocus reports whether data is a focus event's {row: string|null},
// nothing else: the hub relays it as it came.
func validFocus(data json.RawMessage) bool {
	var v struct {
		Row *string `json:"row"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if dec.Decode(&v) != nil || dec.More() {
		return false
	}
	return v.Row == nil || len(*v.Row) <= maxFocusRow && !strings.ContainsAny(*v.Row, "\x00\n\r")
}
