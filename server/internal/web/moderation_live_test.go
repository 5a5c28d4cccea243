package web_test

import (
	"slices"
	"testing"
	"time"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/moderation"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// A post a moderator hides disappears from a reader's open thread within
// a second (post.updated with the placeholder), and the action reaches a
// second moderator's queue as queue.changed, after which that record is
// out of their reported tab. Participants may not follow the topic.
func TestModerationLive(t *testing.T) {
	env := webtest.Start(t, nil)
	mod1, _ := env.NewUser(account.RoleModerator)
	mod2, _ := env.NewUser(account.RoleModerator)
	author, _ := env.NewUser(account.RoleParticipant)
	reader, _ := env.NewUser(account.RoleParticipant)
	th := newThread(t, author, "bacheca", "Dal vivo")
	p := reply(t, author, th.Thread.ID, "", "Da nascondere")
	reader.Expect(201, "POST", "/api/v1/moderation/reports", report("post", p.ID, "inappropriate"))
	rid := moderation.RecordID("post", p.ID)

	{
		ws := dialAs(t, env, reader)
		if _, m := ws.Subscribe(moderation.Topic, -1); m.Type != "error" || m.Code != "forbidden" {
			t.Errorf("participant subscribes to the queue: %+v", m)
		}
	}
	page := threadPage(t, reader, "/api/v1/threads/"+th.Thread.ID)
	readerWS := dialAs(t, env, reader)
	if _, m := readerWS.Subscribe("thread:"+th.Thread.ID, page.Seq); m.Type != "subscribed" {
		t.Fatalf("subscribe thread: %+v", m)
	}
	q := queuePage(t, mod2, "")
	if !slices.Contains(queueIDs(q), rid) {
		t.Fatalf("queue of the second moderator: %v", queueIDs(q))
	}
	modWS := dialAs(t, env, mod2)
	if _, m := modWS.Subscribe(moderation.Topic, q.Seq); m.Type != "subscribed" {
		t.Fatalf("subscribe moderation: %+v", m)
	}

	start := time.Now()
	mod1.Expect(200, "POST", "/api/v1/moderation/actions", map[string]any{"action": "hide", "ids": []string{rid}, "reason": "Offensivo"})
	var got forum.Post
	event(t, readerWS, "thread:"+th.Thread.ID, "post.updated", &got)
	if got.ID != p.ID || !got.Hidden || got.Body != "" || got.HTML != "" {
		t.Errorf("post.updated = %+v, want the placeholder", got)
	}
	var changed moderation.QueueChanged
	event(t, modWS, moderation.Topic, moderation.EventQueueChanged, &changed)
	if took := time.Since(start); !slices.Contains(changed.IDs, rid) || took > time.Second {
		t.Errorf("queue.changed %v after %v, want %s within 1 s", changed.IDs, took, rid)
	}
	if q := queuePage(t, mod2, ""); slices.Contains(queueIDs(q), rid) {
		t.Errorf("handled record still in the second moderator's reported tab")
	}
}

// A room message hidden by reports is replaced live in the open room.
func TestModerationLiveRoomMessage(t *testing.T) {
	env := webtest.Start(t, func(c *config.Config) { c.ReportHideAfter = 1 })
	mod, _ := env.NewUser(account.RoleModerator)
	anna, _ := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	r := newRoom(t, mod, nil)
	m := send(t, anna, r.ID, "a1", "Messaggio da segnalare")
	page := roomPage(t, bruno, "/api/v1/rooms/"+r.ID+"/messages")
	ws := dialAs(t, env, bruno)
	if _, s := ws.Subscribe("room:"+r.ID, page.Seq); s.Type != "subscribed" {
		t.Fatalf("subscribe room: %+v", s)
	}
	bruno.Expect(201, "POST", msgPath(r.ID, 1, "/reports"), map[string]any{"reason": "spam"})
	var got rooms.Message
	event(t, ws, "room:"+r.ID, "message.updated", &got)
	if got.ID != m.ID || !got.Hidden || got.Body != "" {
		t.Errorf("message.updated = %+v, want the placeholder", got)
	}
}
