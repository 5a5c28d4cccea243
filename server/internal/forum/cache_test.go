package forum

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// Two instances on one store: what one changes, the other's cached views
// show at once. And one instance that is the store's sole writer (and
// keeps thread documents too): what it changes, its views show at once.
func TestCachedViews(t *testing.T) {
	t.Run("two instances", func(t *testing.T) { testCachedViews(t, false) })
	t.Run("sole writer", func(t *testing.T) { testCachedViews(t, true) })
}

func testCachedViews(t *testing.T, sole bool) {
	ctx := testenv.Ctx(t)
	st := testenv.Store(t)
	rec := newRecorder()
	mk := func() *Service {
		d := testDeps(st, rec)
		if !sole {
			d.Store = st.Shared() // as on MongoDB: no sole-writer shortcut
		}
		return New(d)
	}
	a, b := mk(), mk()
	if sole {
		b = a
	}
	if err := a.Init(ctx); err != nil {
		t.Fatal(err)
	}
	ua, ub := user("a", account.RoleParticipant), user("b", account.RoleParticipant)
	th, first, err := a.CreateThread(ctx, ua, NewThread{CategoryID: "bacheca", Title: "Cache tra istanze", Body: "Primo."})
	if err != nil {
		t.Fatal(err)
	}
	page := func(s *Service) ThreadPage {
		t.Helper()
		p, err := s.Thread(ctx, ub, th.ID, ViewTree, 1, 0, "it")
		if err != nil {
			t.Fatal(err)
		}
		return sent(t, p)
	}
	list := func(s *Service) ThreadList {
		t.Helper()
		l, err := s.CategoryThreads(ctx, ub, "bacheca", 1, 0, "it")
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	page(a)
	list(a) // both cached in a
	reply, err := b.Reply(ctx, ub, th.ID, NewPost{Body: "Secondo."})
	if err != nil {
		t.Fatal(err)
	}
	if p := page(a); len(p.Posts) != 2 || p.Posts[1].Body != "Secondo." {
		t.Fatalf("reply through b not seen by a: %+v", p.Posts)
	}
	if l := list(a); len(l.Items) != 1 || l.Items[0].PostCount != 2 {
		t.Fatalf("listing after reply: %+v", l.Items)
	}
	if _, err := b.EditPost(ctx, ub, reply.ID, PostEdit{Body: "Secondo, corretto."}); err != nil {
		t.Fatal(err)
	}
	if p := page(a); p.Posts[1].Body != "Secondo, corretto." || p.Posts[1].EditCount != 1 {
		t.Fatalf("edit through b not seen by a: %+v", p.Posts[1])
	}
	if _, err := b.React(ctx, ua, first.ID, "grazie", true); err != nil {
		t.Fatal(err)
	}
	p := page(a)
	if p.Posts[0].Reactions["grazie"].Count != 1 || len(p.Posts[0].Mine) != 0 {
		t.Fatalf("reaction through b not seen by a: %+v", p.Posts[0])
	}
	if mine, err := a.Thread(ctx, ua, th.ID, ViewFlat, 1, 0, "it"); err != nil || len(mine.Posts[0].Mine) != 1 || !mine.Posts[0].CanEdit {
		t.Fatalf("per-reader fields on the cached posts: %+v %v", mine.Posts[0], err)
	}
	if err := b.DeletePost(ctx, ub, reply.ID, PostDeletion{}); err != nil {
		t.Fatal(err)
	}
	if p := page(a); !p.Posts[1].Deleted || p.Posts[1].Body != "" {
		t.Fatalf("delete through b not seen by a: %+v", p.Posts[1])
	}
	title, pinned := "Cache tra istanze, rinominata", true
	if _, err := b.UpdateThread(ctx, user("m", account.RoleModerator), th.ID, ThreadPatch{Title: &title, Pinned: &pinned}); err != nil {
		t.Fatal(err)
	}
	if l := list(a); l.Items[0].Title != title || !l.Items[0].Pinned {
		t.Fatalf("thread change through b not in a's listing: %+v", l.Items[0])
	}
	if p := page(a); p.Thread.Title != title || !p.Thread.Pinned {
		t.Fatalf("thread change through b not on a's thread page: %+v", p.Thread)
	}
	// The reader's own state: b wrote it, so b shows it at once (a within stateTTL).
	if l := list(b); l.Items[0].UnreadCount != 0 || l.Items[0].LastReadN != 2 {
		t.Fatalf("reader state on the cached listing: %+v", l.Items[0])
	}
}

// sent is the page as a client receives it: a cached post's body and HTML
// are in its encoding only.
func sent(t *testing.T, p ThreadPage) ThreadPage {
	t.Helper()
	b, err := p.EncodeJSON()
	if err != nil {
		t.Fatal(err)
	}
	var out ThreadPage
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return out
}

func TestPostViewJSONFromCache(t *testing.T) {
	p := Post{ID: "1-2", ThreadID: "1", N: 2, Body: "<b>x</b> & \"y\"", Reactions: map[string]ReactionSummary{"grazie": {Count: 1, Users: []UserRef{{ID: "a", Name: "A"}}}}, Attachments: []Attachment{}}
	raw, err := json.Marshal(&p)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []PostView{{Post: p, Mine: []string{}}, {Post: p, Mine: []string{"grazie", "utile"}, CanEdit: true}} {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		v.raw = raw
		got, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("spliced\n got %s\nwant %s", got, want)
		}
	}
}

