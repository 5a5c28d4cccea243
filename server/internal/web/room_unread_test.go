package web_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/rooms/roomstest"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// The HTTP version of rooms' TestUnreadMatchesModel, shorter: random
// sends, resends, deletes, reads from stale tabs, reloads and joins by
// several users; after every step each user's GET /rooms and GET
// /rooms/{id} unread counts match the model.
func TestRoomUnreadOverHTTP(t *testing.T) {
	env := webtest.Start(t, nil, burst)
	mod, mu := env.NewUser(account.RoleModerator)
	type user struct {
		c    *webtest.Client
		u    *account.User
		tabs [2]map[string]int // the head each tab last loaded, by room
	}
	users := []*user{{c: mod, u: mu}}
	for range 2 {
		c, u := env.NewUser(account.RoleParticipant)
		users = append(users, &user{c: c, u: u})
	}
	for _, u := range users {
		u.tabs = [2]map[string]int{{}, {}}
	}
	m := roomstest.New()
	var ids []string
	for _, h := range []string{"full", "since_join"} {
		r := newRoom(t, mod, map[string]any{"history": h})
		ids = append(ids, r.ID)
		m.AddRoom(r.ID)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for step := range 300 {
		room, u := ids[rng.IntN(len(ids))], users[rng.IntN(len(users))]
		tab := u.tabs[rng.IntN(2)]
		base := "/api/v1/rooms/" + room
		switch x := rng.IntN(100); {
		case x < 40:
			cid := fmt.Sprint("c", step)
			msg := send(t, u.c, room, cid, "messaggio "+cid)
			m.Send(room, u.u.ID, msg.Seq)
		case x < 50 && m.Head(room) > 0:
			seq := 1 + rng.IntN(m.Head(room))
			a := m.Author(room, seq)
			if a == "" || m.Deleted(room, seq) || (a != u.u.ID && u.c != mod) {
				continue
			}
			u.c.Expect(200, "DELETE", msgPath(room, seq, ""), nil)
			m.Delete(room, seq)
		case x < 75:
			seq := tab[room]
			var st struct {
				ReadSeq int `json:"read_seq"`
				Unread  int `json:"unread"`
			}
			u.c.Expect(200, "POST", base+"/read", map[string]int{"seq": seq}).JSON(t, &st)
			m.Read(room, u.u.ID, seq)
			if st.ReadSeq != m.ReadSeq(room, u.u.ID) || st.Unread != m.Unread(room, u.u.ID) {
				t.Fatalf("step %d: read answered %+v, want %d %d", step, st, m.ReadSeq(room, u.u.ID), m.Unread(room, u.u.ID))
			}
		case x < 92:
			tab[room] = roomPage(t, u.c, base+"/messages").Head
		default:
			u.c.Expect(200, "POST", base+"/join", nil)
			m.Join(room, u.u.ID)
		}
		for _, v := range users {
			var list struct{ Rooms []rooms.Room }
			v.c.Expect(200, "GET", "/api/v1/rooms", nil).JSON(t, &list)
			for _, r := range list.Rooms {
				var one rooms.Room
				v.c.Expect(200, "GET", "/api/v1/rooms/"+r.ID, nil).JSON(t, &one)
				want := m.Unread(r.ID, v.u.ID)
				if r.Me.Unread != want || one.Me.Unread != want || one.Me.Member != m.Member(r.ID, v.u.ID) {
					t.Fatalf("step %d: %s in %s: list unread %d, room unread %d member %v; want %d member %v",
						step, v.u.Name, r.Name, r.Me.Unread, one.Me.Unread, one.Me.Member, want, m.Member(r.ID, v.u.ID))
				}
			}
		}
	}
}
