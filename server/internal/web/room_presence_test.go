package web_test

import (
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/realtime/rttest"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// joinLive subscribes ws to topic and returns the presence frame that
// follows `subscribed`.
func joinLive(t *testing.T, ws *rttest.Client, topic string) rttest.Msg {
	t.Helper()
	if _, m := ws.Subscribe(topic, -1); m.Type != "subscribed" {
		t.Fatalf("subscribe %s: %+v", topic, m)
	}
	return ws.Expect("presence")
}

// presenceCount reads ws until a presence frame on topic counting want.
func presenceCount(t *testing.T, ws *rttest.Client, topic string, want int) rttest.Msg {
	t.Helper()
	for {
		m := ws.Expect("presence")
		if m.Topic == topic && m.Count == want {
			return m
		}
	}
}

func people(m rttest.Msg) []string {
	var out []string
	for _, u := range m.Users {
		out = append(out, u.ID)
	}
	return out
}

// other returns ws's next message that is not a presence frame or a
// stored event (room.updated).
func other(t *testing.T, ws *rttest.Client) rttest.Msg {
	t.Helper()
	for {
		m, err := ws.Next(rttest.Wait)
		if err != nil {
			t.Fatal(err)
		}
		if m.Type != "presence" && m.Type != "event" {
			return m
		}
	}
}

// TestRoomPresenceAndTyping runs presence and typing over the board's own
// websocket: a person with two tabs counts once, rooms set to counts show
// no names, typing is relayed once per 3 s and refused to the muted and in
// archived rooms, and closing the last tab leaves the room.
func TestRoomPresenceAndTyping(t *testing.T) {
	env := webtest.Start(t, nil)
	mod, _ := env.NewUser(account.RoleModerator)
	anna, annaU := env.NewUser(account.RoleParticipant)
	bruno, brunoU := env.NewUser(account.RoleParticipant)
	names := newRoom(t, mod, nil)
	counts := newRoom(t, mod, map[string]any{"presence": "counts"})
	topic := "room:" + names.ID

	a1, a2, b := dialAs(t, env, anna), dialAs(t, env, anna), dialAs(t, env, bruno)
	if m := joinLive(t, a1, topic); m.Count != 1 || len(m.Users) != 1 || m.Users[0].ID != annaU.ID || m.Users[0].Name != annaU.Name {
		t.Fatalf("anna's first tab: got %+v", m)
	}
	if m := joinLive(t, a2, topic); m.Count != 1 {
		t.Fatalf("anna's second tab: got count %d, want 1 (one person)", m.Count)
	}
	if m := joinLive(t, b, topic); m.Count != 2 || len(m.Users) != 2 {
		t.Fatalf("bruno: got %+v, want anna and bruno by name", m)
	}
	if m := presenceCount(t, a1, topic, 2); len(people(m)) != 2 {
		t.Fatalf("anna's tab told %+v", m)
	}
	for _, ws := range []*rttest.Client{a1, b} {
		if m := joinLive(t, ws, "room:"+counts.ID); m.Users != nil {
			t.Fatalf("counts-only room: got names %+v", m.Users)
		}
	}
	presenceCount(t, a1, "room:"+counts.ID, 2)

	cases := []struct {
		name    string
		from    *rttest.Client
		topic   string
		answer  string // ack or an error code
		relayed bool
	}{
		{"first", a1, topic, "ack", true},
		{"again at once", a1, topic, "ack", false},
		{"the same person's other tab", a2, topic, "ack", false},
		{"a room one may not enter", a1, "room:AAAAAAAAAAAAAAAAAAAAAA", "forbidden", false},
	}
	for _, tc := range cases {
		tc.from.Send(map[string]any{"type": "publish", "id": tc.name, "topic": tc.topic, "event": "typing", "data": map[string]bool{"on": true}})
		m := other(t, tc.from)
		got := m.Type
		if got == "error" {
			got = m.Code
		}
		if got != tc.answer || m.ID != tc.name {
			t.Fatalf("%s: got %+v, want %s", tc.name, m, tc.answer)
		}
		if tc.relayed {
			if m := other(t, b); m.Type != "transient" || m.UserID != annaU.ID || m.Event != "typing" || m.Topic != topic {
				t.Fatalf("%s: bruno got %+v", tc.name, m)
			}
		}
		b.Send(map[string]any{"type": "ping", "id": "p-" + tc.name})
		if m := other(t, b); m.Type != "pong" || m.ID != "p-"+tc.name { // nothing relayed before it
			t.Fatalf("%s: bruno got %+v", tc.name, m)
		}
	}

	// Muted, bruno may not type; in an archived room nobody may.
	mod.Expect(204, "POST", "/api/v1/rooms/"+names.ID+"/mutes", map[string]any{"user_id": brunoU.ID, "minutes": 10, "reason": "prova"})
	b.Send(map[string]any{"type": "publish", "id": "muted", "topic": topic, "event": "typing", "data": true})
	if m := other(t, b); m.Code != "forbidden" || m.ID != "muted" {
		t.Fatalf("muted: got %+v", m)
	}
	mod.Expect(200, "PATCH", "/api/v1/rooms/"+counts.ID, map[string]any{"archived": true})
	a1.Send(map[string]any{"type": "publish", "id": "archived", "topic": "room:" + counts.ID, "event": "typing", "data": true})
	if m := other(t, a1); m.Code != "forbidden" || m.ID != "archived" {
		t.Fatalf("archived: got %+v", m)
	}

	// Bruno closes his only tab: he leaves; anna closing one of two stays.
	_ = b.WS.Close()
	if m := presenceCount(t, a1, topic, 1); len(m.Users) != 1 || m.Users[0].ID != annaU.ID {
		t.Fatalf("after bruno left: %+v", m)
	}
	_ = a2.WS.Close()
	time.Sleep(1500 * time.Millisecond) // more than the presence interval
	a1.Send(map[string]any{"type": "ping", "id": "end"})
	for {
		m, err := a1.Next(rttest.Wait)
		if err != nil {
			t.Fatal(err)
		}
		if m.Type == "presence" && m.Topic == topic {
			t.Fatalf("anna closed one of two tabs: got %+v", m)
		}
		if m.Type == "pong" && m.ID == "end" {
			return
		}
	}
}
