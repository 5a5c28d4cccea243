package realtime

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/realtime/rttest"
)

// fast keeps presence tests short: frames coalesced over 150 ms.
var fast = Tuning{PresenceInterval: 150 * time.Millisecond}

// awaitPresence reads c until a presence frame on topic with count want
// (other presence frames are skipped; anything else fails the test).
func awaitPresence(t *testing.T, c *rttest.Client, topic string, want int) rttest.Msg {
	t.Helper()
	deadline := time.Now().Add(rttest.Wait)
	for {
		m, err := c.Next(time.Until(deadline))
		if err != nil {
			t.Fatalf("waiting for presence %d on %s: %v", want, topic, err)
		}
		if m.Type != "presence" || m.Topic != topic {
			t.Fatalf("got %+v, want presence %d on %s", m, want, topic)
		}
		if m.Count == want {
			return m
		}
	}
}

// subscribePresent subscribes c to topic and returns the presence frame
// that follows `subscribed`.
func subscribePresent(t *testing.T, c *rttest.Client, topic string) rttest.Msg {
	t.Helper()
	if _, m := c.Subscribe(topic, -1); m.Type != "subscribed" {
		t.Fatalf("subscribe %s: got %+v", topic, m)
	}
	return c.Expect("presence")
}

func names(m rttest.Msg) string {
	s := ""
	for _, u := range m.Users {
		s += u.ID + "=" + u.Name + ";"
	}
	return s
}

// nothingBut checks that nothing but pong comes to c: no presence frame after
// what the test already read.
func nothingBut(t *testing.T, c *rttest.Client, id string) {
	t.Helper()
	c.Send(map[string]any{"type": "ping", "id": id})
	if m := c.Expect("pong"); m.ID != id {
		t.Fatalf("got %+v", m)
	}
}

// TestPresenceCountsPeopleNotTabs follows one topic's presence through
// tabs joining and leaving (unsubscribe, close), each step against the
// tally a watcher should see.
func TestPresenceCountsPeopleNotTabs(t *testing.T) {
	for name, l := range logs(t) {
		t.Run(name, func(t *testing.T) {
			h := newTunedHarness(t, l, fast)
			const topic = "chat:1"
			ann1 := h.dial("ann")
			if m := subscribePresent(t, ann1, topic); m.Count != 1 || names(m) != "ann=Name ann;" {
				t.Fatalf("first tab: got %+v", m)
			}
			ann2 := h.dial("ann")
			if m := subscribePresent(t, ann2, topic); m.Count != 1 || names(m) != "ann=Name ann;" {
				t.Fatalf("second tab of the same person: got %+v, want count 1", m)
			}
			bob := h.dial("bob")
			if m := subscribePresent(t, bob, topic); m.Count != 2 || names(m) != "ann=Name ann;bob=Name bob;" {
				t.Fatalf("bob: got %+v, want ann and bob", m)
			}
			if m := awaitPresence(t, ann1, topic, 2); names(m) != "ann=Name ann;bob=Name bob;" {
				t.Fatalf("ann's tab told %+v", m)
			}
			// Closing one of ann's tabs changes nothing: no frame.
			_ = ann2.WS.Close()
			time.Sleep(3 * fast.PresenceInterval)
			nothingBut(t, ann1, "after-tab")
			// bob leaves by unsubscribing, comes back, then closes his socket.
			bob.Send(map[string]any{"type": "unsubscribe", "id": "u", "topic": topic})
			if m := awaitPresence(t, ann1, topic, 1); names(m) != "ann=Name ann;" {
				t.Fatalf("after bob unsubscribed: %+v", m)
			}
			subscribePresent(t, bob, topic)
			awaitPresence(t, ann1, topic, 2)
			_ = bob.WS.Close()
			if m := awaitPresence(t, ann1, topic, 1); names(m) != "ann=Name ann;" {
				t.Fatalf("after bob closed: %+v", m)
			}
			// Topics of kinds without presence (forum threads) get none.
			if _, m := ann1.Subscribe("room:1", -1); m.Type != "subscribed" {
				t.Fatalf("got %+v", m)
			}
			nothingBut(t, ann1, "no-presence")
			var tallied int
			h.hub.call(func() { tallied = len(h.hub.presence) })
			if tallied != 1 {
				t.Fatalf("hub tallies %d topics, want 1 (chat:1)", tallied)
			}
		})
	}
}

