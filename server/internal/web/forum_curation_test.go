package web_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// curationModel is the simple model of the forum's counts: each thread's
// category and number of posts.
type curationModel map[string]modelThread

type modelThread struct {
	cat   string
	posts int
}

// check compares every category's totals and each thread's reply count
// with the model.
func (m curationModel) check(t *testing.T, c *webtest.Client, step string) {
	t.Helper()
	want := map[string][2]int{}
	for id, th := range m {
		w := want[th.cat]
		want[th.cat] = [2]int{w[0] + 1, w[1] + th.posts}
		var p forum.ThreadPage
		c.Expect(200, "GET", "/api/v1/threads/"+id, nil).JSON(t, &p)
		if p.Thread.ID != id || p.Thread.CategoryID != th.cat || p.Thread.ReplyCount != th.posts-1 || p.Total != th.posts {
			t.Errorf("%s: thread %s got category %s, %d replies, %d posts; want %s, %d, %d",
				step, id, p.Thread.CategoryID, p.Thread.ReplyCount, p.Total, th.cat, th.posts-1, th.posts)
		}
	}
	var cats []forum.Category
	c.Expect(200, "GET", "/api/v1/categories", nil).JSON(t, &cats)
	for _, cat := range cats {
		if got := [2]int{cat.ThreadCount, cat.PostCount}; got != want[cat.ID] {
			t.Errorf("%s: category %s got %d threads, %d posts; want %v", step, cat.ID, got[0], got[1], want[cat.ID])
		}
	}
}

