package web_test

import (
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// Unread counts come from the stored read positions and post counts, and
// the category list, the latest threads (home) and the thread page agree.
func TestUnreadAgreesEverywhere(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, _ := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	th := newThread(t, anna, "normativa", "Letture")
	id := th.Thread.ID
	for range 4 {
		reply(t, anna, id, "", "Un'altra risposta.")
	}

	// check fails with where each view disagrees with (last read, unread).
	check := func(step, who string, c *webtest.Client, wantLast, wantUnread int) {
		t.Helper()
		got := map[string][2]int{}
		var list forum.ThreadList
		c.Expect(200, "GET", "/api/v1/categories/normativa/threads", nil).JSON(t, &list)
		for _, it := range list.Items {
			if it.ID == id {
				got["category list"] = [2]int{it.LastReadN, it.UnreadCount}
			}
		}
		list = forum.ThreadList{}
		c.Expect(200, "GET", "/api/v1/threads", nil).JSON(t, &list)
		for _, it := range list.Items {
			if it.ID == id {
				got["latest threads"] = [2]int{it.LastReadN, it.UnreadCount}
			}
		}
		tp := threadPage(t, c, "/api/v1/threads/"+id)
		got["thread page"] = [2]int{tp.Thread.LastReadN, tp.Thread.UnreadCount}
		for _, view := range []string{"category list", "latest threads", "thread page"} {
			if g, ok := got[view]; !ok || g != [2]int{wantLast, wantUnread} {
				t.Errorf("case %s, %s, %s: got (last read, unread) %v (present %v), want (%d, %d)", step, who, view, g, ok, wantLast, wantUnread)
			}
		}
	}
	check("before reading", "the author", anna, 5, 0)
	check("before reading", "a reader", bruno, 0, 5)

	bruno.Expect(204, "PUT", "/api/v1/threads/"+id+"/read", map[string]int{"n": 3})
	check("read to 3", "the reader", bruno, 3, 2)
	check("read to 3", "the author", anna, 5, 0)

	bruno.Expect(204, "PUT", "/api/v1/threads/"+id+"/read", map[string]int{"n": 2})
	check("an older position sent late", "the reader", bruno, 3, 2)

	reply(t, anna, id, "", "Ancora una.")
	reply(t, anna, id, "", "E l'ultima.")
	check("two replies later", "the reader", bruno, 3, 4)

	bruno.Expect(204, "PUT", "/api/v1/threads/"+id+"/read", map[string]int{"n": 7})
	check("read to the end", "the reader", bruno, 7, 0)

	for _, c := range []struct {
		name string
		path string
		body any
		want int
	}{
		{"beyond the last post", "/api/v1/threads/" + id + "/read", map[string]int{"n": 8}, 400},
		{"zero", "/api/v1/threads/" + id + "/read", map[string]int{"n": 0}, 400},
		{"negative", "/api/v1/threads/" + id + "/read", map[string]int{"n": -1}, 400},
		{"a string", "/api/v1/threads/" + id + "/read", map[string]string{"n": "3"}, 400},
		{"no number", "/api/v1/threads/" + id + "/read", map[string]any{}, 400},
		{"unknown thread", "/api/v1/threads/999999/read", map[string]int{"n": 1}, 404},
	} {
		cl := bruno
		if c.want == 400 {
			cl = bruno.Raw() // bodies the contract refuses
		}
		if r := cl.Do("PUT", c.path, c.body); r.Status != c.want {
			t.Errorf("case %s: got %d, want %d (%s)", c.name, r.Status, c.want, r.Body)
		}
	}
	check("after refused positions", "the reader", bruno, 7, 0)
}
