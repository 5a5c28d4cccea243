package web_test

import (
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// The rooms' drivers of TestAuthzTable. A room the subject may not enter
// is answered 404, as if it did not exist.
func init() {
	for a, d := range roomHTTPDrivers {
		httpDrivers[a] = d
	}
	for a, d := range roomWSDrivers {
		wsDrivers[a] = d
	}
	deniedAlsoAs[authz.ReadRoom] = 404
	deniedAlsoAs[authz.SendMessage] = 404
}

// room makes a room for a cell: invited to the subject's administration
// or to the other one when the action's table has that dimension (open
// otherwise), with a first message by the cell's owner, deleted and the
// room archived as the cell says.
func (w *authzWorld) room(t *testing.T, a authz.Action, c authzCell) string {
	ctx := testenv.Ctx(t)
	in := rooms.NewRoom{Name: fmt.Sprintf("Stanza %d", w.seq.Add(1)), Kind: rooms.KindTheme, Access: rooms.AccessOpen,
		History: rooms.HistoryFull, Presence: rooms.PresenceNames}
	if a.Info().Dims.Administration {
		in.Access, in.AdministrationIDs = rooms.AccessInvited, []string{w.home.ID}
		if c.OtherAdm {
			in.AdministrationIDs = []string{w.away.ID}
		}
	}
	r, err := w.env.Board.Rooms.CreateRoom(ctx, w.mod, in)
	if err != nil {
		t.Fatalf("create room: %v", err)
	}
	author := *w.owner(c) // as they were when active: the table judges the actor, not the author
	author.Suspended, author.AdministrationStatus = false, account.StatusApproved
	if in.Access == rooms.AccessInvited {
		author = *w.mod
	}
	if _, err := w.env.Board.Rooms.Send(ctx, &author, r.ID, rooms.NewMessage{ClientID: "first", Body: "Primo messaggio."}); err != nil {
		t.Fatalf("send: %v", err)
	}
	if c.State&authz.Deleted != 0 {
		if _, err := w.env.Board.Rooms.Delete(ctx, w.mod, r.ID, 1); err != nil {
			t.Fatalf("delete: %v", err)
		}
	}
	if c.State&authz.Archived != 0 {
		on := true
		if _, err := w.env.Board.Rooms.UpdateRoom(ctx, w.mod, r.ID, rooms.RoomPatch{Archived: &on}); err != nil {
			t.Fatalf("archive: %v", err)
		}
	}
	return r.ID
}

// roomSnapshot is what a write could change in a room, as an admin sees it.
func (w *authzWorld) roomSnapshot(t *testing.T, id string) string {
	ctx := testenv.Ctx(t)
	r, err := w.env.Board.Rooms.Room(ctx, w.bossUser, id)
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.env.Board.Rooms.Messages(ctx, w.bossUser, id, rooms.PageQuery{After: rooms.NoAfter})
	if err != nil {
		t.Fatal(err)
	}
	s := fmt.Sprintf("%s slow=%d archived=%v head=%d", r.Name, r.SlowModeS, r.Archived, r.Head)
	for _, m := range p.Messages {
		s += fmt.Sprintf(" [%d %q deleted=%v %v promoted=%q]", m.Seq, m.Body, m.Deleted, m.Reactions, m.PromotedThreadID)
	}
	for _, col := range []string{"moderation_items", "room_members"} {
		n, err := w.env.Board.Store.R(col).CountDocuments(ctx, bson.M{})
		if err != nil {
			t.Fatal(err)
		}
		s += fmt.Sprintf(" %s=%d", col, n)
	}
	raw, err := w.env.Board.Store.R("room_members").FindOne(ctx, bson.M{"_id": id + "/" + w.stranger.ID}).Raw()
	if err == nil {
		s += fmt.Sprintf(" muted=%v", raw.Lookup("muted_until").String())
	}
	return s
}

// roomCase runs one request against a fresh room of the cell: the status
// and whether the room changed.
func (w *authzWorld) roomCase(t *testing.T, a authz.Action, c authzCell, method, path string, body any) (int, bool) {
	id := w.room(t, a, c)
	before := w.roomSnapshot(t, id)
	r := w.clients[c.Role].Do(method, strings.ReplaceAll(path, "{room}", id), body)
	return r.Status, w.roomSnapshot(t, id) != before
}

func roomDriver(a authz.Action, method, path string, body any) func(*testing.T, *authzWorld, authzCell) (int, bool) {
	return func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.roomCase(t, a, c, method, path, body)
	}
}

var roomHTTPDrivers = map[authz.Action]func(*testing.T, *authzWorld, authzCell) (int, bool){
	authz.CreateRoom: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		count := func() int64 {
			n, err := w.env.Board.Store.R("rooms").CountDocuments(testenv.Ctx(t), bson.M{})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		r := w.clients[c.Role].Do("POST", "/api/v1/rooms", map[string]any{"name": "Nuova stanza", "kind": "theme",
			"access": "open", "history": "full", "presence": "names"})
		return r.Status, count() != before
	},
	authz.ManageRoom:         roomDriver(authz.ManageRoom, "PATCH", "/api/v1/rooms/{room}", map[string]any{"slow_mode_s": 7}),
	authz.ReadRoom:           roomDriver(authz.ReadRoom, "GET", "/api/v1/rooms/{room}/messages", nil),
	authz.SendMessage:        roomDriver(authz.SendMessage, "POST", "/api/v1/rooms/{room}/messages", map[string]any{"client_id": "x", "body": "Ciao."}),
	authz.EditMessage:        roomDriver(authz.EditMessage, "PATCH", "/api/v1/rooms/{room}/messages/1", map[string]any{"body": "Cambiato."}),
	authz.DeleteMessage:      roomDriver(authz.DeleteMessage, "DELETE", "/api/v1/rooms/{room}/messages/1", nil),
	authz.ReactMessage:       roomDriver(authz.ReactMessage, "POST", "/api/v1/rooms/{room}/messages/1/reactions", map[string]any{"emoji": "👍"}),
	authz.ReadMessageHistory: roomDriver(authz.ReadMessageHistory, "GET", "/api/v1/rooms/{room}/messages/1/history", nil),
	authz.ReportMessage: roomDriver(authz.ReportMessage, "POST", "/api/v1/rooms/{room}/messages/1/reports",
		map[string]any{"reason": "spam"}),
	authz.PromoteMessage: roomDriver(authz.PromoteMessage, "POST", "/api/v1/rooms/{room}/messages/1/promote",
		map[string]any{"category_id": "tavolo-confronto", "title": "Dalla stanza"}),
	authz.MuteMember: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.roomCase(t, authz.MuteMember, c, "POST", "/api/v1/rooms/{room}/mutes", map[string]any{"user_id": w.stranger.ID, "minutes": 5})
	},
}

var roomWSDrivers = map[authz.Action]func(*testing.T, *authzWorld, authzCell) bool{
	authz.SubscribeRoom: func(t *testing.T, w *authzWorld, c authzCell) bool {
		id := w.room(t, authz.SubscribeRoom, c)
		ws := w.dial(t, c.Role)
		if ws == nil {
			return false
		}
		_, m := ws.Subscribe("room:"+id, -1)
		return m.Type == "subscribed"
	},
}