func searchIDs(t *testing.T, env *webtest.Env, c *webtest.Client, q string) []string {
	t.Helper()
	if err := env.Board.SearchQueue.Flush(testenv.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	var a searchAnswer
	c.Expect(200, "GET", "/api/v1/search?q="+q, nil).JSON(t, &a)
	return a.postIDs()
}

// A moderator moves, merges and splits threads: the counts of every
// category and thread follow the model, old addresses answer where things
// are now, search finds moved posts under their new thread, and the audit
// log has each action with its reason.
func TestCurationMoveMergeSplit(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, _ := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	model := curationModel{}

	a := newThread(t, anna, "bacheca", "Calendario dei seminari").Thread.ID
	reply(t, bruno, a, "", "Primo seminario a gennaio.")
	reply(t, anna, a, a+"-2", "Confermo gennaio.")
	b := newThread(t, bruno, "normativa", "Seminari: date").Thread.ID
	b2 := reply(t, anna, b, "", "Propongo febbraio zanzibar.").ID
	b3 := reply(t, bruno, b, b2, "Febbraio va bene.").ID
	bruno.Expect(200, "PATCH", "/api/v1/posts/"+b3, map[string]string{"body": "Febbraio va benissimo."})
	// The edited post's older version follows it wherever it goes.
	history := func(step, id string) {
		t.Helper()
		var vs []forum.Version
		mod.Expect(200, "GET", "/api/v1/posts/"+id+"/history", nil).JSON(t, &vs)
		if len(vs) != 1 || vs[0].Body != "Febbraio va bene." {
			t.Errorf("%s: history of %s got %+v, want the one older version", step, id, vs)
		}
	}
	history("before", b3)
	model[a] = modelThread{"bacheca", 3}
	model[b] = modelThread{"normativa", 3}
	model.check(t, anna, "start")

	// Move.
	var moved forum.ThreadView
	mod.Expect(200, "POST", "/api/v1/threads/"+b+"/move", map[string]any{"category_id": "assistenza", "reason": "Fuori posto."}).JSON(t, &moved)
	if moved.CategoryID != "assistenza" {
		t.Fatalf("moved: got category %s, want assistenza", moved.CategoryID)
	}
	model[b] = modelThread{"assistenza", 3}
	model.check(t, anna, "move")

	// Merge b into a: b's posts follow a's, in date order.
	var merged forum.ThreadView
	mod.Expect(200, "POST", "/api/v1/threads/"+b+"/merge", map[string]any{"into_id": a, "reason": "Stesso tema."}).JSON(t, &merged)
	if merged.ID != a || merged.PostCount != 6 {
		t.Fatalf("merged: got %s with %d posts, want %s with 6", merged.ID, merged.PostCount, a)
	}
	delete(model, b)
	model[a] = modelThread{"bacheca", 6}
	model.check(t, anna, "merge")
	var page forum.ThreadPage
	anna.Expect(200, "GET", "/api/v1/threads/"+b+"?view=flat", nil).JSON(t, &page) // 308, followed
	var bodies []string
	for i, p := range page.Posts {
		bodies = append(bodies, p.Body)
		if i > 0 && p.CreatedAt.Before(page.Posts[i-1].CreatedAt) {
			t.Errorf("flat page not in date order at %d", i)
		}
	}
	if page.Thread.ID != a || len(page.Posts) != 6 || bodies[4] != "Propongo febbraio zanzibar." {
		t.Fatalf("old address: got thread %s with %v, want %s with b's posts after a's", page.Thread.ID, bodies, a)
	}
	var link forum.Permalink
	anna.Expect(200, "GET", "/api/v1/posts/"+b2, nil).JSON(t, &link)
	if link.Post.ThreadID != a || link.Post.N != 5 || link.Post.Body != "Propongo febbraio zanzibar." || link.Post.ParentID != a+"-4" {
		t.Fatalf("old permalink: got %+v, want %s-5 replying to %s-4", link.Post, a, a)
	}
	if got := searchIDs(t, env, anna, "zanzibar"); !slices.Equal(got, []string{a + "-5"}) {
		t.Fatalf("search after merge: got %v, want [%s-5]", got, a)
	}
	var followed forum.ThreadPage // bruno opened b: he now follows a
	bruno.Expect(200, "GET", "/api/v1/threads/"+a, nil).JSON(t, &followed)
	if !followed.Thread.Following {
		t.Fatalf("after merge: b's follower does not follow %s", a)
	}
	anna.Expect(404, "POST", "/api/v1/threads/"+b+"/posts", map[string]any{"body": "Nel vecchio indirizzo."})
	history("merge", a+"-6")

	// Split a's posts 2 and 5 (and 6, which replies to 5) into a new thread.
	var split forum.ThreadView
	mod.Expect(201, "POST", "/api/v1/threads/"+a+"/split", map[string]any{"post_ids": []string{a + "-6", a + "-2", a + "-5"},
		"title": "Seminario di febbraio", "reason": "Tema a sé."}).JSON(t, &split)
	if split.ID == a || split.CategoryID != "bacheca" || split.PostCount != 3 || split.AuthorID == "" {
		t.Fatalf("split: got %+v", split.Thread)
	}
	model[a] = modelThread{"bacheca", 3}
	model[split.ID] = modelThread{"bacheca", 3}
	model.check(t, anna, "split")
	anna.Expect(200, "GET", "/api/v1/posts/"+b2, nil).JSON(t, &link) // two moves: b-2 → a-5 → new-2
	if link.Post.ThreadID != split.ID || link.Post.N != 2 {
		t.Fatalf("twice moved permalink: got %s, want %s-2", link.Post.ID, split.ID)
	}
	history("split", split.ID+"-3")
	var sp forum.ThreadPage
	anna.Expect(200, "GET", "/api/v1/threads/"+split.ID, nil).JSON(t, &sp)
	var tree []string
	for _, p := range sp.Posts {
		tree = append(tree, fmt.Sprintf("%d<%d@%d", p.N, p.ReplyToN, p.Depth))
	}
	if want := []string{"1<0@0", "2<0@1", "3<2@2"}; !slices.Equal(tree, want) {
		t.Fatalf("split tree: got %v, want %v", tree, want)
	}
	if got := searchIDs(t, env, anna, "zanzibar"); !slices.Equal(got, []string{split.ID + "-2"}) {
		t.Fatalf("search after split: got %v, want [%s-2]", got, split.ID)
	}
	// Unread counts the posts there are: bruno read up to 4, 5 and 6 left.
	bruno.Expect(204, "PUT", "/api/v1/threads/"+a+"/read", map[string]int{"n": 4})
	var bp forum.ThreadPage
	bruno.Expect(200, "GET", "/api/v1/threads/"+a, nil).JSON(t, &bp)
	if bp.Thread.UnreadCount != 0 || bp.Total != 3 {
		t.Fatalf("unread after split: got %d (of %d posts), want 0", bp.Thread.UnreadCount, bp.Total)
	}
	// The old thread's numbers are not given again.
	if p := reply(t, anna, a, "", "Ancora sul calendario."); p.N != 7 {
		t.Fatalf("reply after split: got n=%d, want 7", p.N)
	}
	model[a] = modelThread{"bacheca", 4}
	model.check(t, anna, "reply after split")
	bruno.Expect(200, "GET", "/api/v1/threads/"+a, nil).JSON(t, &bp)
	if bp.Thread.UnreadCount != 1 {
		t.Fatalf("unread after a new reply: got %d, want 1", bp.Thread.UnreadCount)
	}

	var log auditPage
	mod.Expect(200, "GET", "/api/v1/admin/audit?action=thread", nil).JSON(t, &log)
	if got := log.actions(); got != "thread.split thread:"+split.ID+", thread.merge thread:"+b+", thread.move thread:"+b {
		t.Fatalf("audit: got %s", got)
	}
}

// Bad input is refused with the field to fix, and changes nothing.
func TestCurationBadInput(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, _ := env.NewUser(account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	admin, _ := env.Admin()
	var archived forum.Category
	admin.Expect(201, "POST", "/api/v1/admin/categories", map[string]string{"name_it": "Vecchia"}).JSON(t, &archived)
	admin.Expect(200, "PATCH", "/api/v1/admin/categories/"+archived.ID, map[string]any{"archived": true})
	a := newThread(t, anna, "bacheca", "Prima discussione").Thread.ID
	reply(t, anna, a, "", "Una risposta.")
	b := newThread(t, anna, "bacheca", "Seconda discussione").Thread.ID
	reply(t, anna, b, "", "Un'altra risposta.")
	past := time.Now().Add(-time.Hour)
	future := time.Now().Add(time.Hour)
	cases := []struct {
		name, path string
		body       map[string]any
		status     int
		field      string
	}{
		{"merge into itself", a + "/merge", map[string]any{"into_id": a, "reason": "x"}, 400, "into_id"},
		{"merge into unknown", a + "/merge", map[string]any{"into_id": "999999", "reason": "x"}, 400, "into_id"},
		{"merge without reason", a + "/merge", map[string]any{"into_id": b, "reason": " "}, 400, "reason"},
		{"move to archived", a + "/move", map[string]any{"category_id": archived.ID, "reason": "x"}, 400, "category_id"},
		{"move to unknown", a + "/move", map[string]any{"category_id": "nessuna", "reason": "x"}, 400, "category_id"},
		{"move to the same", a + "/move", map[string]any{"category_id": "bacheca", "reason": "x"}, 400, "category_id"},
		{"move without reason", a + "/move", map[string]any{"category_id": "normativa"}, 400, "reason"},
		{"split no posts", a + "/split", map[string]any{"post_ids": []string{}, "title": "Nuova", "reason": "x"}, 400, "post_ids"},
		{"split another thread's post", a + "/split", map[string]any{"post_ids": []string{b + "-2"}, "title": "Nuova", "reason": "x"}, 400, "post_ids"},
		{"split unknown post", a + "/split", map[string]any{"post_ids": []string{a + "-9"}, "title": "Nuova", "reason": "x"}, 400, "post_ids"},
		{"split opening post", a + "/split", map[string]any{"post_ids": []string{a + "-1"}, "title": "Nuova", "reason": "x"}, 400, "post_ids"},
		{"split into archived", a + "/split", map[string]any{"post_ids": []string{a + "-2"}, "title": "Nuova", "category_id": archived.ID, "reason": "x"}, 400, "category_id"},
		{"pin until the past", a, map[string]any{"pinned_until": past, "reason": "x"}, 400, "pinned_until"},
		{"close in the past", a, map[string]any{"closes_at": past, "reason": "x"}, 400, "closes_at"},
		{"close without reason", a, map[string]any{"closes_at": future}, 400, "reason"},
		{"unknown thread", "999999/move", map[string]any{"category_id": "normativa", "reason": "x"}, 404, ""},
	}
	before := curationModel{a: {"bacheca", 2}, b: {"bacheca", 2}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := "POST"
			if c.path == a {
				method = "PATCH"
			}
			r := mod.Raw().Do(method, "/api/v1/threads/"+c.path, c.body)
			if r.Status != c.status {
				t.Fatalf("got %d %s, want %d", r.Status, r.Body, c.status)
			}
			if _, ok := r.Fields()[c.field]; c.field != "" && !ok {
				t.Fatalf("got fields %v, want %s", r.Fields(), c.field)
			}
		})
	}
	if r := anna.Do("POST", "/api/v1/threads/"+a+"/move", map[string]any{"category_id": "normativa", "reason": "x"}); r.Status != 403 {
		t.Fatalf("participant moves: got %d, want 403", r.Status)
	}
	before.check(t, anna, "after refusals")
}

