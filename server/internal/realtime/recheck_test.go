package realtime

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/realtime/rttest"
)

// gate is a topic rule whose answer per user the test changes, as a room's
// access changes.
type gate struct {
	mu     sync.Mutex
	answer map[string]error // by user id; absent: allowed
	hold   map[string]chan struct{}
}

func (g *gate) set(user string, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.answer[user] = err
}

// rule answers what set said when it was called; for a held user it then
// waits (once) until the test lets it go, like a slow store read.
func (g *gate) rule(_ context.Context, u *account.User, _ string) error {
	g.mu.Lock()
	err, hold := g.answer[u.ID], g.hold[u.ID]
	delete(g.hold, u.ID)
	g.mu.Unlock()
	if hold != nil {
		hold <- struct{}{} // the check has begun
		<-hold
	}
	return err
}

func newGate(h *harness) *gate {
	g := &gate{answer: map[string]error{}, hold: map[string]chan struct{}{}}
	h.hub.Authorize("gate", g.rule)
	h.hub.PresenceMode("gate", func(context.Context, string) (bool, error) { return false, nil })
	return g
}

// TestRecheckEndsRefusedSubscriptions: after a Recheck, the subscribers the
// rule now refuses (every tab of theirs) are told `unsubscribed` forbidden,
// leave the presence and get no further event; the others, and those whose
// rule failed rather than refused, stay.
func TestRecheckEndsRefusedSubscriptions(t *testing.T) {
	h := newTunedHarness(t, NewMemoryLog(), fast)
	g := newGate(h)
	const topic = "gate:1"
	ann, bob1, bob2, cid := h.dial("ann"), h.dial("bob"), h.dial("bob"), h.dial("cid")
	for _, c := range []*rttest.Client{ann, bob1, bob2, cid} {
		subscribePresent(t, c, topic)
	}
	awaitPresence(t, ann, topic, 3)
	g.set("bob", problem.ErrForbidden)
	g.set("cid", errors.New("store down")) // not a refusal: kept
	if n := h.hub.Recheck(context.Background(), topic); n != 2 {
		t.Fatalf("Recheck ended %d subscriptions, want 2 (bob's tabs)", n)
	}
	h.publish(topic, 1)
	cases := []struct {
		name string
		c    *rttest.Client
		want string // the first message that is not presence
	}{
		{"ann", ann, "event"},
		{"bob's first tab", bob1, "unsubscribed"},
		{"bob's second tab", bob2, "unsubscribed"},
		{"cid (rule failed)", cid, "event"},
	}
	for _, tc := range cases {
		m := tc.c.Expect(tc.want, "presence")
		if m.Topic != topic || tc.want == "unsubscribed" && (m.Code != CodeForbidden || m.ID != "") {
			t.Fatalf("%s: got %+v, want %s on %s", tc.name, m, tc.want, topic)
		}
		if tc.want == "unsubscribed" {
			nothingBut(t, tc.c, "after") // no event, no presence
		}
	}
	if m := awaitPresence(t, ann, topic, 2); names(m) != "ann=Name ann;cid=Name cid;" {
		t.Fatalf("presence after bob lost the topic: got %+v", m)
	}
	if _, m := bob1.Subscribe(topic, -1); m.Type != "error" || m.Code != CodeForbidden {
		t.Fatalf("bob subscribing again: got %+v", m)
	}
}

// TestRecheckRacingSubscribe: a subscribe whose check passed before a
// Recheck but whose subscription the Recheck could not see yet checks
// again, and is refused.
func TestRecheckRacingSubscribe(t *testing.T) {
	h := newTunedHarness(t, NewMemoryLog(), fast)
	g := newGate(h)
	const topic = "gate:2"
	hold := make(chan struct{})
	g.mu.Lock()
	g.hold["late"] = hold
	g.mu.Unlock()
	late := h.dial("late")
	late.Send(map[string]any{"type": "subscribe", "id": "s", "topic": topic})
	select {
	case <-hold: // the check began, under the old answer
	case <-time.After(rttest.Wait):
		t.Fatal("the rule was not called")
	}
	g.set("late", problem.ErrForbidden)
	if n := h.hub.Recheck(context.Background(), topic); n != 0 {
		t.Fatalf("Recheck ended %d, want 0 (the subscription is not added yet)", n)
	}
	hold <- struct{}{}
	if m := late.Expect("error"); m.ID != "s" || m.Code != CodeForbidden {
		t.Fatalf("got %+v, want the subscribe refused", m)
	}
	h.publish(topic, 1)
	nothingBut(t, late, "after")
}
