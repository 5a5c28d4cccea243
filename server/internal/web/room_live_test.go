package web_test

import (
	"fmt"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

func TestRoomLiveEvents(t *testing.T) {
	env := webtest.Start(t, nil)
	home, away := env.NewAdministration(), env.NewAdministration()
	mod, _ := env.NewUser(account.RoleModerator)
	anna, _ := env.NewUserIn(home.ID, account.RoleParticipant)
	bruno, bu := env.NewUserIn(home.ID, account.RoleParticipant)
	outsider, _ := env.NewUserIn(away.ID, account.RoleParticipant)
	r := newRoom(t, mod, map[string]any{"access": "invited", "administration_ids": []string{home.ID}})
	send(t, anna, r.ID, "a0", "Prima della connessione")

	// The page and the stream join without a gap.
	page := roomPage(t, bruno, "/api/v1/rooms/"+r.ID+"/messages")
	ws := dialAs(t, env, bruno)
	if _, m := ws.Subscribe("room:"+r.ID, page.Seq); m.Type != "subscribed" {
		t.Fatalf("subscribe: %+v", m)
	}
	tab2 := dialAs(t, env, bruno)
	if _, m := tab2.Subscribe("user:"+bu.ID, -1); m.Type != "subscribed" {
		t.Fatalf("subscribe user: %+v", m)
	}
	if _, m := dialAs(t, env, outsider).Subscribe("room:"+r.ID, -1); m.Type != "error" {
		t.Errorf("outsider subscribed: %+v", m)
	}
	odd := dialAs(t, env, outsider)
	for _, topic := range []string{"room:nonesistenonesistenonesiste", "room:", "room:" + r.ID + "/x", "room:$ne", "room:" + r.ID + "#0"} {
		if _, m := odd.Subscribe(topic, -1); m.Type != "error" {
			t.Errorf("%q subscribed: %+v", topic, m)
		}
	}

	sent := send(t, anna, r.ID, "a1", "Ciao **Bruno**")
	var m rooms.Message
	event(t, ws, "room:"+r.ID, "message.created", &m)
	if m.Seq != sent.Seq || m.ClientID != "a1" || m.HTML != sent.HTML {
		t.Errorf("message.created = %+v, want %+v", m, sent)
	}
	// A resend publishes nothing new: the next event is the delete's.
	anna.Expect(200, "POST", "/api/v1/rooms/"+r.ID+"/messages", map[string]any{"client_id": "a1", "body": "Ciao **Bruno**"})
	anna.Expect(200, "DELETE", msgPath(r.ID, sent.Seq, ""), nil)
	event(t, ws, "room:"+r.ID, "message.updated", &m)
	if !m.Deleted || m.Body != "" || m.Seq != sent.Seq {
		t.Errorf("message.updated after delete = %+v", m)
	}
	anna.Expect(200, "POST", "/api/v1/rooms/"+r.ID+"/messages/1/reactions", map[string]any{"emoji": "🎉"})
	event(t, ws, "room:"+r.ID, "message.updated", &m)
	if len(m.Reactions) != 1 || m.Reactions[0].Count != 1 || m.Reactions[0].Mine {
		t.Errorf("reaction event = %+v", m.Reactions)
	}
	mod.Expect(200, "PATCH", "/api/v1/rooms/"+r.ID, map[string]any{"description": "Nuova descrizione"})
	var room rooms.Room
	event(t, ws, "room:"+r.ID, "room.updated", &room)
	if room.Description != "Nuova descrizione" {
		t.Errorf("room.updated = %+v", room)
	}

	// Reading in one tab tells the others.
	send(t, anna, r.ID, "a2", "Ancora")
	event(t, ws, "room:"+r.ID, "message.created", &m)
	var read struct {
		RoomID  string `json:"room_id"`
		ReadSeq int    `json:"read_seq"`
		Unread  int    `json:"unread"`
	}
	bruno.Expect(200, "POST", "/api/v1/rooms/"+r.ID+"/read", map[string]any{"seq": 1})
	event(t, tab2, "user:"+bu.ID, "room.read", &read)
	if got, want := fmt.Sprint(read.RoomID, read.ReadSeq, read.Unread), fmt.Sprint(r.ID, 1, 1); got != want {
		t.Errorf("room.read = %s, want %s", got, want) // seq 2 is deleted, 3 unread
	}
	bruno.Expect(200, "POST", "/api/v1/rooms/"+r.ID+"/read", map[string]any{"seq": 99})
	event(t, tab2, "user:"+bu.ID, "room.read", &read)
	if read.ReadSeq != 3 || read.Unread != 0 {
		t.Errorf("read past the head = %+v, want read_seq 3 unread 0", read)
	}
	bruno.Expect(200, "POST", "/api/v1/rooms/"+r.ID+"/read", map[string]any{"seq": 1})
	event(t, tab2, "user:"+bu.ID, "room.read", &read)
	if read.ReadSeq != 3 {
		t.Errorf("read backwards moved to %d", read.ReadSeq)
	}

	// Catch-up after a disconnect: after= pages every missed message once.
	for i := range 7 {
		send(t, anna, r.ID, fmt.Sprintf("b%d", i), fmt.Sprintf("perso %d", i))
	}
	var got []int
	for after := 3; ; {
		p := roomPage(t, bruno, fmt.Sprintf("/api/v1/rooms/%s/messages?after=%d&limit=3", r.ID, after))
		for _, m := range p.Messages {
			got = append(got, m.Seq)
			after = m.Seq
		}
		if !p.HasMore {
			break
		}
	}
	if fmt.Sprint(got) != "[4 5 6 7 8 9 10]" {
		t.Errorf("catch-up = %v", got)
	}
}
