package web_test

import (
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// pagedMessage is what the model knows of a seq.
type pagedMessage struct {
	body      string
	void      bool // the seq holds no message
	deleted   bool
	byMod     bool
	edited    bool
	replyTo   int
	replies   int
	authorIdx int
}

// pagingModel is the room's history as the pages must show it.
type pagingModel struct {
	msgs    []pagedMessage // by seq; [0] unused
	authors []string
}

// visible are the seqs above floor that hold a message, ascending.
func (m *pagingModel) visible(floor int) []int {
	var out []int
	for seq := floor + 1; seq < len(m.msgs); seq++ {
		if !m.msgs[seq].void {
			out = append(out, seq)
		}
	}
	return out
}

// show is a message as the model expects it on a page read by a reader
// whose floor is floor: of a message answered at or below it, the seq alone.
func (m *pagingModel) show(seq, floor int) string {
	p := m.msgs[seq]
	s := fmt.Sprintf("%d %s", seq, p.body)
	if p.deleted {
		s = fmt.Sprintf("%d deleted", seq)
		if p.byMod {
			s += " by a moderator"
		}
	}
	if p.edited {
		s += " (edited)"
	}
	if p.replyTo > 0 {
		q := m.msgs[p.replyTo]
		if p.replyTo <= floor {
			s += fmt.Sprintf(" [to %d : ]", p.replyTo)
		} else if q.deleted {
			s += fmt.Sprintf(" [to %d %s, deleted]", p.replyTo, m.authors[q.authorIdx])
		} else {
			s += fmt.Sprintf(" [to %d %s: %s]", p.replyTo, m.authors[q.authorIdx], q.body)
		}
	}
	if p.replies > 0 {
		s += fmt.Sprintf(" (%d replies)", p.replies)
	}
	return s
}

// shown is a message as a page shows it, in the model's terms.
func shown(msg rooms.Message) string {
	s := fmt.Sprintf("%d %s", msg.Seq, msg.Body)
	if msg.Deleted {
		s = fmt.Sprintf("%d deleted", msg.Seq)
		if msg.DeletedByModerator {
			s += " by a moderator"
		}
	}
	if msg.EditedAt != nil {
		s += " (edited)"
	}
	if rt := msg.ReplyTo; rt != nil {
		if rt.Deleted {
			s += fmt.Sprintf(" [to %d %s, deleted]", rt.Seq, rt.AuthorName)
		} else {
			s += fmt.Sprintf(" [to %d %s: %s]", rt.Seq, rt.AuthorName, rt.Excerpt)
		}
	}
	if msg.ReplyCount > 0 {
		s += fmt.Sprintf(" (%d replies)", msg.ReplyCount)
	}
	return s
}

func (m *pagingModel) page(seqs []int, more bool, floor int) string {
	lines := make([]string, len(seqs))
	for i, seq := range seqs {
		lines[i] = m.show(seq, floor)
	}
	return fmt.Sprintf("has_more=%v\n%s", more, strings.Join(lines, "\n"))
}

func gotPage(p rooms.Page) string {
	lines := make([]string, len(p.Messages))
	for i, msg := range p.Messages {
		lines[i] = shown(msg)
	}
	return fmt.Sprintf("has_more=%v\n%s", p.HasMore, strings.Join(lines, "\n"))
}

// TestRoomPagesMatchModel pages a since_join room's history back and
// forth over HTTP, with several page sizes and from every seq, as a
// moderator (the whole history), a member who joined midway and a user who
// never joined, and compares every page with a simple model. Deleted
// messages, voids, edits and replies sit at the edges of the 50-message
// buckets (seqs 49–51, 99–101, 149–151), where a page's reads change
// bucket: no message may be skipped, repeated or shown otherwise than it is.
func TestRoomPagesMatchModel(t *testing.T) {
	env := webtest.Start(t, nil, burst)
	svc := env.Board.Rooms
	ctx := testenv.Ctx(t)
	modC, mod := env.NewUser(account.RoleModerator)
	_, anna := env.NewUser(account.RoleParticipant)
	_, carla := env.NewUser(account.RoleParticipant)
	brunoC, bruno := env.NewUser(account.RoleParticipant)
	doraC, _ := env.NewUser(account.RoleParticipant)
	r := newRoom(t, modC, map[string]any{"history": "since_join"})

	const head, joinedAt = 165, 73 // bruno joins when seq 73 is the last
	voids := map[int]bool{50: true, 99: true, 100: true, 151: true}
	replyTo := map[int]int{60: 48, 103: 49, 120: 80, 140: 101, 155: 150, 160: 76, 164: 163}
	authors := []*account.User{anna, carla, bruno}
	m := &pagingModel{msgs: make([]pagedMessage, head+1), authors: []string{anna.Name, carla.Name, bruno.Name}}
	for seq := 1; seq <= head; seq++ {
		if seq == joinedAt+1 {
			if _, err := svc.Join(ctx, bruno, r.ID); err != nil {
				t.Fatal(err)
			}
		}
		if voids[seq] { // a crash took the seq, the restart's reconcile voided it
			// A read first: it waits for the writes that follow the sends
			// answered (they raise the counter too).
			if _, err := svc.Room(ctx, anna, r.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := env.Board.Store.C("room_heads").UpdateOne(ctx, bson.M{"_id": r.ID}, bson.M{"$inc": bson.M{"n": 1}},
				options.UpdateOne().SetUpsert(true)); err != nil {
				t.Fatal(err)
			}
			if err := svc.Reconcile(ctx); err != nil {
				t.Fatal(err)
			}
			m.msgs[seq].void = true
			continue
		}
		a := seq % 2
		if seq > joinedAt && seq%3 == 0 {
			a = 2
		}
		body := fmt.Sprintf("messaggio %d", seq)
		res, err := svc.Send(ctx, authors[a], r.ID, rooms.NewMessage{ClientID: fmt.Sprint("c", seq), Body: body, ReplyTo: replyTo[seq]})
		if err != nil || res.Message.Seq != seq {
			t.Fatalf("send %d: seq %d, %v", seq, res.Message.Seq, err)
		}
		m.msgs[seq] = pagedMessage{body: body, replyTo: replyTo[seq], authorIdx: a}
		if p := replyTo[seq]; p > 0 {
			m.msgs[p].replies++
		}
	}
	for _, seq := range []int{48, 102, 152} {
		a := m.msgs[seq].authorIdx
		body := fmt.Sprintf("messaggio %d, corretto", seq)
		if _, err := svc.Edit(ctx, authors[a], r.ID, seq, rooms.MessageEdit{Body: body}); err != nil {
			t.Fatalf("edit %d: %v", seq, err)
		}
		m.msgs[seq].body, m.msgs[seq].edited = body, true
	}
	for _, del := range []struct {
		seq   int
		byMod bool
	}{{1, false}, {49, false}, {51, true}, {73, true}, {74, false}, {101, true}, {149, false}, {150, true}, {163, true}, {165, false}} {
		by := authors[m.msgs[del.seq].authorIdx]
		if del.byMod {
			by = mod
		}
		if _, err := svc.Delete(ctx, by, r.ID, del.seq); err != nil {
			t.Fatalf("delete %d: %v", del.seq, err)
		}
		m.msgs[del.seq].deleted, m.msgs[del.seq].byMod = true, del.byMod
	}

	path := "/api/v1/rooms/" + r.ID + "/messages"
	viewers := []struct {
		name  string
		c     *webtest.Client
		floor int
	}{{"moderator", modC, 0}, {"bruno", brunoC, joinedAt}, {"dora", doraC, head}}
	for _, v := range viewers {
		seen := m.visible(v.floor)
		// Back from the latest page, and forward from the start, page by page.
		for _, limit := range []int{1, 7, 0, 100} {
			query, size := "", rooms.PageDefault
			if limit > 0 {
				query, size = fmt.Sprintf("&limit=%d", limit), limit
			}
			var back []int
			for before, n := 0, 0; n <= head; n++ {
				q := "?" + query
				rest := seen
				if before > 0 {
					q = fmt.Sprintf("?before=%d%s", before, query)
					rest = rest[:len(rest)-len(back)]
				}
				want := rest[max(0, len(rest)-size):]
				p := roomPage(t, v.c, path+q)
				if got, want := gotPage(p), m.page(want, len(want) > 0 && want[0] > v.floor+1, v.floor); got != want {
					t.Fatalf("%s, %s: got\n%s\nwant\n%s", v.name, q, got, want)
				}
				if !p.HasMore {
					break
				}
				back = append(back, want...)
				before = p.Messages[0].Seq
			}
			var fwd []int
			for after := 0; ; {
				q := fmt.Sprintf("?after=%d%s", after, query)
				rest := seen[len(fwd):]
				want := rest[:min(size, len(rest))]
				p := roomPage(t, v.c, path+q)
				if got, want := gotPage(p), m.page(want, len(want) > 0 && want[len(want)-1] < head, v.floor); got != want {
					t.Fatalf("%s, %s: got\n%s\nwant\n%s", v.name, q, got, want)
				}
				if !p.HasMore {
					break
				}
				fwd = append(fwd, want...)
				after = p.Messages[len(p.Messages)-1].Seq
			}
		}
		// A default page before every seq, wherever the client stopped.
		for before := 1; before <= head+1; before++ {
			var rest []int
			for _, seq := range seen {
				if seq < before {
					rest = append(rest, seq)
				}
			}
			want := rest[max(0, len(rest)-rooms.PageDefault):]
			q := fmt.Sprintf("?before=%d", before)
			if got, want := gotPage(roomPage(t, v.c, path+q)), m.page(want, len(want) > 0 && want[0] > v.floor+1, v.floor); got != want {
				t.Errorf("%s, %s: got\n%s\nwant\n%s", v.name, q, got, want)
			}
		}
	}
}
