package rooms_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// Many sends at once in one room go through its committer in batches:
// each client id is stored once however many times it is sent (in one
// batch, across batches, or later while the first is answered but its
// client id not yet stored, and after), every answer of a client id names the same
// message, a different text under a stored id is refused, and the counts
// derived from the seqs match the messages stored.
func TestConcurrentSendsStoreEachClientIDOnce(t *testing.T) {
	env := webtest.Start(t, nil, boot.WithRoomSendRate(1<<30, time.Second))
	ctx, svc := testenv.Ctx(t), env.Board.Rooms
	_, mod := env.NewUser(account.RoleModerator)
	_, reader := env.NewUser(account.RoleParticipant)
	var authors []*account.User
	for range 3 {
		_, u := env.NewUser(account.RoleParticipant)
		authors = append(authors, u)
	}
	r, err := svc.CreateRoom(ctx, mod, rooms.NewRoom{Name: "Affollata", Kind: "theme", Access: "open", History: "full", Presence: "names"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Join(ctx, reader, r.ID); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		body string
		sent rooms.Sent
		err  error
	}
	const ids, copies = 20, 3
	answers := map[string][]answer{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, u := range authors {
		for i := range ids {
			cid := fmt.Sprint("c", i)
			bodies := make([]string, copies)
			for k := range bodies {
				bodies[k] = "Testo " + cid
			}
			if i%4 == 0 { // a client id reused with another text at the same time
				bodies = append(bodies, "Altro testo "+cid)
			}
			for k, body := range bodies {
				// Odd ids are sent again later, a third of a round apart:
				// answered, maybe not yet stored, or stored.
				delay := time.Duration(i%2*k) * rooms.ApplyEvery * 34 / 100
				wg.Go(func() {
					time.Sleep(delay)
					sent, err := svc.Send(ctx, u, r.ID, rooms.NewMessage{ClientID: cid, Body: body})
					mu.Lock()
					answers[u.ID+"/"+cid] = append(answers[u.ID+"/"+cid], answer{body, sent, err})
					mu.Unlock()
				})
			}
		}
	}
	wg.Wait()
	stored := map[string]rooms.Message{} // author/client id -> the message answered
	for key, as := range answers {
		created := 0
		for _, a := range as {
			switch {
			case errors.Is(a.err, rooms.ErrClientIDReused):
			case a.err != nil:
				t.Errorf("%s %q: %v", key, a.body, a.err)
			default:
				if a.sent.Created {
					created++
				}
				if prev, ok := stored[key]; ok && prev.Seq != a.sent.Message.Seq {
					t.Errorf("%s answered seq %d and %d", key, prev.Seq, a.sent.Message.Seq)
				}
				if a.sent.Message.Body != a.body {
					t.Errorf("%s %q answered body %q", key, a.body, a.sent.Message.Body)
				}
				stored[key] = a.sent.Message
			}
		}
		if created != 1 {
			t.Errorf("%s: created %d times, want 1", key, created)
		}
	}
	p, err := svc.Messages(ctx, reader, r.ID, rooms.PageQuery{After: 0, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for i, m := range p.Messages {
		key := m.Author.ID + "/" + m.ClientID
		seen[key]++
		if want, ok := stored[key]; !ok || want.Seq != m.Seq {
			t.Errorf("stored %s at seq %d, answered %v", key, m.Seq, want.Seq)
		}
		if i > 0 && p.Messages[i-1].Seq >= m.Seq {
			t.Errorf("page out of order at %d: %d then %d", i, p.Messages[i-1].Seq, m.Seq)
		}
	}
	if len(p.Messages) != len(authors)*ids {
		t.Errorf("stored %d messages, want %d", len(p.Messages), len(authors)*ids)
	}
	for key, n := range seen {
		if n != 1 {
			t.Errorf("%s stored %d times", key, n)
		}
	}
	room, err := svc.Room(ctx, reader, r.ID)
	if err != nil || room.Me.Unread != len(p.Messages) {
		t.Errorf("reader's unread = %d (%v), want %d (head %d)", room.Me.Unread, err, len(p.Messages), room.Head)
	}
	// An author joined at its first send, having read what came before.
	for _, u := range authors {
		mine, err := svc.Room(ctx, u, r.ID)
		want := 0
		for _, m := range p.Messages {
			if m.Seq > mine.Me.ReadSeq && m.Author.ID != u.ID {
				want++
			}
		}
		if err != nil || mine.Me.Unread != want || !mine.Me.Member {
			t.Errorf("author's unread = %d member %v (%v), want %d", mine.Me.Unread, mine.Me.Member, err, want)
		}
	}
}
