package web_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// Concurrent edits of one post never lose a version: every accepted edit
// leaves the text it replaced in the history (a refused one says 409).
func TestForumConcurrentEditsKeepEveryVersion(t *testing.T) {
	env := webtest.Start(t, nil)
	c, _ := env.NewUser(account.RoleParticipant)
	th := newThread(t, c, "bacheca", "Modifiche simultanee")
	p := reply(t, c, th.Thread.ID, "", "versione iniziale")

	const n = 8
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = c.Do("PATCH", "/api/v1/posts/"+p.ID, map[string]any{"body": fmt.Sprintf("versione %d", i)}).Status
		}()
	}
	wg.Wait()
	accepted := 0
	for i, st := range statuses {
		switch st {
		case 200:
			accepted++
		case 409:
		default:
			t.Fatalf("edit %d: status %d", i, st)
		}
	}
	var got struct {
		Post forum.PostView `json:"post"`
	}
	c.Expect(200, "GET", "/api/v1/posts/"+p.ID, nil).JSON(t, &got)
	var hist []forum.Version
	c.Expect(200, "GET", "/api/v1/posts/"+p.ID+"/history", nil).JSON(t, &hist)
	if accepted == 0 || got.Post.EditCount != accepted || len(hist) != accepted {
		t.Fatalf("%d edits accepted, edit_count %d, %d versions in the history: %+v", accepted, got.Post.EditCount, len(hist), hist)
	}
	seen := map[string]bool{got.Post.Body: true}
	for _, v := range hist {
		if seen[v.Body] {
			t.Fatalf("version %q twice: %+v", v.Body, hist)
		}
		seen[v.Body] = true
	}
	if !seen["versione iniziale"] {
		t.Fatalf("the original text is lost: %+v", hist)
	}
}
