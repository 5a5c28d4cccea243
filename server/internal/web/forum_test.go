package web_test

import (
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

type created struct {
	Thread forum.ThreadView `json:"thread"`
	Post   forum.PostView   `json:"post"`
}

func newThread(t *testing.T, c *webtest.Client, category, title string) created {
	t.Helper()
	var out created
	c.Expect(201, "POST", "/api/v1/threads", map[string]any{"category_id": category, "title": title,
		"body": "Apriamo la discussione su **" + title + "**.", "tags": []string{"SLA", "penali", "sla"}}).JSON(t, &out)
	return out
}

func reply(t *testing.T, c *webtest.Client, threadID, parentID, body string) forum.PostView {
	t.Helper()
	var p forum.PostView
	c.Expect(201, "POST", "/api/v1/threads/"+threadID+"/posts", map[string]any{"body": body, "parent_id": parentID}).JSON(t, &p)
	return p
}

func threadPage(t *testing.T, c *webtest.Client, path string) forum.ThreadPage {
	t.Helper()
	var tp forum.ThreadPage
	c.Expect(200, "GET", path, nil).JSON(t, &tp)
	return tp
}

func postNumbers(ps []forum.PostView) (ns, depths []int) {
	for _, p := range ps {
		ns, depths = append(ns, p.N), append(depths, p.Depth)
	}
	return ns, depths
}

func TestForumThreadTreeFlatPermalinkAndUnread(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, annaU := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)

	th := newThread(t, anna, "atti-affidamento", "Capitolato pulizie")
	if th.Thread.ID == "" || th.Post.ID != th.Thread.ID+"-1" || th.Post.Depth != 0 || th.Post.AuthorID != annaU.ID {
		t.Fatalf("created = %+v", th)
	}
	if !reflect.DeepEqual(th.Thread.Tags, []string{"sla", "penali"}) || !th.Thread.Following || th.Thread.UnreadCount != 0 {
		t.Fatalf("thread = %+v", th.Thread)
	}
	if !strings.Contains(th.Post.HTML, "<strong>Capitolato pulizie</strong>") || !th.Post.CanEdit {
		t.Fatalf("post = %+v", th.Post)
	}
	id := th.Thread.ID
	p2 := reply(t, bruno, id, "", "Noi abbiamo usato SLA trimestrali.")      // 2: to the thread
	p3 := reply(t, anna, id, p2.ID, "Con quali penali?")                     // 3: to 2
	p4 := reply(t, bruno, id, "", "Altra domanda.")                          // 4: to the thread
	p5 := reply(t, bruno, id, p3.ID, "Il 2% del canone.")                    // 5: to 3
	p6 := reply(t, anna, id, th.Post.ID, "Risposta al messaggio d'apertura") // 6: to the thread
	if p3.ParentID != p2.ID || p3.Depth != 2 || p3.ReplyToN != 2 || p6.ParentID != "" || p6.Depth != 1 {
		t.Fatalf("p3 = %+v, p6 = %+v", p3, p6)
	}
	// Deeper than MaxDepth: shown at MaxDepth with reply_to_n.
	parent := p5.ID
	var deep forum.PostView
	for i := 0; i < 3; i++ {
		deep = reply(t, anna, id, parent, fmt.Sprintf("livello %d", 4+i))
		parent = deep.ID
	}
	if deep.Depth != forum.MaxDepth || deep.ReplyToN != deep.N-1 {
		t.Fatalf("deep = depth %d reply_to %d", deep.Depth, deep.ReplyToN)
	}

	tree := threadPage(t, bruno, "/api/v1/threads/"+id)
	ns, depths := postNumbers(tree.Posts)
	if !reflect.DeepEqual(ns, []int{1, 2, 3, 5, 7, 8, 9, 4, 6}) || !reflect.DeepEqual(depths, []int{0, 1, 2, 3, 4, 4, 4, 1, 1}) {
		t.Fatalf("tree = %v depths %v", ns, depths)
	}
	if tree.View != "tree" || tree.Total != 9 || tree.Category.ID != "atti-affidamento" || tree.Thread.ReplyCount != 8 || tree.PerPage != forum.PostsPerPage {
		t.Fatalf("page = %+v", tree)
	}
	if tree.Posts[0].CanEdit || !tree.Posts[1].CanEdit { // bruno wrote 2, not 1
		t.Fatalf("can_edit wrong: %v %v", tree.Posts[0].CanEdit, tree.Posts[1].CanEdit)
	}
	flat := threadPage(t, bruno, "/api/v1/threads/"+id+"?view=flat&per_page=4&page=2")
	if ns, _ := postNumbers(flat.Posts); !reflect.DeepEqual(ns, []int{5, 6, 7, 8}) || flat.View != "flat" || flat.Total != 9 {
		t.Fatalf("flat page 2 = %v", ns)
	}
	paged := threadPage(t, bruno, "/api/v1/threads/"+id+"?per_page=4&page=3")
	if ns, _ := postNumbers(paged.Posts); !reflect.DeepEqual(ns, []int{6}) {
		t.Fatalf("tree page 3 = %v", ns)
	}

	var link forum.Permalink
	bruno.Expect(200, "GET", "/api/v1/posts/"+p4.ID+"?per_page=4", nil).JSON(t, &link)
	if link.Post.ID != p4.ID || link.Page != 2 { // tree position 8 of 9
		t.Fatalf("permalink = %+v", link)
	}
	bruno.Expect(404, "GET", "/api/v1/posts/"+id+"-99", nil)
	bruno.Expect(404, "GET", "/api/v1/posts/nonsense", nil)
	bruno.Expect(404, "GET", "/api/v1/threads/999999", nil)

	// Unread: bruno has read up to his own last post (5); 9 posts exist.
	var list forum.ThreadList
	bruno.Expect(200, "GET", "/api/v1/categories/atti-affidamento/threads", nil).JSON(t, &list)
	if list.Total != 1 || list.Items[0].UnreadCount != 4 || list.Items[0].LastReadN != 5 || list.Items[0].LastPosterName != "" && list.Items[0].LastPosterName != annaU.Name {
		t.Fatalf("listing = %+v", list.Items)
	}
	var cats []forum.Category
	bruno.Expect(200, "GET", "/api/v1/categories", nil).JSON(t, &cats)
	for _, c := range cats {
		if c.ID == "atti-affidamento" && (c.ThreadCount != 1 || c.PostCount != 9 || c.LastActivityAt == nil) {
			t.Fatalf("category counters = %+v", c)
		}
	}
	bruno.Expect(204, "PUT", "/api/v1/threads/"+id+"/read", map[string]int{"n": 9})
	bruno.Expect(204, "PUT", "/api/v1/threads/"+id+"/read", map[string]int{"n": 3}) // never moves back
	bruno.Expect(400, "PUT", "/api/v1/threads/"+id+"/read", map[string]int{"n": 10})
	list = forum.ThreadList{}
	bruno.Expect(200, "GET", "/api/v1/threads", nil).JSON(t, &list)
	if list.Total != 1 || list.Items[0].UnreadCount != 0 || list.Items[0].LastReadN != 9 || list.Category != nil {
		t.Fatalf("latest = %+v", list)
	}
}