// Close after a date and pin until a date end by themselves.
func TestCurationCloseAfterAndPinUntil(t *testing.T) {
	var clock skewedClock
	env := webtest.Start(t, nil, boot.WithForumClock(clock.Now))
	anna, _ := env.NewUser(account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	a := newThread(t, anna, "bacheca", "Chiude domani").Thread.ID
	newThread(t, anna, "bacheca", "Più recente")
	closes, until := clock.Now().Add(time.Hour), clock.Now().Add(2*time.Hour)
	var v forum.ThreadView
	mod.Expect(200, "PATCH", "/api/v1/threads/"+a, map[string]any{"closes_at": closes, "reason": "Scadenza."}).JSON(t, &v)
	if v.Locked || v.ClosesAt == nil {
		t.Fatalf("scheduled close: got locked=%v closes_at=%v", v.Locked, v.ClosesAt)
	}
	mod.Expect(200, "PATCH", "/api/v1/threads/"+a, map[string]any{"pinned_until": until, "reason": "In evidenza."}).JSON(t, &v)
	first := func() string { // the first thread if pinned
		var l forum.ThreadList
		anna.Expect(200, "GET", "/api/v1/categories/bacheca/threads", nil).JSON(t, &l)
		if !l.Items[0].Pinned {
			return "none pinned"
		}
		return l.Items[0].ID
	}
	if got := first(); got != a {
		t.Fatalf("pinned: got %s first, want %s", got, a)
	}
	reply(t, anna, a, "", "Prima della chiusura.")

	clock.Advance(90 * time.Minute) // closed, still pinned
	if r := anna.Do("POST", "/api/v1/threads/"+a+"/posts", map[string]any{"body": "Dopo la chiusura."}); r.Status != 403 || r.ErrorCode() != "thread_locked" {
		t.Fatalf("reply after close: got %d %s, want 403 thread_locked", r.Status, r.ErrorCode())
	}
	if got := first(); got != a {
		t.Fatalf("still pinned: got %s first, want %s", got, a)
	}
	clock.Advance(time.Hour) // the pin is over
	if got := first(); got != "none pinned" {
		t.Fatalf("pin over: got %s pinned first, want none", got)
	}
	var p forum.ThreadPage
	anna.Expect(200, "GET", "/api/v1/threads/"+a, nil).JSON(t, &p)
	if !p.Thread.Locked || p.Thread.Pinned {
		t.Fatalf("after both dates: got locked=%v pinned=%v, want locked and not pinned", p.Thread.Locked, p.Thread.Pinned)
	}
	// Unlocking opens the thread again and clears the date.
	v = forum.ThreadView{}
	mod.Expect(200, "PATCH", "/api/v1/threads/"+a, map[string]any{"locked": false, "reason": "Riaperta."}).JSON(t, &v)
	if v.Locked || v.ClosesAt != nil {
		t.Fatalf("reopened: got locked=%v closes_at=%v", v.Locked, v.ClosesAt)
	}
	reply(t, anna, a, "", "Di nuovo aperta.")
}

// The unread count a reader's client shows after a merge counts a post
// read in either thread once: on the thread page reached from the old
// address (308) and on the category's list. a's posts are 1–3, b's 4–6.
func TestMergeUnreadOverHTTP(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, _ := env.NewUser(account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	a := newThread(t, anna, "assistenza", "Accesso SPID").Thread.ID
	for range 2 {
		reply(t, anna, a, "", "Anche a me.")
	}
	b := newThread(t, anna, "assistenza", "SPID non funziona").Thread.ID
	for range 2 {
		reply(t, anna, b, "", "Confermo.")
	}
	cases := []struct {
		name       string
		j, k       int // read a up to j, b up to k
		unread, at int
	}{
		{"read a, part of b", 3, 2, 1, 5},
		{"part of a, all of b", 1, 3, 2, 1},
		{"b only", 0, 3, 3, 0},
	}
	readers := make([]*webtest.Client, len(cases))
	for i, c := range cases {
		readers[i], _ = env.NewUser(account.RoleParticipant)
		if c.j > 0 {
			readers[i].Expect(204, "PUT", "/api/v1/threads/"+a+"/read", map[string]int{"n": c.j})
		}
		readers[i].Expect(204, "PUT", "/api/v1/threads/"+b+"/read", map[string]int{"n": c.k})
	}
	mod.Expect(200, "POST", "/api/v1/threads/"+b+"/merge", map[string]any{"into_id": a, "reason": "Stesso tema."})
	for i, c := range cases {
		var page forum.ThreadPage
		readers[i].Expect(200, "GET", "/api/v1/threads/"+b, nil).JSON(t, &page)
		var list forum.ThreadList
		readers[i].Expect(200, "GET", "/api/v1/categories/assistenza/threads", nil).JSON(t, &list)
		var listed forum.ThreadView
		for _, x := range list.Items {
			if x.ID == a {
				listed = x
			}
		}
		if page.Thread.ID != a || listed.ID != a {
			t.Fatalf("%s: got thread %s, listed %s; want %s", c.name, page.Thread.ID, listed.ID, a)
		}
		for _, got := range []struct {
			where string
			v     forum.ThreadView
		}{{"thread page", page.Thread}, {"category list", listed}} {
			if got.v.UnreadCount != c.unread || got.v.LastReadN != c.at {
				t.Errorf("%s (a to %d, b to %d), %s: got unread %d at %d, want %d at %d",
					c.name, c.j, c.k, got.where, got.v.UnreadCount, got.v.LastReadN, c.unread, c.at)
			}
		}
	}
}
