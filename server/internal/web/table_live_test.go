package web_test

import (
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/tables"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// TestTableLive: viewers of a table see each other (presence with
// names), get table.updated after a change, in order after the table's
// seq, and each other's row focus, at most once a second per person (the
// last one held back relayed when the second ends); a focus that is not
// {row} is refused.
func TestTableLive(t *testing.T) {
	env := webtest.Start(t, nil)
	alice, au := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	a := publishedWith(t, alice, "Servizi ICT del comune", nil)
	b := publishedWith(t, alice, "Paghe del comune", map[string]any{"ambito": "paghe_personale"})
	tb := newTable(t, alice, "Servizi", a.ID, b.ID)
	topic := tables.Topic(tb.ID)

	wa, wb := dialAs(t, env, alice), dialAs(t, env, bruno)
	joinLive(t, wa, topic)
	if _, m := wb.Subscribe(topic, tb.Seq); m.Type != "subscribed" {
		t.Fatalf("subscribe since %d: %+v", tb.Seq, m)
	}
	if m := presenceCount(t, wb, topic, 2); len(people(m)) != 2 {
		t.Fatalf("bruno sees %+v, want two people by name", m)
	}

	alice.Expect(200, "PATCH", "/api/v1/tables/"+tb.ID, map[string]any{"base_version": 1, "name": "Servizi a confronto"})
	var got tables.Table
	seq := event(t, wb, topic, "table.updated", &got)
	if got.Name != "Servizi a confronto" || got.Version != 2 || seq != tb.Seq+1 {
		t.Errorf("table.updated %q v%d seq %d, want the new name v2 seq %d", got.Name, got.Version, seq, tb.Seq+1)
	}
	var now tables.Table
	bruno.Expect(200, "GET", "/api/v1/tables/"+tb.ID, nil).JSON(t, &now)
	if now.Seq != seq {
		t.Errorf("GET seq %d, want %d (the event's)", now.Seq, seq)
	}

	// Refused focus first (they never reach the once-a-second gate), then
	// one relayed at once and one held back: the held one, where alice
	// stopped, follows when her second is over.
	for _, tc := range []struct {
		name    string
		data    any
		answer  string
		relayed bool
	}{
		{"not a row", map[string]any{"row": 7}, "bad_frame", false},
		{"more than a row", map[string]any{"row": "cig", "x": 1}, "bad_frame", false},
		{"first", map[string]any{"row": "importo_base_eur"}, "ack", true},
		{"again at once", map[string]any{"row": "cig"}, "ack", false},
		{"and again", map[string]any{"row": "procedura"}, "ack", false},
	} {
		wa.Send(map[string]any{"type": "publish", "id": tc.name, "topic": topic, "event": "focus", "data": tc.data})
		m := other(t, wa)
		answer := m.Type
		if answer == "error" {
			answer = m.Code
		}
		if answer != tc.answer || m.ID != tc.name {
			t.Fatalf("%s: got %+v, want %s", tc.name, m, tc.answer)
		}
		if tc.relayed {
			if m := other(t, wb); m.Type != "transient" || m.Event != "focus" || m.UserID != au.ID || string(m.Data) != `{"row":"importo_base_eur"}` {
				t.Fatalf("%s: bruno got %+v", tc.name, m)
			}
		}
	}
	start := time.Now()
	if m := other(t, wb); m.Type != "transient" || string(m.Data) != `{"row":"procedura"}` {
		t.Fatalf("held focus: bruno got %+v, want the last row", m)
	}
	if waited := time.Since(start); waited > 3*time.Second {
		t.Errorf("the held focus came after %v, want within the second", waited)
	}
	wb.Send(map[string]any{"type": "ping", "id": "p"})
	if m := other(t, wb); m.Type != "pong" { // the first held one only: "cig" was replaced
		t.Fatalf("after the held focus: bruno got %+v", m)
	}
	// A second later the next focus goes through at once; leaving the table is null.
	time.Sleep(1100 * time.Millisecond)
	wa.Send(map[string]any{"type": "publish", "id": "later", "topic": topic, "event": "focus", "data": map[string]any{"row": nil}})
	if m := other(t, wa); m.Type != "ack" {
		t.Fatalf("later: got %+v", m)
	}
	if m := other(t, wb); m.Type != "transient" || string(m.Data) != `{"row":null}` {
		t.Fatalf("later: bruno got %+v", m)
	}
}