// skewedClock is the wall clock plus an offset a test moves forward.
type skewedClock struct{ offset atomic.Int64 }

func (c *skewedClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *skewedClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

func TestForumEditWindowHistoryAndThreadPatch(t *testing.T) {
	// The window closes when the test says, not after a real 1.5 s that the
	// edits meant to land inside it could outlast on a loaded machine.
	const window = time.Hour
	var clock skewedClock
	env := webtest.Start(t, func(c *config.Config) { c.EditWindow = window }, boot.WithForumClock(clock.Now))
	anna, _ := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	mod, modU := env.NewUser(account.RoleModerator)

	th := newThread(t, anna, "normativa", "Art. 50 d.lgs. 36/2023")
	id, pid := th.Thread.ID, th.Post.ID
	var p forum.PostView
	anna.Expect(200, "PATCH", "/api/v1/posts/"+pid, map[string]string{"body": "Seconda versione"}).JSON(t, &p)
	if p.Body != "Seconda versione" || p.EditCount != 1 || p.EditedAt == nil {
		t.Fatalf("edited = %+v", p)
	}
	if r := bruno.Expect(403, "PATCH", "/api/v1/posts/"+pid, map[string]string{"body": "dirottato"}); r.ErrorCode() != "not_author" {
		t.Fatalf("code = %s", r.ErrorCode())
	}
	anna.Expect(200, "PATCH", "/api/v1/threads/"+id, map[string]any{"title": "Art. 50: affidamenti diretti", "tags": []string{"soglie"}})
	if r := anna.Expect(403, "PATCH", "/api/v1/threads/"+id, map[string]any{"locked": true}); r.ErrorCode() != "moderator_only" {
		t.Fatalf("code = %s", r.ErrorCode())
	}
	bruno.Expect(403, "PATCH", "/api/v1/threads/"+id, map[string]any{"title": "Non mio"})

	clock.Advance(window + time.Minute)
	if r := anna.Expect(403, "PATCH", "/api/v1/posts/"+pid, map[string]string{"body": "troppo tardi"}); r.ErrorCode() != "edit_window_closed" {
		t.Fatalf("code = %s", r.ErrorCode())
	}
	if r := anna.Expect(403, "PATCH", "/api/v1/threads/"+id, map[string]any{"title": "Troppo tardi"}); r.ErrorCode() != "edit_window_closed" {
		t.Fatalf("code = %s", r.ErrorCode())
	}
	tp := threadPage(t, anna, "/api/v1/threads/"+id)
	if tp.Posts[0].CanEdit || tp.Thread.Title != "Art. 50: affidamenti diretti" {
		t.Fatalf("after window: %+v", tp.Thread)
	}
	mod.Expect(200, "PATCH", "/api/v1/posts/"+pid, map[string]string{"body": "Versione del moderatore"})
	newer := newThread(t, bruno, "normativa", "Più recente")
	var tv forum.ThreadView
	mod.Expect(200, "PATCH", "/api/v1/threads/"+id, map[string]any{"locked": true, "pinned": true}).JSON(t, &tv)
	if !tv.Locked || !tv.Pinned {
		t.Fatalf("thread = %+v", tv)
	}
	var list forum.ThreadList
	bruno.Expect(200, "GET", "/api/v1/categories/normativa/threads", nil).JSON(t, &list)
	if len(list.Items) != 2 || list.Items[0].ID != id || list.Items[1].ID != newer.Thread.ID {
		t.Fatalf("pinned thread not first: %+v", list.Items)
	}
	if r := mod.Raw().Expect(400, "PATCH", "/api/v1/threads/"+id, map[string]any{"tags": []string{"x"}}); len(r.Fields()) == 0 {
		t.Fatalf("bad tag accepted: %s", r.Body)
	}

	var hist []forum.Version
	bruno.Expect(200, "GET", "/api/v1/posts/"+pid+"/history", nil).JSON(t, &hist)
	if len(hist) != 2 || hist[0].N != 2 || hist[0].Body != "Seconda versione" || hist[1].N != 1 ||
		!strings.HasPrefix(hist[1].Body, "Apriamo") || hist[0].EditorName == modU.Name {
		t.Fatalf("history = %+v", hist)
	}
}

func TestForumDeleteLeavesPlaceholder(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, _ := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)

	th := newThread(t, anna, "riorganizzazione", "Clausola sociale")
	p2 := reply(t, anna, th.Thread.ID, "", "Da cancellare")
	p3 := reply(t, bruno, th.Thread.ID, p2.ID, "Risposta che resta")
	anna.Expect(200, "PATCH", "/api/v1/posts/"+p2.ID, map[string]string{"body": "Da cancellare, versione 2"})

	if r := bruno.Expect(403, "DELETE", "/api/v1/posts/"+p2.ID, nil); r.ErrorCode() != "not_author" {
		t.Fatalf("code = %s", r.ErrorCode())
	}
	anna.Expect(204, "DELETE", "/api/v1/posts/"+p2.ID, nil)
	anna.Expect(204, "DELETE", "/api/v1/posts/"+p2.ID, nil) // twice is harmless
	mod.Expect(204, "DELETE", "/api/v1/posts/"+p3.ID+"", nil)

	tp := threadPage(t, bruno, "/api/v1/threads/"+th.Thread.ID)
	if len(tp.Posts) != 3 {
		t.Fatalf("posts = %d", len(tp.Posts))
	}
	gone, kept := tp.Posts[1], tp.Posts[2]
	if !gone.Deleted || gone.Body != "" || gone.HTML != "" || gone.CanEdit || gone.AuthorName == "" {
		t.Fatalf("placeholder = %+v", gone)
	}
	if kept.ParentID != p2.ID || kept.Depth != 2 || !kept.Deleted {
		t.Fatalf("reply lost its context: %+v", kept)
	}
	if r := bruno.Expect(409, "GET", "/api/v1/posts/"+p2.ID+"/history", nil); r.ErrorCode() != "post_deleted" {
		t.Fatalf("history of a deleted post to a reader: code = %s", r.ErrorCode())
	}
	if r := anna.Expect(409, "PATCH", "/api/v1/posts/"+p2.ID, map[string]string{"body": "risorto"}); r.ErrorCode() != "post_deleted" {
		t.Fatalf("code = %s", r.ErrorCode())
	}
	bruno.Expect(409, "PUT", "/api/v1/posts/"+p2.ID+"/reactions/utile", nil)
	r := bruno.Expect(400, "POST", "/api/v1/threads/"+th.Thread.ID+"/posts", map[string]string{"body": "a un fantasma", "parent_id": p2.ID})
	if _, ok := r.Fields()["parent_id"]; !ok {
		t.Fatalf("fields = %v", r.Fields())
	}
}

