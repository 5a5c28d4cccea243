package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// newRoom opens a room as a moderator; extra fields override the defaults.
func newRoom(t *testing.T, mod *webtest.Client, extra map[string]any) rooms.Room {
	t.Helper()
	in := map[string]any{"name": "Tributi locali", "description": "Confronto", "kind": "theme", "access": "open",
		"history": "full", "presence": "names", "slow_mode_s": 0}
	for k, v := range extra {
		in[k] = v
	}
	var r rooms.Room
	mod.Expect(201, "POST", "/api/v1/rooms", in).JSON(t, &r)
	return r
}

func send(t *testing.T, c *webtest.Client, roomID, clientID, body string) rooms.Message {
	t.Helper()
	var m rooms.Message
	c.Expect(201, "POST", "/api/v1/rooms/"+roomID+"/messages", map[string]any{"client_id": clientID, "body": body}).JSON(t, &m)
	return m
}

func roomPage(t *testing.T, c *webtest.Client, path string) rooms.Page {
	t.Helper()
	var p rooms.Page
	c.Expect(200, "GET", path, nil).JSON(t, &p)
	return p
}

func seqs(p rooms.Page) string {
	var out []string
	for _, m := range p.Messages {
		s := fmt.Sprint(m.Seq)
		if m.Deleted {
			s += "x"
		}
		out = append(out, s)
	}
	return strings.Join(out, ",")
}

func TestRoomAccess(t *testing.T) {
	env := webtest.Start(t, nil)
	home, away := env.NewAdministration(), env.NewAdministration()
	mod, _ := env.NewUser(account.RoleModerator)
	anna, _ := env.NewUserIn(home.ID, account.RoleParticipant)
	bruno, _ := env.NewUserIn(away.ID, account.RoleParticipant)
	open := newRoom(t, mod, nil)
	invited := newRoom(t, mod, map[string]any{"name": "Solo invitati", "access": "invited", "administration_ids": []string{home.ID}})
	if len(open.ID) < 22 || len(invited.ID) < 22 {
		t.Fatalf("ids %q %q: want >= 22 chars", open.ID, invited.ID)
	}
	cases := []struct {
		who  *webtest.Client
		path string
		want int
	}{
		{anna, "/api/v1/rooms/" + open.ID, 200},
		{anna, "/api/v1/rooms/" + invited.ID, 200},
		{bruno, "/api/v1/rooms/" + open.ID, 200},
		{bruno, "/api/v1/rooms/" + invited.ID, 404},
		{bruno, "/api/v1/rooms/" + invited.ID + "/messages", 404},
		{mod, "/api/v1/rooms/" + invited.ID, 200},
		{anna, "/api/v1/rooms/nonesisteaffattoquestastanza", 404},
		{env.Client(), "/api/v1/rooms/" + open.ID, 401},
	}
	for _, c := range cases {
		if r := c.who.Do("GET", c.path, nil); r.Status != c.want {
			t.Errorf("GET %s: got %d, want %d", c.path, r.Status, c.want)
		}
	}
	if r := bruno.Do("POST", "/api/v1/rooms/"+invited.ID+"/messages", map[string]any{"client_id": "a", "body": "ciao"}); r.Status != 404 {
		t.Errorf("send to a room not entered: got %d, want 404", r.Status)
	}
	var list struct{ Rooms []rooms.Room }
	bruno.Expect(200, "GET", "/api/v1/rooms", nil).JSON(t, &list)
	if len(list.Rooms) != 1 || list.Rooms[0].ID != open.ID {
		t.Errorf("bruno lists %+v, want only the open room", list.Rooms)
	}
	if r := anna.Do("POST", "/api/v1/rooms", map[string]any{"name": "x", "kind": "theme", "access": "open", "history": "full", "presence": "names"}); r.Status != 403 {
		t.Errorf("participant creates a room: got %d, want 403", r.Status)
	}
	if r := mod.Do("POST", "/api/v1/rooms", map[string]any{"name": "x", "kind": "theme", "access": "invited", "history": "full", "presence": "names"}); r.Status != 400 {
		t.Errorf("invited room without administrations: got %d, want 400", r.Status)
	}
}

// burst is a send rate no scenario reaches.
var burst = boot.WithRoomSendRate(100000, time.Second)

