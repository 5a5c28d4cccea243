package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/cantieri/tavolo/server/internal/demo"
)

// A kill -9 in the middle of a burst of moderator actions: after a restart
// on the same data, every acknowledged action is in the audit log exactly
// once, and every entry's action was stored (its thread is locked).
func TestKillMidBurstKeepsAuditEntries(t *testing.T) {
	b := newBoard(t)
	b.start()
	admin := login(t, b.base, "admin@tavolo.test", demo.Password)
	const threads, ackedBeforeKill = 120, 20
	ids := make([]string, threads)
	for i := range ids {
		status, body, err := admin.do("POST", "/api/v1/threads", map[string]any{"category_id": "bacheca",
			"title": fmt.Sprintf("Da chiudere %d", i), "body": "Apertura."})
		var created struct {
			Thread struct {
				ID string `json:"id"`
			} `json:"thread"`
		}
		if err != nil || status != http.StatusCreated || json.Unmarshal(body, &created) != nil {
			t.Fatalf("create thread: %d %s %v", status, body, err)
		}
		ids[i] = created.Thread.ID
	}
	var (
		mu     sync.Mutex
		acked  = map[string]bool{}
		next   int
		wg     sync.WaitGroup
		killed sync.Once
	)
	for range 4 {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= threads {
					return
				}
				status, _, err := admin.do("PATCH", "/api/v1/threads/"+ids[i], map[string]any{"locked": true})
				if err != nil || status != http.StatusOK {
					return // the board is gone: never acknowledged
				}
				mu.Lock()
				acked[ids[i]] = true
				n := len(acked)
				mu.Unlock()
				if n >= ackedBeforeKill {
					killed.Do(b.kill)
				}
			}
		})
	}
	wg.Wait()
	killed.Do(b.kill)
	if len(acked) < ackedBeforeKill {
		t.Fatalf("only %d locks acknowledged before the board stopped:\n%s", len(acked), b.logTail())
	}

	b.start() // the pending records are replayed before the first request
	admin = login(t, b.base, "admin@tavolo.test", demo.Password)
	var entries []struct {
		Action string `json:"action"`
		Target struct {
			ID string `json:"id"`
		} `json:"target"`
	}
	if err := admin.get("/api/v1/admin/audit/export?format=json&action=thread.lock", &entries); err != nil {
		t.Fatal(err)
	}
	logged := map[string]int{}
	for _, e := range entries {
		logged[e.Target.ID]++
	}
	var problems []string
	for id := range acked {
		if logged[id] != 1 {
			problems = append(problems, fmt.Sprintf("acknowledged lock of %s logged %d times", id, logged[id]))
		}
	}
	for id, n := range logged {
		var page struct {
			Thread struct {
				Locked bool `json:"locked"`
			} `json:"thread"`
		}
		if err := admin.get("/api/v1/threads/"+id, &page); err != nil {
			t.Fatal(err)
		}
		if !page.Thread.Locked || n != 1 {
			problems = append(problems, fmt.Sprintf("thread %s logged %d times as locked, locked %v", id, n, page.Thread.Locked))
		}
	}
	t.Logf("%d locks acknowledged before the kill, %d logged after the restart", len(acked), len(logged))
	if len(problems) > 0 {
		t.Errorf("after a kill -9 and a restart:\n%s\nboard log:\n%s", strings.Join(problems, "\n"), b.logTail())
	}
}
