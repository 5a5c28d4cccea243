package main

import (
	"fmt"
	"net/http"
	"strings"
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
		ids[i] = openThread(t, admin, fmt.Sprintf("Da chiudere %d", i))
	}
	acked := burst(t, b, "locks", threads, ackedBeforeKill, func(i int) (string, bool, bool) {
		status, _, err := admin.do("PATCH", "/api/v1/threads/"+ids[i], map[string]any{"locked": true})
		return ids[i], true, err == nil && status == http.StatusOK
	})

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