func TestRoomSendIdempotentAndPaging(t *testing.T) {
	env := webtest.Start(t, nil, burst)
	mod, _ := env.NewUser(account.RoleModerator)
	anna, _ := env.NewUser(account.RoleParticipant)
	r := newRoom(t, mod, nil)
	path := "/api/v1/rooms/" + r.ID + "/messages"
	first := send(t, anna, r.ID, "c1", "Buongiorno a **tutti**")
	if first.Seq != 1 || first.ClientID != "c1" || !strings.Contains(first.HTML, "<strong>tutti</strong>") {
		t.Fatalf("first = %+v", first)
	}
	// A resend answers the stored message, 200, and stores nothing more.
	var again rooms.Message
	anna.Expect(200, "POST", path, map[string]any{"client_id": "c1", "body": "Buongiorno a **tutti**"}).JSON(t, &again)
	if again.Seq != 1 {
		t.Errorf("resend seq = %d, want 1", again.Seq)
	}
	if r := anna.Expect(409, "POST", path, map[string]any{"client_id": "c1", "body": "Altro"}); r.ErrorCode() != "client_id_reused" {
		t.Errorf("reused client id: code %q", r.ErrorCode())
	}
	for i := 2; i <= 120; i++ {
		send(t, anna, r.ID, fmt.Sprintf("c%d", i), fmt.Sprintf("messaggio %d", i))
	}
	latest := roomPage(t, anna, path)
	if len(latest.Messages) != 50 || latest.Messages[0].Seq != 71 || latest.Messages[49].Seq != 120 || !latest.HasMore || latest.Head != 120 {
		t.Fatalf("latest page: %d messages %s has_more=%v head=%d", len(latest.Messages), seqs(latest), latest.HasMore, latest.Head)
	}
	cases := []struct {
		query    string
		first    int
		last     int
		n        int
		has_more bool
	}{
		{"?before=71", 21, 70, 50, true},
		{"?before=21&limit=100", 1, 20, 20, false},
		{"?after=0&limit=10", 1, 10, 10, true},
		{"?after=100", 101, 120, 20, false},
		{"?after=120", 0, 0, 0, false},
		{"?before=5&limit=2", 3, 4, 2, true},
	}
	for _, c := range cases {
		p := roomPage(t, anna, path+c.query)
		got := fmt.Sprintf("%d messages, has_more=%v", len(p.Messages), p.HasMore)
		want := fmt.Sprintf("%d messages, has_more=%v", c.n, c.has_more)
		if c.n > 0 && (p.Messages[0].Seq != c.first || p.Messages[len(p.Messages)-1].Seq != c.last) {
			got += fmt.Sprintf(" %d..%d", p.Messages[0].Seq, p.Messages[len(p.Messages)-1].Seq)
			want += fmt.Sprintf(" %d..%d", c.first, c.last)
		}
		if got != want {
			t.Errorf("%s: got %s, want %s", c.query, got, want)
		}
	}
	for _, q := range []string{"?limit=101", "?before=-1", "?before=3&after=1", "?limit=x"} {
		if r := anna.Do("GET", path+q, nil); r.Status != 400 {
			t.Errorf("%s: got %d, want 400", q, r.Status)
		}
	}
}

func TestRoomBadInput(t *testing.T) {
	env := webtest.Start(t, nil)
	mod, _ := env.NewUser(account.RoleModerator)
	anna, _ := env.NewUser(account.RoleParticipant)
	r := newRoom(t, mod, nil)
	path := "/api/v1/rooms/" + r.ID + "/messages"
	cases := []struct {
		name string
		body any
		want int
	}{
		{"empty body", map[string]any{"client_id": "a", "body": ""}, 400},
		{"blank body", map[string]any{"client_id": "a", "body": "   "}, 400},
		{"no client id", map[string]any{"body": "ciao"}, 400},
		{"long client id", map[string]any{"client_id": strings.Repeat("a", 65), "body": "ciao"}, 400},
		{"too long", map[string]any{"client_id": "a", "body": strings.Repeat("è", 4001)}, 413},
		{"unknown field", map[string]any{"client_id": "a", "body": "ciao", "seq": 3}, 400},
		{"operator", map[string]any{"client_id": map[string]any{"$ne": nil}, "body": "ciao"}, 400},
		{"invalid unicode", `{"client_id":"a","body":"ciao \ud800"}`, 400},
		{"not an object", `["ciao"]`, 400},
		{"reply to nothing", map[string]any{"client_id": "a", "body": "ciao", "reply_to": 99}, 400},
		{"someone else's file", map[string]any{"client_id": "a", "body": "ciao", "attachment_ids": []string{"nonesiste"}}, 400},
	}
	for _, c := range cases {
		if got := anna.Do("POST", path, c.body); got.Status != c.want {
			t.Errorf("%s: got %d, want %d (%s)", c.name, got.Status, c.want, got.Body)
		}
	}
	if p := roomPage(t, anna, path); len(p.Messages) != 0 || p.Head != 0 {
		t.Errorf("after bad input: %d messages, head %d; want none stored", len(p.Messages), p.Head)
	}
	// exactly 4000 characters are accepted
	send(t, anna, r.ID, "ok", strings.Repeat("è", 4000))
}
