package rooms_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/rooms/roomstest"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// TestUnreadMatchesModel runs random sends, deletes, reads from several
// tabs, reconnects, joins, resends and crash holes in two rooms, and after
// every step compares each user's unread counts (the list of rooms and the
// room acted on) with the model.
func TestUnreadMatchesModel(t *testing.T) {
	// 10,000 steps (a few minutes on a busy machine); under the race
	// detector, which the full suite runs, 500 keep it within its timeout.
	steps := 10000
	if raceDetector {
		steps = 500
	}
	if s, err := strconv.Atoi(os.Getenv("TAVOLO_UNREAD_STEPS")); err == nil {
		steps = s
	}
	env := webtest.Start(t, nil, boot.WithRoomSendRate(1<<30, time.Second))
	svc := env.Board.Rooms
	// Ten thousand steps outlast testenv.Ctx's deadline on a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	_, mod := env.NewUser(account.RoleModerator)
	var users []*account.User
	for range 3 {
		_, u := env.NewUser(account.RoleParticipant)
		users = append(users, u)
	}
	users = append(users, mod)
	m := roomstest.New()
	var roomIDs []string
	for i, h := range []string{rooms.HistoryFull, rooms.HistorySinceJoin} {
		r, err := svc.CreateRoom(ctx, mod, rooms.NewRoom{Name: fmt.Sprintf("Stanza %d", i), Kind: rooms.KindTheme,
			Access: rooms.AccessOpen, History: h, Presence: rooms.PresenceNames})
		if err != nil {
			t.Fatal(err)
		}
		roomIDs = append(roomIDs, r.ID)
		m.AddRoom(r.ID)
	}
	// tabs[user][i] is the head a tab last loaded for each room.
	const tabsPerUser = 3
	tabs := map[string][]map[string]int{}
	for _, u := range users {
		for range tabsPerUser {
			tabs[u.ID] = append(tabs[u.ID], map[string]int{})
		}
	}
	rng := rand.New(rand.NewPCG(9, 9))
	sent := map[string][]string{} // room -> client ids sent, for resends
	counts := map[string]int{}
	var checkTime time.Duration
	for step := range steps {
		room := roomIDs[rng.IntN(len(roomIDs))]
		u := users[rng.IntN(len(users))]
		tab := tabs[u.ID][rng.IntN(tabsPerUser)]
		var op string
		switch x := rng.IntN(100); {
		case x < 40:
			op = "send"
			cid := fmt.Sprintf("%s-%d", u.ID, step)
			res, err := svc.Send(ctx, u, room, rooms.NewMessage{ClientID: cid, Body: "messaggio " + cid})
			if err != nil {
				t.Fatalf("step %d send: %v", step, err)
			}
			m.Send(room, u.ID, res.Message.Seq)
			sent[room] = append(sent[room], cid+"|"+u.ID)
		case x < 45 && len(sent[room]) > 0:
			op = "resend"
			var cid, uid string
			pick := sent[room][rng.IntN(len(sent[room]))]
			for i := range pick {
				if pick[i] == '|' {
					cid, uid = pick[:i], pick[i+1:]
				}
			}
			var who *account.User
			for _, c := range users {
				if c.ID == uid {
					who = c
				}
			}
			res, err := svc.Send(ctx, who, room, rooms.NewMessage{ClientID: cid, Body: "messaggio " + cid})
			if err != nil || res.Created {
				t.Fatalf("step %d resend: created=%v err=%v", step, res.Created, err)
			}
		case x < 55 && m.Head(room) > 0:
			op = "delete"
			seq := 1 + rng.IntN(m.Head(room))
			a := m.Author(room, seq)
			if a == "" || m.Deleted(room, seq) {
				continue
			}
			by := mod
			if rng.IntN(2) == 0 {
				for _, c := range users {
					if c.ID == a {
						by = c
					}
				}
			}
			if _, err := svc.Delete(ctx, by, room, seq); err != nil {
				t.Fatalf("step %d delete %d: %v", step, seq, err)
			}
			m.Delete(room, seq)
		case x < 80:
			op = "read"
			seq := tab[room]
			if rng.IntN(4) == 0 && seq > 0 {
				seq = rng.IntN(seq) // a tab scrolled back: never moves the position back
			}
			st, err := svc.MarkRead(ctx, u, room, rooms.ReadInput{Seq: seq})
			if err != nil {
				t.Fatalf("step %d read: %v", step, err)
			}
			m.Read(room, u.ID, seq)
			if st.ReadSeq != m.ReadSeq(room, u.ID) || st.Unread != m.Unread(room, u.ID) {
				t.Fatalf("step %d read answer = %+v, want read %d unread %d", step, st, m.ReadSeq(room, u.ID), m.Unread(room, u.ID))
			}
		case x < 93:
			op = "reconnect" // the tab reloads the latest page from the server
			p, err := svc.Messages(ctx, u, room, rooms.PageQuery{After: rooms.NoAfter})
			if err != nil {
				t.Fatalf("step %d page: %v", step, err)
			}
			if p.Head != m.Head(room) {
				t.Fatalf("step %d page head %d, want %d", step, p.Head, m.Head(room))
			}
			tab[room] = p.Head
		case x < 97:
			op = "join"
			if _, err := svc.Join(ctx, u, room); err != nil {
				t.Fatalf("step %d join: %v", step, err)
			}
			m.Join(room, u.ID)
		default:
			op = "hole" // a crash after numbering a send, then a restart's reconcile
			if _, err := env.Board.Store.C("room_heads").UpdateOne(ctx, bson.M{"_id": room}, bson.M{"$inc": bson.M{"n": 1}}, options.UpdateOne().SetUpsert(true)); err != nil {
				t.Fatal(err)
			}
			if err := svc.Reconcile(ctx); err != nil {
				t.Fatal(err)
			}
			m.Void(room)
		}
		counts[op]++
		t0 := time.Now()
		check(ctx, t, step, op, svc, users, room, m)
		checkTime += time.Since(t0)
	}
	t.Logf("%d steps: %v; checks took %v", steps, counts, checkTime)
}

// check compares, for every user, the list (every room's count) and the
// room the step acted on with the model.
func check(ctx context.Context, t *testing.T, step int, op string, svc *rooms.Service, users []*account.User, room string, m *roomstest.Model) {
	t.Helper()
	// Every user's list and rooms are read at once (reads run in parallel).
	var wg sync.WaitGroup
	errs := make(chan string, len(users)*4)
	for _, u := range users {
		wg.Go(func() {
			list, err := svc.Rooms(ctx, u)
			if err != nil {
				errs <- err.Error()
				return
			}
			for _, r := range list {
				if want := m.Unread(r.ID, u.ID); r.Me.Unread != want || r.Me.Member != m.Member(r.ID, u.ID) {
					errs <- fmt.Sprintf("list unread of %s in %s = %d member=%v, want %d member=%v",
						u.Name, r.Name, r.Me.Unread, r.Me.Member, want, m.Member(r.ID, u.ID))
				}
			}
		})
		for _, id := range []string{room} {
			wg.Go(func() {
				r, err := svc.Room(ctx, u, id)
				if err != nil {
					errs <- err.Error()
					return
				}
				if want := m.Unread(id, u.ID); r.Me.Unread != want || r.Head != m.Head(id) {
					errs <- fmt.Sprintf("room unread of %s in %s = %d head %d, want %d head %d", u.Name, r.Name, r.Me.Unread, r.Head, want, m.Head(id))
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatalf("step %d (%s): %s", step, op, e)
	}
}