func TestForumReactions(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, annaU := env.NewUser(account.RoleParticipant)
	bruno, brunoU := env.NewUser(account.RoleParticipant)
	th := newThread(t, anna, "governo-contratto", "Penali")
	path := "/api/v1/posts/" + th.Post.ID + "/reactions/"

	var p forum.PostView
	bruno.Expect(200, "PUT", path+"utile", nil)
	bruno.Expect(200, "PUT", path+"utile", nil).JSON(t, &p) // idempotent
	if p.Reactions["utile"].Count != 1 || !reflect.DeepEqual(p.Mine, []string{"utile"}) {
		t.Fatalf("after bruno: %+v %v", p.Reactions, p.Mine)
	}
	anna.Expect(200, "PUT", path+"utile", nil)
	anna.Expect(200, "PUT", path+"anche_per_noi", nil).JSON(t, &p)
	want := []forum.UserRef{{ID: brunoU.ID, Name: brunoU.Name}, {ID: annaU.ID, Name: annaU.Name}}
	if got := p.Reactions["utile"]; got.Count != 2 || !reflect.DeepEqual(got.Users, want) || !reflect.DeepEqual(p.Mine, []string{"utile", "anche_per_noi"}) {
		t.Fatalf("after anna: %+v mine %v", p.Reactions, p.Mine)
	}
	bruno.Expect(200, "DELETE", path+"utile", nil)
	bruno.Expect(200, "DELETE", path+"utile", nil).JSON(t, &p)
	if p.Reactions["utile"].Count != 1 || len(p.Mine) != 0 || p.Reactions["anche_per_noi"].Count != 1 {
		t.Fatalf("after undo: %+v mine %v", p.Reactions, p.Mine)
	}
	if r := bruno.Expect(400, "PUT", path+"bellissimo", nil); r.Fields()["kind"] == "" {
		t.Fatalf("fields = %v", r.Fields())
	}
	bruno.Expect(400, "PUT", path+"utile.x", nil)
}

