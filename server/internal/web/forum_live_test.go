package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/realtime/rttest"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

func dialAs(t testing.TB, env *webtest.Env, c *webtest.Client) *rttest.Client {
	t.Helper()
	h := http.Header{"Origin": {env.Base}, "Cookie": {"tavolo_session=" + c.Cookie("tavolo_session")}}
	ws, res, err := rttest.Dial(t, "ws"+strings.TrimPrefix(env.Base, "http")+"/ws", h)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, res)
	}
	ws.Hello()
	return ws
}

// event waits for the next stored event and decodes its data; presence
// frames (room topics) on the way are skipped.
func event(t *testing.T, ws *rttest.Client, topic, name string, data any) int64 {
	t.Helper()
	m := ws.Expect("event", "presence")
	if m.Topic != topic || m.Event != name {
		t.Fatalf("event = %s %s, want %s %s", m.Topic, m.Event, topic, name)
	}
	if err := json.Unmarshal(m.Data, data); err != nil {
		t.Fatal(err)
	}
	return m.Seq
}

func TestForumLiveEvents(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, _ := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	th := newThread(t, anna, "tavolo-confronto", "Reinternalizzazione dei tributi")
	id := th.Thread.ID

	// The page and the live stream join without a gap: subscribe since the
	// page's seq, then every later change arrives once, in order.
	page := threadPage(t, bruno, "/api/v1/threads/"+id)
	var list forum.ThreadList
	bruno.Expect(200, "GET", "/api/v1/categories/tavolo-confronto/threads", nil).JSON(t, &list)
	ws := dialAs(t, env, bruno)
	if _, m := ws.Subscribe("thread:"+id, page.Seq); m.Type != "subscribed" {
		t.Fatalf("subscribe thread: %+v", m)
	}
	if _, m := ws.Subscribe("category:tavolo-confronto", list.Seq); m.Type != "subscribed" {
		t.Fatalf("subscribe category: %+v", m)
	}
	if _, m := ws.Subscribe("thread:999999", 0); m.Type != "error" || m.Code != "forbidden" {
		t.Fatalf("unknown thread: %+v", m)
	}

	p := reply(t, anna, id, th.Post.ID, "Dal 2024 gestiamo di nuovo in casa.")
	var got forum.Post
	seq := event(t, ws, "thread:"+id, "post.created", &got)
	if got.ID != p.ID || got.HTML == "" || seq != page.Seq+1 {
		t.Fatalf("post.created = %+v seq %d (page seq %d)", got, seq, page.Seq)
	}
	var ts forum.Thread
	event(t, ws, "thread:"+id, "thread.updated", &ts)
	if ts.ReplyCount != 1 {
		t.Fatalf("thread.updated = %+v", ts)
	}
	event(t, ws, "category:tavolo-confronto", "thread.updated", &ts)

	anna.Expect(200, "PATCH", "/api/v1/posts/"+p.ID, map[string]string{"body": "Dal 2023."})
	event(t, ws, "thread:"+id, "post.updated", &got)
	if got.Body != "Dal 2023." || got.EditCount != 1 {
		t.Fatalf("post.updated = %+v", got)
	}
	bruno.Expect(200, "PUT", "/api/v1/posts/"+p.ID+"/reactions/anche_per_noi", nil)
	event(t, ws, "thread:"+id, "reaction.changed", &got)
	if got.Reactions["anche_per_noi"].Count != 1 {
		t.Fatalf("reaction.changed = %+v", got.Reactions)
	}
	anna.Expect(204, "DELETE", "/api/v1/posts/"+p.ID, nil)
	event(t, ws, "thread:"+id, "post.deleted", &got)
	if !got.Deleted || got.Body != "" {
		t.Fatalf("post.deleted = %+v", got)
	}

	// A second subscriber resuming from the page's seq replays all of it.
	late := dialAs(t, env, anna)
	replay, m := late.Subscribe("thread:"+id, page.Seq)
	if m.Type != "subscribed" || len(replay) != 5 || replay[0].Event != "post.created" || replay[4].Event != "post.deleted" {
		t.Fatalf("replay = %d events, then %+v", len(replay), m)
	}
}
