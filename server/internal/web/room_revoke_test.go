package web_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/realtime/rttest"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// nextBut returns ws's next message within d that is not of the types in
// skip; ok false when none came.
func nextBut(t *testing.T, ws *rttest.Client, d time.Duration, skip ...string) (rttest.Msg, bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return rttest.Msg{}, false
		}
		m, err := ws.Next(left)
		if err != nil {
			return rttest.Msg{}, false
		}
		skipped := false
		for _, s := range skip {
			skipped = skipped || m.Type == s
		}
		if !skipped {
			return m, true
		}
	}
}

// liveMessage reads ws until the message.created of body on topic.
func liveMessage(t *testing.T, ws *rttest.Client, topic, body string) {
	t.Helper()
	for {
		m := ws.Expect("event", "presence")
		if m.Topic != topic || m.Event != "message.created" {
			continue // room.updated
		}
		var msg rooms.Message
		if err := json.Unmarshal(m.Data, &msg); err != nil {
			t.Fatal(err)
		}
		if msg.Body == body {
			return
		}
	}
}

// TestRoomRevokeOnAccessChange: when a room's access changes, who may no
// longer enter it stops receiving it at once (unsubscribed, code
// forbidden, and nothing more of the room, presence included), without
// reconnecting; who still may keeps receiving it.
func TestRoomRevokeOnAccessChange(t *testing.T) {
	env := webtest.Start(t, nil)
	home, away := env.NewAdministration(), env.NewAdministration()
	mod, _ := env.NewUser(account.RoleModerator)
	anna, annaU := env.NewUserIn(home.ID, account.RoleParticipant)
	bruno, _ := env.NewUserIn(away.ID, account.RoleParticipant)
	cases := []struct {
		name   string
		create map[string]any
		patch  map[string]any
	}{
		{"open to invited", nil, map[string]any{"access": "invited", "administration_ids": []string{home.ID}}},
		{"administration struck off", map[string]any{"access": "invited", "administration_ids": []string{home.ID, away.ID}},
			map[string]any{"administration_ids": []string{home.ID}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRoom(t, mod, tc.create)
			topic := "room:" + r.ID
			a, b := dialAs(t, env, anna), dialAs(t, env, bruno)
			joinLive(t, a, topic)
			joinLive(t, b, topic)
			presenceCount(t, a, topic, 2)
			send(t, anna, r.ID, tc.name+"-1", "prima")
			liveMessage(t, a, topic, "prima")
			liveMessage(t, b, topic, "prima")

			mod.Expect(200, "PATCH", "/api/v1/rooms/"+r.ID, tc.patch)
			m, ok := nextBut(t, b, time.Second, "presence")
			if !ok || m.Type != "unsubscribed" || m.Topic != topic || m.Code != "forbidden" {
				t.Fatalf("bruno within 1 s: got %+v (%v), want unsubscribed %s forbidden", m, ok, topic)
			}

			send(t, anna, r.ID, tc.name+"-2", "dopo")
			liveMessage(t, a, topic, "dopo")
			if p := presenceCount(t, a, topic, 1); len(p.Users) != 1 || p.Users[0].ID != annaU.ID {
				t.Fatalf("presence after bruno lost the room: got %+v, want anna alone", p)
			}
			b.Send(map[string]any{"type": "ping", "id": "after"})
			if m, ok := nextBut(t, b, rttest.Wait); !ok || m.Type != "pong" || m.ID != "after" {
				t.Fatalf("bruno after the change: got %+v (%v), want only the pong", m, ok)
			}
			if _, m := b.Subscribe(topic, -1); m.Type != "error" || m.Code != "forbidden" {
				t.Fatalf("bruno subscribing again: got %+v, want forbidden", m)
			}
		})
	}
}

// TestRoomPresenceSettingIsLive: switching a room's presence to counts
// reaches the people already in it at once (a frame without names), and
// back to names.
func TestRoomPresenceSettingIsLive(t *testing.T) {
	env := webtest.Start(t, nil)
	mod, _ := env.NewUser(account.RoleModerator)
	anna, _ := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	r := newRoom(t, mod, nil)
	topic := "room:" + r.ID
	a, b := dialAs(t, env, anna), dialAs(t, env, bruno)
	joinLive(t, a, topic)
	joinLive(t, b, topic)
	if p := presenceCount(t, a, topic, 2); len(p.Users) != 2 {
		t.Fatalf("names room: got %+v", p)
	}
	for _, tc := range []struct {
		presence  string
		wantNames int
	}{{"counts", 0}, {"names", 2}} {
		mod.Expect(200, "PATCH", "/api/v1/rooms/"+r.ID, map[string]any{"presence": tc.presence})
		for _, ws := range []*rttest.Client{a, b} {
			// Frames queued before the change may come first (a join's).
			var m rttest.Msg
			ok := false
			for deadline := time.Now().Add(3 * time.Second); !ok && time.Now().Before(deadline); {
				m, ok = nextBut(t, ws, time.Until(deadline), "event")
				ok = ok && m.Type == "presence" && m.Count == 2 && len(m.Users) == tc.wantNames
			}
			if !ok {
				t.Fatalf("presence %s: last got %+v, want count 2 with %d names within 3 s", tc.presence, m, tc.wantNames)
			}
		}
	}
}