// TestPresenceIsCoalesced: a burst of people joining reaches a watcher as
// at most a frame per interval, ending with the right count.
func TestPresenceIsCoalesced(t *testing.T) {
	interval := 400 * time.Millisecond
	h := newTunedHarness(t, NewMemoryLog(), Tuning{PresenceInterval: interval})
	const topic, joiners = "chat:1", 12
	watcher := h.dial("watcher")
	subscribePresent(t, watcher, topic)
	time.Sleep(interval + 100*time.Millisecond) // nothing pending
	drain(t, watcher)
	type seen struct {
		at  time.Time
		msg rttest.Msg
	}
	frames := make(chan seen, 64)
	go func() { // the watcher reads as frames come, timing each
		defer close(frames)
		for end := time.Now().Add(4 * interval); ; {
			m, err := watcher.Next(time.Until(end))
			if err != nil {
				return // the quiet period after the burst
			}
			frames <- seen{time.Now(), m}
		}
	}()
	for i := 0; i < joiners; i++ {
		c := h.dial("u" + strconv.Itoa(i))
		if m := subscribePresent(t, c, topic); m.Count != i+2 {
			t.Fatalf("joiner %d told count %d, want %d", i, m.Count, i+2)
		}
		time.Sleep(interval / 6) // the burst spans two intervals
	}
	var at []time.Time
	var last rttest.Msg
	for f := range frames {
		if f.msg.Type != "presence" {
			t.Fatalf("got %+v", f.msg)
		}
		at, last = append(at, f.at), f.msg
	}
	if last.Count != joiners+1 || len(last.Users) != joiners+1 {
		t.Fatalf("last frame %+v, want %d people", last, joiners+1)
	}
	t.Logf("%d presence frames for %d joins", len(at), joiners)
	if len(at) > 4 {
		t.Fatalf("%d frames for %d joins, want a few", len(at), joiners)
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < interval*8/10 {
			t.Fatalf("frames %d and %d %s apart, want >= %s", i-1, i, gap, interval)
		}
	}
}

// TestPresenceCountsOnly: rooms set to counts, and crowds bigger than
// PresenceNamesMax, get the count without names.
func TestPresenceCountsOnly(t *testing.T) {
	tuning := fast
	tuning.PresenceNamesMax = 2
	h := newTunedHarness(t, NewMemoryLog(), tuning)
	cases := []struct {
		topic  string
		people int
		named  bool
	}{
		{"chat:quiet-1", 1, false},
		{"chat:quiet-2", 2, false},
		{"chat:open", 2, true},
		{"chat:crowd", 3, false},
	}
	var open *rttest.Client
	for _, tc := range cases {
		var last rttest.Msg
		for i := 0; i < tc.people; i++ {
			c := h.dial(fmt.Sprintf("%s-%d", tc.topic, i))
			last = subscribePresent(t, c, tc.topic)
			if tc.topic == "chat:open" && i == 0 {
				open = c
			}
		}
		if last.Count != tc.people || (len(last.Users) > 0) != tc.named {
			t.Errorf("%s with %d people: got count %d, %d names; want names %v", tc.topic, tc.people, last.Count, len(last.Users), tc.named)
		}
	}
	// The room's setting changes to counts: the names go at once.
	awaitPresence(t, open, "chat:open", 2)
	h.hub.SetPresenceMode("chat:open", true)
	if m := awaitPresence(t, open, "chat:open", 2); len(m.Users) != 0 {
		t.Fatalf("after the switch to counts: %+v", m)
	}
}

