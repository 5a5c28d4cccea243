package web_test

import (
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// A deleted post is a placeholder to its readers (its author included) and
// on the live stream; moderators and admins still read what it said, who
// deleted it and its edit history; search forgets it.
func TestForumDeleteKeepsATombstone(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, _ := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	mod, modU := env.NewUser(account.RoleModerator)
	admin, _ := env.Admin()
	anon := env.Client()

	th := newThread(t, anna, "riorganizzazione", "Tombstone")
	file := uploadPDF(t, anna, "prova.pdf")
	var p forum.PostView
	anna.Expect(201, "POST", "/api/v1/threads/"+th.Thread.ID+"/posts",
		map[string]any{"body": "Prima versione zafferano", "attachment_ids": []string{file}}).JSON(t, &p)
	anna.Expect(200, "PATCH", "/api/v1/posts/"+p.ID, map[string]string{"body": "Seconda versione zafferano"})

	if err := env.Board.SearchQueue.Flush(testenv.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	var found searchAnswer
	bruno.Expect(200, "GET", "/api/v1/search?q=zafferano", nil).JSON(t, &found)
	if found.Total != 1 {
		t.Fatalf("search before the delete: got %+v, want the post (the check after would prove nothing)", found.Items)
	}

	page := threadPage(t, bruno, "/api/v1/threads/"+th.Thread.ID)
	ws := dialAs(t, env, bruno)
	if _, m := ws.Subscribe("thread:"+th.Thread.ID, page.Seq); m.Type != "subscribed" {
		t.Fatalf("subscribe: %+v", m)
	}
	mod.Expect(204, "DELETE", "/api/v1/posts/"+p.ID, map[string]string{"reason": "Fuori tema"})

	var live forum.Post
	event(t, ws, "thread:"+th.Thread.ID, "post.deleted", &live)
	if !live.Deleted || live.Body != "" || live.HTML != "" || len(live.Attachments) != 0 || live.DeleteReason != "Fuori tema" {
		t.Errorf("live event to readers: got %+v, want a placeholder with the reason", live)
	}

	// Readers, the author among them, see the placeholder; the cached page
	// they share never carries the text.
	for name, c := range map[string]*webtest.Client{"author": anna, "reader": bruno, "moderator": mod} {
		tp := threadPage(t, c, "/api/v1/threads/"+th.Thread.ID)
		got := tp.Posts[1]
		if !got.Deleted || got.Body != "" || got.HTML != "" || len(got.Attachments) != 0 || got.DeleteReason != "Fuori tema" {
			t.Errorf("%s's thread page: got %+v, want the placeholder", name, got.Post)
		}
		if r := c.Expect(200, "GET", "/api/v1/threads/"+th.Thread.ID, nil); strings.Contains(string(r.Body), "zafferano") {
			t.Errorf("%s's thread page carries the deleted text", name)
		}
	}

	tests := []struct {
		name                   string
		c                      *webtest.Client
		deleted, history, file int
	}{
		{"author", anna, 403, 409, 404},
		{"reader", bruno, 403, 409, 404},
		{"anonymous", anon, 401, 401, 401},
		{"moderator", mod, 200, 200, 200},
		{"admin", admin, 200, 200, 200},
	}
	for _, tt := range tests {
		r := tt.c.Do("GET", "/api/v1/posts/"+p.ID+"/deleted", nil)
		if r.Status != tt.deleted {
			t.Errorf("%s: GET deleted: got %d, want %d", tt.name, r.Status, tt.deleted)
		}
		if tt.deleted == 200 {
			var d forum.DeletedPost
			r.JSON(t, &d)
			if d.Body != "Seconda versione zafferano" || !strings.Contains(d.HTML, "zafferano") || d.AuthorID != th.Thread.AuthorID ||
				d.DeletedByID != modU.ID || d.DeletedByName != modU.Name || d.DeletedAt == nil || d.DeleteReason != "Fuori tema" ||
				len(d.Attachments) != 1 || d.Attachments[0].ID != file {
				t.Errorf("%s: deleted content: got %+v", tt.name, d)
			}
		}
		r = tt.c.Do("GET", "/api/v1/posts/"+p.ID+"/history", nil)
		if r.Status != tt.history {
			t.Errorf("%s: GET history: got %d, want %d", tt.name, r.Status, tt.history)
		}
		if tt.history == 200 {
			var hist []forum.Version
			r.JSON(t, &hist)
			if len(hist) != 1 || hist[0].Body != "Prima versione zafferano" {
				t.Errorf("%s: history: got %+v, want the first version", tt.name, hist)
			}
		}
		if r := tt.c.Do("GET", attachment.URLPrefix+file, nil); r.Status != tt.file {
			t.Errorf("%s: GET attachment: got %d, want %d", tt.name, r.Status, tt.file)
		}
	}
	if r := mod.Expect(404, "GET", "/api/v1/posts/"+th.Post.ID+"/deleted", nil); r.ErrorCode() != "post_not_deleted" {
		t.Errorf("deleted content of a live post: code = %s, want post_not_deleted", r.ErrorCode())
	}

	if err := env.Board.SearchQueue.Flush(testenv.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*webtest.Client{"reader": bruno, "moderator": mod} {
		var a searchAnswer
		c.Expect(200, "GET", "/api/v1/search?q=zafferano", nil).JSON(t, &a)
		if a.Total != 0 {
			t.Errorf("%s: search for the deleted text: got %+v, want nothing", name, a.Items)
		}
	}
}
