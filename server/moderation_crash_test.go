package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/demo"
)

// A kill -9 in the middle of a burst of reports: after a restart on the
// same data, every post whose last needed report was acknowledged is
// hidden (readers get the placeholder), in the moderators' hidden tab,
// and its author was told exactly once.
func TestKillMidReportBurstStillHides(t *testing.T) {
	b := newBoard(t)
	b.env = append(b.env, "TAVOLO_REPORT_HIDE_THRESHOLD=2")
	b.start()
	author := login(t, b.base, "luca.esposito@example.org", demo.Password)
	reporters := []*client{login(t, b.base, "marco.rossi@example.org", demo.Password),
		login(t, b.base, "francesca.romano@example.org", demo.Password)}
	const posts, ackedBeforeKill = 80, 12
	thread, ids := threadWithReplies(t, author, "Da segnalare", "Risposta %d", posts)
	// The posts whose reports were all acknowledged.
	acked := burst(t, b, "posts fully reported", posts, ackedBeforeKill, func(i int) (string, bool, bool) {
		for _, r := range reporters {
			status, _, err := r.do("POST", "/api/v1/moderation/reports", map[string]any{"kind": "post", "id": ids[i], "reason": "spam"})
			if err != nil || status != http.StatusCreated {
				return "", false, false
			}
		}
		return ids[i], true, true
	})

	b.start() // the pending syncs are redone before the first request
	reader := login(t, b.base, "giulia.bianchi@example.org", demo.Password)
	mod := login(t, b.base, "elena.marchetti@example.org", demo.Password)
	author = login(t, b.base, "luca.esposito@example.org", demo.Password)
	var problems []string
	hidden := map[string]bool{}
	for page := 1; page <= 2; page++ {
		var tp struct {
			Posts []struct {
				ID     string `json:"id"`
				Body   string `json:"body"`
				Hidden bool   `json:"hidden"`
			} `json:"posts"`
		}
		if err := reader.get(fmt.Sprintf("/api/v1/threads/%s?per_page=100&page=%d", thread, page), &tp); err != nil {
			t.Fatal(err)
		}
		for _, p := range tp.Posts {
			if p.Hidden {
				hidden[p.ID] = true
				if p.Body != "" {
					problems = append(problems, "hidden post "+p.ID+" shows its body to a reader")
				}
			}
		}
	}
	var q struct {
		Items []struct {
			ItemID string `json:"item_id"`
		} `json:"items"`
	}
	if err := mod.get("/api/v1/moderation/queue?state=hidden&limit=100", &q); err != nil {
		t.Fatal(err)
	}
	queued := map[string]bool{}
	for _, it := range q.Items {
		queued[it.ItemID] = true
	}
	for id := range acked {
		if !hidden[id] || !queued[id] {
			problems = append(problems, fmt.Sprintf("post %s reported twice: hidden %v, in the hidden tab %v", id, hidden[id], queued[id]))
		}
	}
	for id := range hidden {
		if !queued[id] {
			problems = append(problems, "hidden post "+id+" not in the hidden tab")
		}
	}
	told := map[string]string{}
	for id := range acked {
		told["post:"+id] = ""
	}
	problems = append(problems, notifiedOnce(author, told, "moderation_hidden")...)
	t.Logf("%d posts fully reported before the kill, %d hidden after the restart", len(acked), len(hidden))
	if len(problems) > 0 {
		t.Errorf("after a kill -9 and a restart:\n%s\nboard log:\n%s", strings.Join(problems, "\n"), b.logTail())
	}
}