// TestTypingIsRateLimitedPerPerson: one typing event per person and topic
// per interval reaches the others; the rest are acknowledged, not relayed.
func TestTypingIsRateLimitedPerPerson(t *testing.T) {
	interval := 300 * time.Millisecond
	h := newTunedHarness(t, NewMemoryLog(), Tuning{TypingInterval: interval, PresenceInterval: fast.PresenceInterval})
	ann1, ann2, bob, muted := h.dial("ann"), h.dial("ann"), h.dial("bob"), h.dial("muted")
	for _, c := range []*rttest.Client{ann1, ann2, bob, muted} {
		subscribePresent(t, c, "chat:1")
		subscribePresent(t, c, "chat:2")
	}
	time.Sleep(3 * fast.PresenceInterval) // let the joins' presence frames go by
	for _, c := range []*rttest.Client{ann1, ann2, bob, muted} {
		drain(t, c)
	}
	typing := func(c *rttest.Client, id, topic string) rttest.Msg {
		t.Helper()
		c.Send(map[string]any{"type": "publish", "id": id, "topic": topic, "event": "typing", "data": map[string]bool{"on": true}})
		m, err := c.Next(rttest.Wait)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	steps := []struct {
		from    *rttest.Client
		topic   string
		relayed bool
	}{
		{ann1, "chat:1", true},
		{ann1, "chat:1", false}, // again at once
		{ann2, "chat:1", false}, // the same person in another tab
		{ann1, "chat:2", true},  // another topic
		{bob, "chat:1", true},   // another person
	}
	for i, s := range steps {
		id := "t" + strconv.Itoa(i)
		if m := typing(s.from, id, s.topic); m.Type != "ack" || m.ID != id {
			t.Fatalf("step %d: got %+v, want ack", i, m)
		}
		watcher := bob
		if s.from == bob {
			watcher = ann1
		}
		if s.relayed {
			if m := watcher.Expect("transient"); m.Topic != s.topic || m.Event != "typing" {
				t.Fatalf("step %d: got %+v", i, m)
			}
		}
		nothingBut(t, watcher, "q"+id) // nothing (else) was relayed
	}
	time.Sleep(interval)
	drain(t, ann2)
	if m := typing(ann2, "later", "chat:1"); m.Type != "ack" {
		t.Fatalf("got %+v", m)
	}
	if m := bob.Expect("transient"); m.UserID != "ann" {
		t.Fatalf("after the interval: got %+v", m)
	}
	drain(t, muted)
	if m := typing(muted, "m", "chat:1"); m.Type != "error" || m.Code != CodeForbidden || m.ID != "m" {
		t.Fatalf("muted: got %+v, want forbidden", m)
	}
	nothingBut(t, bob, "after-muted")
}

// drain reads what is already queued for c (a read that times out would
// break the connection, so it reads up to a pong).
func drain(t *testing.T, c *rttest.Client) {
	t.Helper()
	c.Send(map[string]any{"type": "ping", "id": "drain"})
	for {
		m, err := c.Next(rttest.Wait)
		if err != nil {
			t.Fatal(err)
		}
		if m.Type == "pong" && m.ID == "drain" {
			return
		}
	}
}

// TestSilentConnectionLeavesPresence: a connection that stops answering
// the heartbeat is closed after PongWait and leaves the topic's presence,
// while one that keeps reading (and so answers pings) stays.
func TestSilentConnectionLeavesPresence(t *testing.T) {
	for name, l := range logs(t) {
		t.Run(name, func(t *testing.T) {
			tuning := fast
			tuning.PingPeriod, tuning.PongWait = 100*time.Millisecond, 500*time.Millisecond
			h := newTunedHarness(t, l, tuning)
			const topic = "chat:1"
			ann := h.dial("ann")
			subscribePresent(t, ann, topic)
			silent := h.dial("bob")
			subscribePresent(t, silent, topic)
			start := time.Now()
			awaitPresence(t, ann, topic, 2)
			// bob's client reads nothing more, so it answers no ping.
			m := awaitPresence(t, ann, topic, 1)
			if took := time.Since(start); took < tuning.PongWait/2 || names(m) != "ann=Name ann;" {
				t.Fatalf("after %s: %+v", took, m)
			}
			var open int64
			for deadline := time.Now().Add(rttest.Wait); ; time.Sleep(10 * time.Millisecond) {
				if open = h.hub.Stats().Open; open == 1 || time.Now().After(deadline) {
					break
				}
			}
			if open != 1 {
				t.Fatalf("%d connections open, want ann's alone", open)
			}
		})
	}
}

// subscribeQuietly subscribes c to topic without presence.
func subscribeQuietly(t *testing.T, c *rttest.Client, topic string) {
	t.Helper()
	c.Send(map[string]any{"type": "subscribe", "id": "quiet", "topic": topic, "quiet": true})
	for {
		m, err := c.Next(rttest.Wait)
		if err != nil {
			t.Fatal(err)
		}
		if m.Type == "subscribed" && m.ID == "quiet" {
			return
		}
	}
}

// TestQuietSubscriptionIsNotPresent: a quiet subscription (a room list's
// unread badges) gets the topic's events but is neither counted nor sent
// presence; subscribing again switches between the two.
func TestQuietSubscriptionIsNotPresent(t *testing.T) {
	h := newTunedHarness(t, NewMemoryLog(), fast)
	const topic = "chat:1"
	ann, bob := h.dial("ann"), h.dial("bob")
	subscribePresent(t, ann, topic)
	subscribeQuietly(t, bob, topic)
	nothingBut(t, bob, "quiet-1") // no presence frame after subscribed
	h.publish(topic, 1)
	if m := bob.Expect("event"); m.Topic != topic {
		t.Fatalf("got %+v", m)
	}
	time.Sleep(3 * fast.PresenceInterval)
	ann.Send(map[string]any{"type": "ping", "id": "a"})
	for events := 0; ; {
		m, err := ann.Next(rttest.Wait)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case m.Type == "presence" && (m.Count != 1 || len(m.Users) != 1):
			t.Fatalf("ann sees %+v, want herself alone", m)
		case m.Type == "event":
			events++
		case m.Type == "pong" && events == 1:
		case m.Type == "pong":
			t.Fatalf("ann got %d events, want 1", events)
		}
		if m.Type == "pong" {
			break
		}
	}

	if m := subscribePresent(t, bob, topic); m.Count != 2 { // present now
		t.Fatalf("bob subscribed again, not quietly: %+v", m)
	}
	awaitPresence(t, ann, topic, 2)
	time.Sleep(3 * fast.PresenceInterval)
	drain(t, bob)
	subscribeQuietly(t, bob, topic) // and quiet again: he leaves
	awaitPresence(t, ann, topic, 1)
	time.Sleep(3 * fast.PresenceInterval)
	nothingBut(t, bob, "quiet-2")
}