func TestForumRefusesBadInput(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, _ := env.NewUser(account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	admin, _ := env.Admin()
	th := newThread(t, anna, "modelli-gestione", "In house o appalto?")
	other := newThread(t, anna, "modelli-gestione", "Società mista")
	locked := newThread(t, anna, "modelli-gestione", "Chiusa")
	mod.Expect(200, "PATCH", "/api/v1/threads/"+locked.Thread.ID, map[string]bool{"locked": true})
	arch := newThread(t, anna, "materiali-seminari", "Slide del primo seminario")
	admin.Expect(200, "PATCH", "/api/v1/admin/categories/materiali-seminari", map[string]bool{"archived": true})

	posts := "/api/v1/threads/" + th.Thread.ID + "/posts"
	tests := []struct {
		name, method, path string
		body               any
		status             int
		code, field        string
	}{
		{"empty title", "POST", "/api/v1/threads", map[string]any{"category_id": "bacheca", "title": "   ", "body": "x"}, 400, "validation_failed", "title"},
		{"short title", "POST", "/api/v1/threads", map[string]any{"category_id": "bacheca", "title": "ab", "body": "x"}, 400, "validation_failed", "title"},
		{"oversized title", "POST", "/api/v1/threads", map[string]any{"category_id": "bacheca", "title": strings.Repeat("a", 201), "body": "x"}, 400, "validation_failed", "title"},
		{"empty body", "POST", "/api/v1/threads", map[string]any{"category_id": "bacheca", "title": "Titolo", "body": " \n "}, 400, "validation_failed", "body"},
		{"oversized body", "POST", posts, map[string]any{"body": strings.Repeat("è", 50001)}, 400, "validation_failed", "body"},
		{"too many tags", "POST", "/api/v1/threads", map[string]any{"category_id": "bacheca", "title": "Titolo", "body": "x", "tags": []string{"aa", "bb", "cc", "dd", "ee", "ff"}}, 400, "validation_failed", "tags"},
		{"unknown category", "POST", "/api/v1/threads", map[string]any{"category_id": "nessuna", "title": "Titolo", "body": "x"}, 400, "validation_failed", "category_id"},
		{"unknown category page", "GET", "/api/v1/categories/nessuna/threads", nil, 404, "category_not_found", ""},
		{"forged author", "POST", "/api/v1/threads", map[string]any{"category_id": "bacheca", "title": "Titolo", "body": "x", "author_id": "someone"}, 400, "validation_failed", "author_id"},
		{"forged reply author", "POST", posts, map[string]any{"body": "x", "author_name": "Il Ministro"}, 400, "validation_failed", "author_name"},
		{"operator in category", "POST", "/api/v1/threads", `{"category_id": {"$ne": null}, "title": "Titolo", "body": "x"}`, 400, "validation_failed", "category_id"},
		{"operator in parent", "POST", posts, `{"body": "x", "parent_id": {"$gt": ""}}`, 400, "validation_failed", "parent_id"},
		{"parent in another thread", "POST", posts, map[string]any{"body": "x", "parent_id": other.Post.ID}, 400, "validation_failed", "parent_id"},
		{"unknown parent", "POST", posts, map[string]any{"body": "x", "parent_id": th.Thread.ID + "-77"}, 400, "validation_failed", "parent_id"},
		{"malformed parent", "POST", posts, map[string]any{"body": "x", "parent_id": "$where"}, 400, "validation_failed", "parent_id"},
		{"locked thread", "POST", "/api/v1/threads/" + locked.Thread.ID + "/posts", map[string]any{"body": "x"}, 403, "thread_locked", ""},
		{"archived category thread", "POST", "/api/v1/threads", map[string]any{"category_id": "materiali-seminari", "title": "Titolo", "body": "x"}, 403, "category_archived", ""},
		{"archived category reply", "POST", "/api/v1/threads/" + arch.Thread.ID + "/posts", map[string]any{"body": "x"}, 403, "category_archived", ""},
		{"someone else's attachment", "POST", posts, map[string]any{"body": "x", "attachment_ids": []string{"abc"}}, 400, "validation_failed", "attachment_ids"},
		{"unknown thread", "POST", "/api/v1/threads/424242/posts", map[string]any{"body": "x"}, 404, "thread_not_found", ""},
		{"participant creates category", "POST", "/api/v1/admin/categories", map[string]any{"name_it": "Mia"}, 403, "forbidden", ""},
		{"participant pins", "PATCH", "/api/v1/threads/" + th.Thread.ID, map[string]any{"pinned": true}, 403, "moderator_only", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cl := anna
			if tc.status == 400 {
				cl = anna.Raw() // bodies the contract refuses
			}
			r := cl.Expect(tc.status, tc.method, tc.path, tc.body)
			if r.ErrorCode() != tc.code {
				t.Fatalf("code = %q, want %q (%s)", r.ErrorCode(), tc.code, r.Body)
			}
			if tc.field != "" && r.Fields()[tc.field] == "" {
				t.Fatalf("no message for field %s: %s", tc.field, r.Body)
			}
		})
	}
	// Moderators may still answer in a locked thread; an archived category stays readable.
	reply(t, mod, locked.Thread.ID, "", "Chiudo con un riepilogo.")
	threadPage(t, anna, "/api/v1/threads/"+arch.Thread.ID)
	// Nothing half-written: the refused requests left no thread behind.
	var list forum.ThreadList
	anna.Expect(200, "GET", "/api/v1/threads?per_page=100", nil).JSON(t, &list)
	if list.Total != 4 {
		t.Fatalf("threads = %d, want 4", list.Total)
	}
	if tp := threadPage(t, anna, "/api/v1/threads/"+th.Thread.ID); tp.Total != 1 {
		t.Fatalf("posts in thread = %d, want 1", tp.Total)
	}
}