// A kill -9 right after a bulk action is answered, while its records are
// still being written in the background: after a restart on the same data
// every record of the action holds the decision (the outbox redoes the
// writes), each post is hidden for readers and in the hidden tab, and the
// audit log has one entry per record.
func TestKillAfterBulkActionStillApplies(t *testing.T) {
	b := newBoard(t)
	b.start()
	author := login(t, b.base, "luca.esposito@example.org", demo.Password)
	reporter := login(t, b.base, "marco.rossi@example.org", demo.Password)
	mod := login(t, b.base, "elena.marchetti@example.org", demo.Password)
	const posts = 40
	thread, ids := threadWithReplies(t, author, "Da nascondere in blocco", "Pubblicità %d", posts)
	var rids []string
	for _, id := range ids {
		if status, body, err := reporter.do("POST", "/api/v1/moderation/reports", map[string]any{"kind": "post", "id": id, "reason": "spam"}); err != nil || status != http.StatusCreated {
			t.Fatalf("report: %d %s %v", status, body, err)
		}
		rids = append(rids, "post:"+id)
	}
	status, body, err := mod.do("POST", "/api/v1/moderation/actions", map[string]any{"action": "hide", "ids": rids, "reason": "Spam in blocco."})
	if err != nil || status != http.StatusOK {
		t.Fatalf("bulk hide: %d %s %v", status, body, err)
	}
	b.kill() // the answer is in; the records' writes and sync may not be
	b.start()
	reader := login(t, b.base, "giulia.bianchi@example.org", demo.Password)
	mod = login(t, b.base, "elena.marchetti@example.org", demo.Password)
	var problems []string
	var tp struct {
		Posts []struct {
			ID     string `json:"id"`
			Body   string `json:"body"`
			Hidden bool   `json:"hidden"`
		} `json:"posts"`
	}
	if err := reader.get("/api/v1/threads/"+thread+"?per_page=100", &tp); err != nil {
		t.Fatal(err)
	}
	hidden := 0
	for _, p := range tp.Posts {
		if p.Hidden && p.Body == "" {
			hidden++
		}
	}
	if hidden != posts {
		problems = append(problems, fmt.Sprintf("posts hidden for a reader: %d, want %d", hidden, posts))
	}
	var q struct {
		Total int `json:"total"`
	}
	if err := mod.get("/api/v1/moderation/queue?state=hidden&limit=100", &q); err != nil {
		t.Fatal(err)
	}
	if q.Total != posts {
		problems = append(problems, fmt.Sprintf("hidden tab: %d, want %d", q.Total, posts))
	}
	var log struct {
		Items []struct {
			Target struct {
				ID string `json:"id"`
			} `json:"target"`
		} `json:"items"`
	}
	if err := mod.get("/api/v1/admin/audit?action=moderation.hide&limit=100", &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Items) != posts {
		problems = append(problems, fmt.Sprintf("audit entries: %d, want %d", len(log.Items), posts))
	}
	if len(problems) > 0 {
		t.Errorf("after a kill -9 and a restart:\n%s\nboard log:\n%s", strings.Join(problems, "\n"), b.logTail())
	}
}

// threadWithReplies opens a thread in bacheca as author with n replies
// (bodies from format and their index) and returns its id and theirs.
func threadWithReplies(t *testing.T, author *client, title, format string, n int) (string, []string) {
	t.Helper()
	threadID := openThread(t, author, title)
	ids := make([]string, n)
	for i := range ids {
		status, body, err := author.do("POST", "/api/v1/threads/"+threadID+"/posts", map[string]any{"body": fmt.Sprintf(format, i)})
		var p struct {
			ID string `json:"id"`
		}
		if err != nil || status != http.StatusCreated || json.Unmarshal(body, &p) != nil {
			t.Fatalf("reply: %d %s %v", status, body, err)
		}
		ids[i] = p.ID
	}
	return threadID, ids
}

// openThread opens a thread in bacheca as author and returns its id.
func openThread(t *testing.T, author *client, title string) string {
	t.Helper()
	status, body, err := author.do("POST", "/api/v1/threads", map[string]any{"category_id": "bacheca", "title": title, "body": "Apertura."})
	var created struct {
		Thread struct {
			ID string `json:"id"`
		} `json:"thread"`
	}
	if err != nil || status != http.StatusCreated || json.Unmarshal(body, &created) != nil {
		t.Fatalf("create thread: %d %s %v", status, body, err)
	}
	return created.Thread.ID
}