func TestImport(t *testing.T) {
	ctx := testenv.Ctx(t)
	rec := newRecorder()
	// A fixed clock: imported posts are dated back from now, so the thread
	// created before the import stays the latest however long the import
	// takes (on the wall clock, more than a second under load reordered them).
	s := started(t, testDeps(testenv.Store(t), rec))
	ua, ub := user("a", account.RoleParticipant), user("b", account.RoleParticipant)
	if _, _, err := s.CreateThread(ctx, ua, NewThread{CategoryID: "bacheca", Title: "Prima dell'import", Body: "x"}); err != nil {
		t.Fatal(err)
	}
	var replies []ImportReply
	for i := 0; i < 120; i++ {
		replies = append(replies, ImportReply{Author: ub, Body: "Risposta **" + strconv.Itoa(i) + "**", ParentN: i % 3})
	}
	ids, err := s.Import(ctx, []ImportThread{
		{CategoryID: "bacheca", Title: "Importata grande", Author: ua, Body: "Apertura", Replies: replies},
		{CategoryID: "normativa", Title: "Importata piccola", Author: ub, Body: "Sola"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || ids[0] != "2" || ids[1] != "3" {
		t.Fatalf("ids %v", ids)
	}
	p, err := s.Thread(ctx, ua, ids[0], ViewFlat, 3, 50, "it")
	if err != nil {
		t.Fatal(err)
	}
	p = sent(t, p)
	if p.Total != 121 || len(p.Posts) != 21 || p.Posts[20].Body != "Risposta **119**" || p.Posts[20].HTML == "" ||
		p.Thread.PostCount != 121 || p.Thread.LastReadN != 1 || p.Thread.UnreadCount != 120 || !p.Thread.Following {
		t.Fatalf("imported page: total %d, %d posts, thread %+v", p.Total, len(p.Posts), p.Thread)
	}
	if p.Posts[1].ReplyToN != 1 && p.Posts[1].N == 3 {
		t.Fatalf("parent of 3: %+v", p.Posts[1])
	}
	l, err := s.CategoryThreads(ctx, ub, "bacheca", 1, 0, "it")
	if err != nil || l.Total != 2 || l.Items[0].ID != "1" || l.Category.ThreadCount != 2 || l.Category.PostCount != 122 {
		t.Fatalf("listing after import: %+v %v", l, err)
	}
	if len(rec.docs) != 1+121+1 || rec.docs["2-121"].Title != "Importata grande" {
		t.Fatalf("indexed %d docs", len(rec.docs))
	}
	// The numbering goes on after an import.
	if r, err := s.Reply(ctx, ua, ids[1], NewPost{Body: "Dopo"}); err != nil || r.N != 2 {
		t.Fatalf("reply after import: %+v %v", r, err)
	}
}

func TestThreadPageEncodeJSON(t *testing.T) {
	p := Post{ID: "1-1", ThreadID: "1", N: 1, Body: "<i>a</i>", Reactions: map[string]ReactionSummary{}, Attachments: []Attachment{}}
	raw, _ := json.Marshal(&p)
	for _, posts := range [][]PostView{{}, {{Post: p, Mine: []string{"utile"}, raw: raw}, {Post: p, Mine: []string{}}}} {
		tp := ThreadPage{Thread: ThreadView{Thread: Thread{ID: "1", Title: "x < y", Tags: []string{}}}, Posts: posts, View: ViewTree, Page: 1, PerPage: 50, Total: 2}
		got, err := tp.EncodeJSON()
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(got), `"posts":`); n != 1 {
			t.Fatalf("%d posts keys in %s", n, got)
		}
		want, _ := json.Marshal(tp)
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("invalid JSON %s: %v", got, err)
		}
		_ = json.Unmarshal(want, &w)
		if gj, wj := mustJSON(g), mustJSON(w); gj != wj {
			t.Fatalf("EncodeJSON\n got %s\nwant %s", gj, wj)
		}
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