func TestForumCategoryAdmin(t *testing.T) {
	env := webtest.Start(t, nil)
	admin, _ := env.Admin()
	anna, _ := env.NewUser(account.RoleParticipant)

	var cats []forum.Category
	anna.Expect(200, "GET", "/api/v1/categories", nil).JSON(t, &cats)
	if len(cats) != 14 || cats[0].ID != "bacheca" || cats[0].Name != "Bacheca del Cantiere" {
		t.Fatalf("defaults = %d, first %+v", len(cats), cats[0])
	}
	anna.Expect(200, "PATCH", "/api/v1/me", map[string]string{"lang": "en"})
	anna.Expect(200, "GET", "/api/v1/categories", nil).JSON(t, &cats)
	if cats[0].Name != "Cantiere notice board" || cats[0].NameIT != "Bacheca del Cantiere" {
		t.Fatalf("english = %+v", cats[0])
	}

	var c forum.Category
	admin.Expect(201, "POST", "/api/v1/admin/categories", map[string]string{"name_it": "Qualità dei servizi", "name_en": "Service quality"}).JSON(t, &c)
	if c.ID != "qualita-dei-servizi" || c.Position != 15 {
		t.Fatalf("created = %+v", c)
	}
	var c2 forum.Category
	admin.Expect(201, "POST", "/api/v1/admin/categories", map[string]string{"name_it": "Qualità dei servizi"}).JSON(t, &c2)
	if c2.ID != "qualita-dei-servizi-2" {
		t.Fatalf("second id = %s", c2.ID)
	}
	admin.Expect(200, "PATCH", "/api/v1/admin/categories/"+c.ID, map[string]any{"name_it": "Qualità", "archived": true}).JSON(t, &c)
	if c.NameIT != "Qualità" || !c.Archived {
		t.Fatalf("patched = %+v", c)
	}
	admin.Expect(404, "PATCH", "/api/v1/admin/categories/nessuna", map[string]any{"archived": true})
	admin.Raw().Expect(400, "PATCH", "/api/v1/admin/categories/"+c.ID, map[string]any{"name_it": "x"})
	admin.Expect(200, "GET", "/api/v1/categories", nil).JSON(t, &cats)
	if last := cats[len(cats)-1]; last.ID != c.ID || !last.Archived {
		t.Fatalf("archived not last: %+v", last)
	}

	ids := []string{}
	for i := len(cats) - 1; i >= 0; i-- {
		ids = append(ids, cats[i].ID)
	}
	r := admin.Expect(400, "PUT", "/api/v1/admin/categories/order", map[string]any{"ids": ids[1:]})
	if r.Fields()["ids"] == "" {
		t.Fatalf("fields = %v", r.Fields())
	}
	admin.Expect(400, "PUT", "/api/v1/admin/categories/order", map[string]any{"ids": append(ids, ids[0])})
	admin.Expect(200, "PUT", "/api/v1/admin/categories/order", map[string]any{"ids": ids}).JSON(t, &cats)
	if cats[0].ID != c2.ID || cats[0].Position != 2 || cats[len(cats)-1].ID != c.ID {
		t.Fatalf("reordered = %s@%d ... %s", cats[0].ID, cats[0].Position, cats[len(cats)-1].ID)
	}
	anna.Expect(403, "PUT", "/api/v1/admin/categories/order", map[string]any{"ids": ids})
	anna.Expect(403, "PATCH", "/api/v1/admin/categories/bacheca", map[string]any{"archived": true})
}

