package web_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// TestRoomSlowModeConcurrentSends: in slow mode, sends arriving at once
// from one member give exactly one message; the others are 429 slow_mode.
func TestRoomSlowModeConcurrentSends(t *testing.T) {
	env := webtest.Start(t, nil)
	mod, _ := env.NewUser(account.RoleModerator)
	r := newRoom(t, mod, map[string]any{"slow_mode_s": 60})
	cases := []struct {
		name string
		join bool
	}{{"a member", true}, {"not yet a member", false}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, u := env.NewUser(account.RoleParticipant)
			if tc.join {
				c.Expect(200, "POST", "/api/v1/rooms/"+r.ID+"/join", nil)
			}
			// The CSRF token first: concurrent first requests would each fetch
			// their own, and all but the last cookie would be refused.
			c.CSRF()
			const n = 8
			statuses, codes := make([]int, n), make([]string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res := c.Do("POST", "/api/v1/rooms/"+r.ID+"/messages", map[string]any{"client_id": fmt.Sprint(tc.name, i), "body": fmt.Sprint("messaggio ", i)})
					statuses[i] = res.Status
					var e struct {
						Error struct {
							Code string `json:"code"`
						} `json:"error"`
					}
					_ = json.Unmarshal(res.Body, &e)
					codes[i] = e.Error.Code
				}()
			}
			wg.Wait()
			got := map[string]int{}
			for i := range n {
				got[fmt.Sprint(statuses[i], " ", codes[i])]++
			}
			if got["201 "] != 1 || got["429 slow_mode"] != n-1 {
				t.Fatalf("%d sends at once: got %v, want 1 created and %d slow_mode", n, got, n-1)
			}
			stored := 0
			for _, m := range roomPage(t, c, "/api/v1/rooms/"+r.ID+"/messages").Messages {
				if m.Author.ID == u.ID {
					stored++
				}
			}
			if stored != 1 {
				t.Fatalf("stored messages of the member: got %d, want 1", stored)
			}
		})
	}
}