// TestTypingGate: one event per user and topic per interval, and the
// entries of people who stopped typing are swept once the map grows.
func TestTypingGate(t *testing.T) {
	g := &typingGate{interval: 3 * time.Second}
	t0 := time.Unix(1000, 0)
	steps := []struct {
		topic, user string
		at          time.Duration
		want        bool
	}{
		{"room:a", "ann", 0, true},
		{"room:a", "ann", time.Second, false},
		{"room:a", "bob", time.Second, true},
		{"room:b", "ann", time.Second, true},
		{"room:a", "ann", 2999 * time.Millisecond, false},
		{"room:a", "ann", 3 * time.Second, true},
		{"room:a", "ann", 5 * time.Second, false},
	}
	for i, s := range steps {
		if got := g.allow(s.topic, s.user, t0.Add(s.at)); got != s.want {
			t.Fatalf("step %d (%s on %s at %s): got %v, want %v", i, s.user, s.topic, s.at, got, s.want)
		}
	}
	for i := 0; i < 2*typingSweepAt; i++ {
		g.allow("room:c", strconv.Itoa(i), t0.Add(10*time.Second))
	}
	g.allow("room:c", "late", t0.Add(20*time.Second))
	if n := len(g.last); n != 1 {
		t.Fatalf("%d entries after the sweep, want 1 (the late one)", n)
	}
}