func TestForumFollowsAndDrafts(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, _ := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	th := newThread(t, anna, "reversibilita", "Piano di subentro")
	id := th.Thread.ID

	following := func(c *webtest.Client) bool {
		return threadPage(t, c, "/api/v1/threads/"+id).Thread.Following
	}
	if !following(anna) || following(bruno) {
		t.Fatal("authors follow their own threads, others do not")
	}
	bruno.Expect(204, "PUT", "/api/v1/follows/threads/"+id, nil)
	bruno.Expect(204, "PUT", "/api/v1/follows/threads/"+id, nil)
	if !following(bruno) {
		t.Fatal("follow did not stick")
	}
	bruno.Expect(204, "DELETE", "/api/v1/follows/threads/"+id, nil)
	if following(bruno) {
		t.Fatal("unfollow did not stick")
	}
	bruno.Expect(404, "PUT", "/api/v1/follows/threads/31337", nil)
	bruno.Expect(204, "PUT", "/api/v1/follows/categories/normativa", nil)
	followsCategory := func(c *webtest.Client, id string) bool {
		t.Helper()
		var cats []forum.Category
		c.Expect(200, "GET", "/api/v1/categories", nil).JSON(t, &cats)
		for _, cat := range cats {
			if cat.ID == id {
				return cat.Following
			}
		}
		t.Fatalf("no category %s", id)
		return false
	}
	if !followsCategory(bruno, "normativa") || followsCategory(anna, "normativa") || followsCategory(bruno, "bacheca") {
		t.Fatal("categories: following is not the reader's")
	}
	var catPage struct {
		Category forum.Category `json:"category"`
	}
	bruno.Expect(200, "GET", "/api/v1/categories/normativa/threads", nil).JSON(t, &catPage)
	if !catPage.Category.Following {
		t.Fatal("category page: following not set")
	}
	bruno.Expect(204, "DELETE", "/api/v1/follows/categories/normativa", nil)
	if followsCategory(bruno, "normativa") {
		t.Fatal("categories: unfollow not shown")
	}
	bruno.Expect(404, "PUT", "/api/v1/follows/categories/nessuna", nil)

	key := "/api/v1/drafts/reply:" + id
	// No draft: an empty one, not a 404 (the client asks whenever a composer opens).
	noDraft := func(c *webtest.Client) {
		t.Helper()
		var raw map[string]any
		c.Expect(200, "GET", key, nil).JSON(t, &raw)
		if raw["key"] != "reply:"+id || raw["body"] != "" || raw["updated_at"] != nil || len(raw) != 3 {
			t.Fatalf("no draft = %v", raw)
		}
	}
	noDraft(bruno)
	bruno.Expect(200, "PUT", key, map[string]string{"body": "Sto scriv"})
	var d forum.Draft
	bruno.Expect(200, "PUT", key, map[string]string{"body": "Sto scrivendo"}).JSON(t, &d)
	if d.Key != "reply:"+id || d.Body != "Sto scrivendo" || d.UpdatedAt == nil || d.UpdatedAt.IsZero() {
		t.Fatalf("saved = %+v", d)
	}
	// A second window (another session of the same user) sees it; others do not.
	again := env.Client()
	again.LoginAs(&account.User{ID: mustUser(t, bruno).ID})
	again.Expect(200, "GET", "/api/v1/drafts/reply%3A"+id, nil).JSON(t, &d)
	if d.Body != "Sto scrivendo" {
		t.Fatalf("loaded = %+v", d)
	}
	noDraft(anna)
	bruno.Expect(400, "PUT", "/api/v1/drafts/whatever", map[string]string{"body": "x"})
	bruno.Raw().Expect(400, "PUT", key, map[string]string{"body": strings.Repeat("a", 50001)})
	bruno.Expect(204, "DELETE", key, nil)
	noDraft(bruno)
	bruno.Expect(200, "PUT", "/api/v1/drafts/thread:new:bacheca", map[string]string{"body": ""})
	bruno.Expect(200, "PUT", "/api/v1/drafts/edit:"+th.Post.ID, map[string]string{"body": "x"})
}

