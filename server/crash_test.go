package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/demo"
)

// TestMain lets a test run this very binary as the board (boardEnv set),
// so that it can be killed with SIGKILL like a real process.
func TestMain(m *testing.M) {
	if os.Getenv(boardEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

const boardEnv = "TAVOLO_TEST_RUN_BOARD"

// board is the board running in a child process on a data directory.
type board struct {
	t    *testing.T
	base string
	env  []string
	log  string
	cmd  *exec.Cmd
}

func newBoard(t *testing.T) *board {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	return &board{t: t, base: "http://" + addr, log: dir + "/board.log", env: append(os.Environ(), boardEnv+"=1",
		"TAVOLO_ADDR="+addr, "TAVOLO_PUBLIC_URL=http://"+addr, "TAVOLO_DATA_DIR="+dir+"/data", "TAVOLO_DEMO=1",
		"TAVOLO_ADMIN_EMAIL=admin@tavolo.test", "TAVOLO_ADMIN_PASSWORD="+demo.Password)}
}

func (b *board) start() {
	b.t.Helper()
	out, err := os.OpenFile(b.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		b.t.Fatal(err)
	}
	defer out.Close()
	b.cmd = exec.Command(os.Args[0], "-test.run=^$")
	b.cmd.Env, b.cmd.Stdout, b.cmd.Stderr = b.env, out, out
	if err := b.cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() { b.kill() })
	// A child built with -race seeds the demo accounts (a password hash
	// each) slowly on a busy machine.
	waitReadyWithin(b.t, b.base, 90*time.Second)
}

func (b *board) kill() {
	if b.cmd != nil && b.cmd.ProcessState == nil {
		_ = b.cmd.Process.Signal(syscall.SIGKILL)
		_ = b.cmd.Wait()
	}
}

func (b *board) logTail() string {
	data, _ := os.ReadFile(b.log)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}

// get decodes a GET answered 200 into v.
func (c *client) get(path string, v any) error {
	status, body, err := c.do("GET", path, nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", path, status, body)
	}
	return json.Unmarshal(body, v)
}

// word is a search term made for reply i alone (same length for every i,
// so that the last word's prefix match finds no other).
func word(i int) string {
	w := []byte("zq")
	for k := 0; k < 4; k++ {
		w = append(w, byte('a'+i%26))
		i /= 26
	}
	return string(w)
}

// A kill -9 in the middle of a burst of replies: after a restart on the
// same data, within a bounded time, every acknowledged reply is found by
// search, every notification it causes exists exactly once, and the
// thread's counters, its listing entry and its category's totals match the
// posts stored.
func TestKillMidBurstRedoesPendingWork(t *testing.T) {
	b := newBoard(t)
	b.start()
	admin := login(t, b.base, "admin@tavolo.test", demo.Password)
	author := login(t, b.base, "elena.marchetti@example.org", demo.Password)  // the thread's author, mentioned in every reply
	follower := login(t, b.base, "giulia.bianchi@example.org", demo.Password) // follows the thread
	var me struct {
		ID     string `json:"id"`
		Handle string `json:"handle"`
	}
	if err := author.get("/api/v1/me", &me); err != nil {
		t.Fatal(err)
	}
	status, body, err := author.do("POST", "/api/v1/threads", map[string]any{"category_id": "bacheca", "title": "Prova di resistenza", "body": "Apertura."})
	if err != nil || status != http.StatusCreated {
		t.Fatalf("create thread: %d %s %v", status, body, err)
	}
	var created struct {
		Thread struct {
			ID string `json:"id"`
		} `json:"thread"`
	}
	if err := json.Unmarshal(body, &created); err != nil || created.Thread.ID == "" {
		t.Fatalf("create thread: %s %v", body, err)
	}
	thread := created.Thread.ID
	if status, body, err := follower.do("PUT", "/api/v1/follows/threads/"+thread, nil); err != nil || status >= 300 {
		t.Fatalf("follow: %d %s %v", status, body, err)
	}

	// Writers reply until the board dies; it is killed once a few replies
	// are acknowledged, so others are in flight and background work queued.
	// acked: post id -> its search word.
	const ackedBeforeKill = 24
	acked := burst(t, b, "replies", 400, ackedBeforeKill, func(i int) (string, string, bool) {
		status, body, err := admin.do("POST", "/api/v1/threads/"+thread+"/posts",
			map[string]any{"body": fmt.Sprintf("Risposta %s per @%s.", word(i), me.Handle)})
		if err != nil || status != http.StatusCreated {
			return "", "", false
		}
		var p struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(body, &p); err != nil || p.ID == "" {
			t.Errorf("acknowledged reply without an id: %s", body)
			return "", "", false
		}
		return p.ID, word(i), true
	})

	b.start()
	admin = login(t, b.base, "admin@tavolo.test", demo.Password)
	author = login(t, b.base, "elena.marchetti@example.org", demo.Password)
	follower = login(t, b.base, "giulia.bianchi@example.org", demo.Password)
	var problems []string
	deadline := time.Now().Add(30 * time.Second)
	for {
		problems = nil
		problems = append(problems, unsearchable(admin, acked)...)
		problems = append(problems, notifiedOnce(author, acked, "reply", "mention")...)
		problems = append(problems, notifiedOnce(follower, acked, "followed_thread")...)
		problems = append(problems, miscounted(admin, thread, "bacheca")...)
		if len(problems) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("%d replies acknowledged before the kill", len(acked))
	if len(problems) > 0 {
		t.Errorf("%d acknowledged replies, after a kill -9 and a restart, 30 s later:\n%s", len(acked), strings.Join(problems, "\n"))
		t.Logf("board log:\n%s", b.logTail())
	}
}

// unsearchable lists the acknowledged replies search does not find.
func unsearchable(c *client, acked map[string]string) []string {
	var out []string
	for id, w := range acked {
		var r struct {
			Items []struct {
				PostID string `json:"post_id"`
			} `json:"items"`
		}
		if err := c.get("/api/v1/search?q="+w, &r); err != nil {
			out = append(out, fmt.Sprintf("search %s: %v", w, err))
			continue
		}
		if len(r.Items) != 1 || r.Items[0].PostID != id {
			out = append(out, fmt.Sprintf("search %q: got %v, want only %s", w, r.Items, id))
		}
	}
	return out
}

// notifiedOnce lists the acknowledged replies the user was not told about
// exactly once per kind, and any notification given twice.
func notifiedOnce(c *client, acked map[string]string, kinds ...string) []string {
	type key struct{ post, kind string }
	seen := map[key]int{}
	for page := 1; ; page++ {
		var p struct {
			Items []struct {
				Kind   string `json:"kind"`
				PostID string `json:"post_id"`
			} `json:"items"`
			Total int `json:"total"`
		}
		if err := c.get(fmt.Sprintf("/api/v1/notifications?page=%d", page), &p); err != nil {
			return []string{err.Error()}
		}
		for _, it := range p.Items {
			seen[key{it.PostID, it.Kind}]++
		}
		if page*20 >= p.Total {
			break
		}
	}
	var out []string
	for k, n := range seen {
		if n > 1 {
			out = append(out, fmt.Sprintf("notification %s of %s: %d times, want once", k.kind, k.post, n))
		}
	}
	for id := range acked {
		for _, kind := range kinds {
			if seen[key{id, kind}] == 0 {
				out = append(out, fmt.Sprintf("notification %s of %s: missing", kind, id))
			}
		}
	}
	return out
}

// miscounted compares the thread's counters, its listing entry and the
// category's totals with the posts stored.
func miscounted(c *client, thread, category string) []string {
	var page struct {
		Thread struct {
			PostCount  int `json:"post_count"`
			ReplyCount int `json:"reply_count"`
		} `json:"thread"`
		Posts []struct {
			N int `json:"n"`
		} `json:"posts"`
		Total int `json:"total"`
	}
	if err := c.get("/api/v1/threads/"+thread+"?view=flat&per_page=100&page=1", &page); err != nil {
		return []string{err.Error()}
	}
	stored, highest := page.Total, 0
	for p := 1; ; p++ {
		for _, q := range page.Posts {
			highest = max(highest, q.N)
		}
		if p*100 >= page.Total {
			break
		}
		if err := c.get(fmt.Sprintf("/api/v1/threads/%s?view=flat&per_page=100&page=%d", thread, p+1), &page); err != nil {
			return []string{err.Error()}
		}
	}
	var out []string
	if page.Thread.ReplyCount != stored-1 || page.Thread.PostCount != highest {
		out = append(out, fmt.Sprintf("thread: reply_count %d, post_count %d; want %d and %d (posts stored)",
			page.Thread.ReplyCount, page.Thread.PostCount, stored-1, highest))
	}
	var list struct {
		Category struct {
			ThreadCount int `json:"thread_count"`
			PostCount   int `json:"post_count"`
		} `json:"category"`
		Items []struct {
			ID         string `json:"id"`
			PostCount  int    `json:"post_count"`
			ReplyCount int    `json:"reply_count"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := c.get("/api/v1/categories/"+url.PathEscape(category)+"/threads?per_page=100", &list); err != nil {
		return append(out, err.Error())
	}
	posts := 0
	for _, it := range list.Items {
		posts += it.ReplyCount + 1
		if it.ID == thread && (it.ReplyCount != stored-1 || it.PostCount != highest) {
			out = append(out, fmt.Sprintf("listing: reply_count %d, post_count %d; want %d and %d (posts stored)",
				it.ReplyCount, it.PostCount, stored-1, highest))
		}
	}
	if list.Category.ThreadCount != list.Total || list.Category.PostCount != posts {
		out = append(out, fmt.Sprintf("category: %d threads, %d posts; want %d and %d (its listing)",
			list.Category.ThreadCount, list.Category.PostCount, list.Total, posts))
	}
	return out
}