// mustUser is the user behind a client, through /me.
func mustUser(t *testing.T, c *webtest.Client) *account.UserView {
	t.Helper()
	var u account.UserView
	c.Expect(200, "GET", "/api/v1/me", nil).JSON(t, &u)
	return &u
}

func TestForumMentionsNotificationsAndAttachments(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, annaU := env.NewUser(account.RoleParticipant)
	bruno, brunoU := env.NewUser(account.RoleParticipant)
	ctx := testenv.Ctx(t)

	pdf, err := env.Board.Attachments.Save(ctx, annaU.ID, "nota.pdf", strings.NewReader("%PDF-1.4\n% demo\n"))
	if err != nil {
		t.Fatal(err)
	}
	var out created
	anna.Expect(201, "POST", "/api/v1/threads", map[string]any{"category_id": "presentazioni", "title": "Ciao a tutti",
		"body": "Benvenuto @" + brunoU.Handle + ", ecco la nota.", "attachment_ids": []string{pdf.ID}}).JSON(t, &out)
	if len(out.Post.Attachments) != 1 || out.Post.Attachments[0].ID != pdf.ID || out.Post.Attachments[0].Name == "" {
		t.Fatalf("attachments = %+v", out.Post.Attachments)
	}
	if !strings.Contains(out.Post.HTML, `href="/users/`+brunoU.Handle+`"`) {
		t.Fatalf("mention not linked: %s", out.Post.HTML)
	}
	r := bruno.Expect(400, "POST", "/api/v1/threads/"+out.Thread.ID+"/posts", map[string]any{"body": "La prendo io", "attachment_ids": []string{pdf.ID}})
	if r.Fields()["attachment_ids"] == "" {
		t.Fatalf("fields = %v", r.Fields())
	}
	reply(t, bruno, out.Thread.ID, "", "Grazie!")

	kinds := func(userID string) []string {
		if err := env.Board.Forum.Flush(ctx); err != nil { // notifications go out in the background
			t.Fatal(err)
		}
		page, err := env.Board.Notify.List(ctx, userID, 1)
		if err != nil {
			t.Fatal(err)
		}
		var ks []string
		for _, n := range page.Items {
			ks = append(ks, n.Kind+":"+n.ThreadID)
		}
		return ks
	}
	if got := kinds(brunoU.ID); !reflect.DeepEqual(got, []string{"mention:" + out.Thread.ID}) {
		t.Fatalf("bruno's notifications = %v", got)
	}
	if got := kinds(annaU.ID); !reflect.DeepEqual(got, []string{"reply:" + out.Thread.ID}) {
		t.Fatalf("anna's notifications = %v", got)
	}
}
