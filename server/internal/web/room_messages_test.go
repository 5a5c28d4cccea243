package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

func msgPath(roomID string, seq int, rest string) string {
	return "/api/v1/rooms/" + roomID + "/messages/" + strconv.Itoa(seq) + rest
}

func TestRoomEditDeleteHistory(t *testing.T) {
	const window = time.Hour
	var clock skewedClock
	env := webtest.Start(t, func(c *config.Config) { c.EditWindow = window }, boot.WithForumClock(clock.Now))
	mod, _ := env.NewUser(account.RoleModerator)
	anna, _ := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	r := newRoom(t, mod, nil)
	send(t, anna, r.ID, "a1", "Prima versione")
	send(t, anna, r.ID, "a2", "Da cancellare")
	send(t, bruno, r.ID, "b1", "Di Bruno")

	var m rooms.Message
	anna.Expect(200, "PATCH", msgPath(r.ID, 1, ""), map[string]string{"body": "Seconda versione"}).JSON(t, &m)
	if m.Body != "Seconda versione" || m.EditedAt == nil {
		t.Fatalf("edited = %+v", m)
	}
	cases := []struct {
		name   string
		who    *webtest.Client
		method string
		path   string
		body   any
		want   int
		code   string
	}{
		{"edit others'", bruno, "PATCH", msgPath(r.ID, 1, ""), map[string]string{"body": "dirottato"}, 403, "not_author"},
		{"moderator edits others'", mod, "PATCH", msgPath(r.ID, 1, ""), map[string]string{"body": "dirottato"}, 403, "not_author"},
		{"delete others'", bruno, "DELETE", msgPath(r.ID, 1, ""), nil, 403, "not_author"},
		{"history as participant", anna, "GET", msgPath(r.ID, 1, "/history"), nil, 403, "moderator_only"},
		{"no such message", anna, "PATCH", msgPath(r.ID, 99, ""), map[string]string{"body": "x"}, 404, "message_not_found"},
		{"bad seq", anna, "PATCH", "/api/v1/rooms/" + r.ID + "/messages/zero", map[string]string{"body": "x"}, 400, "validation_failed"},
		{"empty edit", anna, "PATCH", msgPath(r.ID, 1, ""), map[string]string{"body": ""}, 400, "validation_failed"},
		{"long edit", anna, "PATCH", msgPath(r.ID, 1, ""), map[string]string{"body": strings.Repeat("a", 4001)}, 413, "message_too_long"},
	}
	for _, c := range cases {
		res := c.who.Raw().Do(c.method, c.path, c.body)
		if res.Status != c.want || res.ErrorCode() != c.code {
			t.Errorf("%s: got %d %s, want %d %s", c.name, res.Status, res.ErrorCode(), c.want, c.code)
		}
	}
	anna.Expect(200, "DELETE", msgPath(r.ID, 2, ""), nil).JSON(t, &m)
	if !m.Deleted || m.Body != "" || m.HTML != "" || m.DeletedByModerator {
		t.Errorf("own delete = %+v", m)
	}
	mod.Expect(200, "DELETE", msgPath(r.ID, 3, ""), nil).JSON(t, &m)
	if !m.Deleted || !m.DeletedByModerator {
		t.Errorf("moderator's delete = %+v", m)
	}
	if res := anna.Do("PATCH", msgPath(r.ID, 2, ""), map[string]string{"body": "risorto"}); res.Status != 409 || res.ErrorCode() != "message_deleted" {
		t.Errorf("edit deleted: got %d %s", res.Status, res.ErrorCode())
	}
	// Readers see placeholders; moderators the history, the deleted text first.
	p := roomPage(t, bruno, "/api/v1/rooms/"+r.ID+"/messages")
	if seqs(p) != "1,2x,3x" || p.Messages[1].Body != "" {
		t.Errorf("page = %s", seqs(p))
	}
	var h struct{ Versions []forum.Version }
	mod.Expect(200, "GET", msgPath(r.ID, 1, "/history"), nil).JSON(t, &h)
	if len(h.Versions) != 1 || h.Versions[0].Body != "Prima versione" {
		t.Errorf("history of 1 = %+v", h.Versions)
	}
	mod.Expect(200, "GET", msgPath(r.ID, 3, "/history"), nil).JSON(t, &h)
	if len(h.Versions) != 1 || h.Versions[0].Body != "Di Bruno" {
		t.Errorf("history of deleted 3 = %+v", h.Versions)
	}
	clock.Advance(window + time.Minute)
	if res := anna.Do("PATCH", msgPath(r.ID, 1, ""), map[string]string{"body": "troppo tardi"}); res.Status != 403 || res.ErrorCode() != "edit_window_closed" {
		t.Errorf("after the window: got %d %s", res.Status, res.ErrorCode())
	}
}

func TestRoomReactionsRepliesMentions(t *testing.T) {
	env := webtest.Start(t, nil)
	mod, _ := env.NewUser(account.RoleModerator)
	anna, au := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	r := newRoom(t, mod, nil)
	send(t, anna, r.ID, "a1", "Chi ha già fatto la gara?")
	var reply rooms.Message
	bruno.Expect(201, "POST", "/api/v1/rooms/"+r.ID+"/messages", map[string]any{"client_id": "b1",
		"body": "Noi sì, chiedi a @" + au.Handle + " <script>alert(1)</script>", "reply_to": 1}).JSON(t, &reply)
	if reply.ReplyTo == nil || reply.ReplyTo.Seq != 1 || reply.ReplyTo.Excerpt != "Chi ha già fatto la gara?" {
		t.Errorf("reply_to = %+v", reply.ReplyTo)
	}
	if strings.Contains(reply.HTML, "<script") || !strings.Contains(reply.HTML, "/users/"+au.Handle) {
		t.Errorf("html = %s", reply.HTML)
	}
	if len(reply.Mentions.Users) != 1 || reply.Mentions.Users[0] != au.Handle {
		t.Errorf("mentions = %+v", reply.Mentions)
	}
	var notes notify.Page
	anna.Expect(200, "GET", "/api/v1/notifications", nil).JSON(t, &notes)
	if len(notes.Items) != 1 || notes.Items[0].Kind != rooms.KindMention || notes.Items[0].ThreadID != r.ID || notes.Items[0].PostID != r.ID+"-2" {
		t.Errorf("anna's notifications = %+v", notes.Items)
	}
	// An edit tells only those it mentions for the first time.
	carla, cu := env.NewUser(account.RoleParticipant)
	bruno.Expect(200, "PATCH", msgPath(r.ID, 2, ""), map[string]any{"body": "Noi sì, chiedi a @" + au.Handle + " o a @" + cu.Handle})
	anna.Expect(200, "GET", "/api/v1/notifications", nil).JSON(t, &notes)
	if len(notes.Items) != 1 {
		t.Errorf("anna told again on the edit: %+v", notes.Items)
	}
	carla.Expect(200, "GET", "/api/v1/notifications", nil).JSON(t, &notes)
	if len(notes.Items) != 1 || notes.Items[0].Kind != rooms.KindMention {
		t.Errorf("carla, newly mentioned: %+v", notes.Items)
	}
	var list struct{ Messages []rooms.Message }
	anna.Expect(200, "GET", msgPath(r.ID, 1, "/replies"), nil).JSON(t, &list)
	if len(list.Messages) != 1 || list.Messages[0].Seq != 2 {
		t.Errorf("replies = %+v", list.Messages)
	}
	p := roomPage(t, anna, "/api/v1/rooms/"+r.ID+"/messages")
	if p.Messages[0].ReplyCount != 1 {
		t.Errorf("reply_count = %d", p.Messages[0].ReplyCount)
	}
	var m rooms.Message
	anna.Expect(200, "POST", msgPath(r.ID, 2, "/reactions"), map[string]string{"emoji": "👍"}).JSON(t, &m)
	bruno.Expect(200, "POST", msgPath(r.ID, 2, "/reactions"), map[string]string{"emoji": "👍"})
	anna.Expect(200, "POST", msgPath(r.ID, 2, "/reactions"), map[string]string{"emoji": "👍"}) // twice is once
	anna.Expect(200, "POST", msgPath(r.ID, 2, "/reactions"), map[string]string{"emoji": "🎉"})
	bruno.Expect(200, "DELETE", msgPath(r.ID, 2, "/reactions/"+url.PathEscape("🎉")), nil) // not his: nothing
	anna.Expect(200, "GET", "/api/v1/rooms/"+r.ID+"/messages", nil).JSON(t, &p)
	got := p.Messages[1].Reactions
	if len(got) != 2 || got[0].Emoji != "👍" || got[0].Count != 2 || !got[0].Mine || got[1].Emoji != "🎉" || got[1].Count != 1 {
		t.Errorf("reactions = %+v", got)
	}
	anna.Expect(200, "DELETE", msgPath(r.ID, 2, "/reactions/"+url.PathEscape("👍")), nil).JSON(t, &m)
	if m.Reactions[0].Count != 1 || m.Reactions[0].Mine {
		t.Errorf("after removing = %+v", m.Reactions)
	}
	if res := anna.Raw().Do("POST", msgPath(r.ID, 2, "/reactions"), map[string]string{"emoji": "💩"}); res.Status != 400 {
		t.Errorf("unknown emoji: got %d", res.Status)
	}
	// A deleted message answers replies with a placeholder excerpt.
	anna.Expect(200, "DELETE", msgPath(r.ID, 1, ""), nil)
	anna.Expect(200, "GET", "/api/v1/rooms/"+r.ID+"/messages", nil).JSON(t, &p)
	if rt := p.Messages[1].ReplyTo; rt == nil || !rt.Deleted || rt.Excerpt != "" {
		t.Errorf("reply_to of a deleted message = %+v", rt)
	}
	if res := bruno.Do("POST", "/api/v1/rooms/"+r.ID+"/messages", map[string]any{"client_id": "b2", "body": "x", "reply_to": 1}); res.Status != 400 {
		t.Errorf("reply to deleted: got %d", res.Status)
	}
}

func TestRoomArchivedAndSinceJoin(t *testing.T) {
	env := webtest.Start(t, nil)
	mod, _ := env.NewUser(account.RoleModerator)
	anna, _ := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	r := newRoom(t, mod, map[string]any{"history": "since_join"})
	send(t, anna, r.ID, "a1", "Prima che Bruno entri")
	if p := roomPage(t, bruno, "/api/v1/rooms/"+r.ID+"/messages"); len(p.Messages) != 0 {
		t.Errorf("non-member sees %s", seqs(p))
	}
	var joined rooms.Room
	bruno.Expect(200, "POST", "/api/v1/rooms/"+r.ID+"/join", nil).JSON(t, &joined)
	if !joined.Me.Member || joined.Me.ReadSeq != 1 || joined.Me.Unread != 0 {
		t.Errorf("joined = %+v", joined.Me)
	}
	// Anna answers her first message: Bruno, who joined after it, learns
	// nothing of it from the reply; the moderator's page previews it. An
	// answer or an event is the same whoever reads it: in a since_join room
	// neither previews (the client fills in what its reader has loaded).
	var sent rooms.Message
	anna.Expect(201, "POST", "/api/v1/rooms/"+r.ID+"/messages", map[string]any{"client_id": "a2", "body": "Dopo", "reply_to": 1}).JSON(t, &sent)
	none := rooms.ReplyTo{Seq: 1}
	if sent.ReplyTo == nil || *sent.ReplyTo != none {
		t.Errorf("the send's answer previews the message answered: %+v, want %+v", sent.ReplyTo, none)
	}
	p := roomPage(t, bruno, "/api/v1/rooms/"+r.ID+"/messages")
	if seqs(p) != "2" || p.HasMore {
		t.Errorf("since_join member sees %s has_more=%v", seqs(p), p.HasMore)
	}
	if got := p.Messages[0].ReplyTo; got == nil || *got != none {
		t.Errorf("since_join member sees the reply to a message before joining as %+v, want %+v", got, none)
	}
	p = roomPage(t, mod, "/api/v1/rooms/"+r.ID+"/messages")
	if seqs(p) != "1,2" {
		t.Errorf("moderator sees %s", seqs(p))
	}
	if got := p.Messages[1].ReplyTo; got == nil || got.Excerpt != "Prima che Bruno entri" || got.AuthorName == "" {
		t.Errorf("moderator's preview of the message answered: %+v", got)
	}
	if res := bruno.Do("GET", msgPath(r.ID, 1, "/replies"), nil); res.Status != 404 {
		t.Errorf("message before joining: got %d", res.Status)
	}
	mod.Expect(200, "PATCH", "/api/v1/rooms/"+r.ID, map[string]any{"archived": true})
	cases := []struct {
		name   string
		method string
		path   string
		body   any
	}{
		{"send", "POST", "/api/v1/rooms/" + r.ID + "/messages", map[string]any{"client_id": "a3", "body": "x"}},
		{"edit", "PATCH", msgPath(r.ID, 2, ""), map[string]any{"body": "x"}},
		{"delete", "DELETE", msgPath(r.ID, 2, ""), nil},
		{"react", "POST", msgPath(r.ID, 2, "/reactions"), map[string]any{"emoji": "👍"}},
	}
	for _, c := range cases {
		if res := anna.Do(c.method, c.path, c.body); res.Status != 409 || res.ErrorCode() != "room_archived" {
			t.Errorf("%s in an archived room: got %d %s, want 409 room_archived", c.name, res.Status, res.ErrorCode())
		}
	}
	// A resend of a message stored before the archiving still answers it.
	anna.Expect(200, "POST", "/api/v1/rooms/"+r.ID+"/messages", map[string]any{"client_id": "a2", "body": "Dopo", "reply_to": 1})
	if p := roomPage(t, anna, "/api/v1/rooms/"+r.ID+"/messages"); seqs(p) != "1,2" || p.Head != 2 {
		t.Errorf("archived room: %s head %d", seqs(p), p.Head)
	}
	var got rooms.Room
	anna.Expect(200, "GET", "/api/v1/rooms/"+r.ID, nil).JSON(t, &got)
	if !got.Archived || got.Me.CanSend {
		t.Errorf("archived room = %+v", got)
	}
}

func TestRoomModeration(t *testing.T) {
	var clock skewedClock
	env := webtest.Start(t, nil, boot.WithForumClock(clock.Now), boot.WithRoomSendRate(3, time.Hour))
	mod, _ := env.NewUser(account.RoleModerator)
	anna, au := env.NewUser(account.RoleParticipant)
	bruno, bu := env.NewUser(account.RoleParticipant)
	carla, _ := env.NewUser(account.RoleParticipant)
	r := newRoom(t, mod, nil)
	path := "/api/v1/rooms/" + r.ID + "/messages"

	// mute
	if res := anna.Do("POST", "/api/v1/rooms/"+r.ID+"/mutes", map[string]any{"user_id": bu.ID, "minutes": 10}); res.Status != 403 {
		t.Errorf("participant mutes: got %d", res.Status)
	}
	mod.Expect(204, "POST", "/api/v1/rooms/"+r.ID+"/mutes", map[string]any{"user_id": bu.ID, "minutes": 10, "reason": "Toni accesi"})
	res := bruno.Do("POST", path, map[string]any{"client_id": "b1", "body": "Posso?"})
	var e struct {
		Error struct {
			Code        string
			Until       *time.Time
			RetryAfterS int `json:"retry_after_s"`
		}
	}
	res.JSON(t, &e)
	if res.Status != 403 || e.Error.Code != "muted" || e.Error.Until == nil || e.Error.Until.Sub(clock.Now()) < 9*time.Minute {
		t.Errorf("muted send: %d %+v", res.Status, e.Error)
	}
	var me rooms.Room
	bruno.Expect(200, "GET", "/api/v1/rooms/"+r.ID, nil).JSON(t, &me)
	if me.Me.MutedUntil == nil || me.Me.CanSend {
		t.Errorf("muted me = %+v", me.Me)
	}
	clock.Advance(11 * time.Minute)
	send(t, bruno, r.ID, "b1", "Posso?")
	mod.Expect(204, "POST", "/api/v1/rooms/"+r.ID+"/mutes", map[string]any{"user_id": bu.ID, "minutes": 10})
	mod.Expect(204, "DELETE", "/api/v1/rooms/"+r.ID+"/mutes/"+bu.ID, nil)
	send(t, bruno, r.ID, "b2", "Di nuovo")

	// slow mode: one message per 30 s per member; moderators are exempt
	mod.Expect(200, "PATCH", "/api/v1/rooms/"+r.ID, map[string]any{"slow_mode_s": 30})
	send(t, anna, r.ID, "a1", "Uno")
	res = anna.Do("POST", path, map[string]any{"client_id": "a2", "body": "Due"})
	res.JSON(t, &e)
	if res.Status != 429 || e.Error.Code != "slow_mode" || e.Error.RetryAfterS < 1 || e.Error.RetryAfterS > 30 || res.Header.Get("Retry-After") != strconv.Itoa(e.Error.RetryAfterS) {
		t.Errorf("slow mode: %d %+v Retry-After %q", res.Status, e.Error, res.Header.Get("Retry-After"))
	}
	send(t, mod, r.ID, "m1", "Moderatore")
	send(t, mod, r.ID, "m2", "Moderatore di nuovo")
	clock.Advance(31 * time.Second)
	send(t, anna, r.ID, "a2", "Due")
	mod.Expect(200, "PATCH", "/api/v1/rooms/"+r.ID, map[string]any{"slow_mode_s": 0})

	// the send rate: 3 an hour in this board; the 4th waits
	send(t, carla, r.ID, "c1", "1")
	send(t, carla, r.ID, "c2", "2")
	send(t, carla, r.ID, "c3", "3")
	res = carla.Do("POST", path, map[string]any{"client_id": "c4", "body": "4"})
	res.JSON(t, &e)
	if res.Status != 429 || e.Error.Code != "rate_limited" || e.Error.RetryAfterS < 1 || res.Header.Get("Retry-After") == "" {
		t.Errorf("rate limit: %d %+v", res.Status, e.Error)
	}
	// a resend of a stored message is not a new send
	carla.Expect(200, "POST", path, map[string]any{"client_id": "c3", "body": "3"})

	// reports: one per user and message, with a snapshot
	if res := carla.Raw().Do("POST", msgPath(r.ID, 1, "/reports"), map[string]any{"reason": "whatever"}); res.Status != 400 {
		t.Errorf("bad reason: got %d", res.Status)
	}
	carla.Expect(201, "POST", msgPath(r.ID, 1, "/reports"), map[string]any{"reason": "off_topic", "text": "Non c'entra"})
	if res := carla.Do("POST", msgPath(r.ID, 1, "/reports"), map[string]any{"reason": "spam"}); res.Status != 409 || res.ErrorCode() != "already_reported" {
		t.Errorf("second report: got %d %s", res.Status, res.ErrorCode())
	}
	anna.Expect(201, "POST", msgPath(r.ID, 1, "/reports"), map[string]any{"reason": "spam"})
	_ = au
}

func TestRoomPromote(t *testing.T) {
	env := webtest.Start(t, nil)
	mod, _ := env.NewUser(account.RoleModerator)
	anna, _ := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	r := newRoom(t, mod, map[string]any{"name": "Gare [pulizie]"})
	send(t, anna, r.ID, "a1", "Quali SLA avete messo?")
	bruno.Expect(201, "POST", "/api/v1/rooms/"+r.ID+"/messages", map[string]any{"client_id": "b1", "body": "Tempo di intervento 4 ore", "reply_to": 1})
	send(t, anna, r.ID, "a2", "Altro discorso")
	in := map[string]any{"category_id": "tavolo-confronto", "title": "SLA nelle gare di pulizia"}
	if res := anna.Do("POST", msgPath(r.ID, 1, "/promote"), in); res.Status != 403 {
		t.Errorf("participant promotes: got %d", res.Status)
	}
	var out struct {
		ThreadID string `json:"thread_id"`
	}
	mod.Expect(201, "POST", msgPath(r.ID, 1, "/promote"), in).JSON(t, &out)
	var tp forum.ThreadPage
	anna.Expect(200, "GET", "/api/v1/threads/"+out.ThreadID, nil).JSON(t, &tp)
	body := tp.Posts[0].Body
	for _, want := range []string{"/rooms/" + r.ID + "?seq=1", "> Quali SLA avete messo?", "> Tempo di intervento 4 ore"} {
		if !strings.Contains(body, want) {
			t.Errorf("thread body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Altro discorso") {
		t.Errorf("thread body has a message that is no reply:\n%s", body)
	}
	p := roomPage(t, anna, "/api/v1/rooms/"+r.ID+"/messages")
	if p.Messages[0].PromotedThreadID != out.ThreadID {
		t.Errorf("promoted_thread_id = %q, want %q", p.Messages[0].PromotedThreadID, out.ThreadID)
	}
	if res := mod.Do("POST", msgPath(r.ID, 1, "/promote"), in); res.Status != 409 || res.ErrorCode() != "already_promoted" {
		t.Errorf("second promote: got %d %s", res.Status, res.ErrorCode())
	}
	if res := mod.Do("POST", msgPath(r.ID, 2, "/promote"), map[string]any{"category_id": "nessuna", "title": "Titolo"}); res.Status != 400 {
		t.Errorf("unknown category: got %d", res.Status)
	}
}

func TestRoomFiles(t *testing.T) {
	env := webtest.Start(t, nil)
	home, away := env.NewAdministration(), env.NewAdministration()
	mod, _ := env.NewUser(account.RoleModerator)
	anna, _ := env.NewUserIn(home.ID, account.RoleParticipant)
	bruno, bu := env.NewUserIn(home.ID, account.RoleParticipant)
	outsider, ou := env.NewUserIn(away.ID, account.RoleParticipant)
	r := newRoom(t, mod, map[string]any{"access": "invited", "administration_ids": []string{home.ID}})
	// A mention of someone who may not enter the room tells them nothing.
	send(t, anna, r.ID, "m0", "Ne parlo con @"+ou.Handle+" e @"+bu.Handle)
	for _, c := range []struct {
		who  *webtest.Client
		want int
	}{{outsider, 0}, {bruno, 1}} {
		var notes notify.Page
		c.who.Expect(200, "GET", "/api/v1/notifications", nil).JSON(t, &notes)
		if len(notes.Items) != c.want {
			t.Errorf("notifications = %+v, want %d", notes.Items, c.want)
		}
	}
	listed := uploadPDF(t, anna, "capitolato.pdf")
	linked := uploadPDF(t, anna, "allegato.pdf")
	brunos := uploadPDF(t, bruno, "suo.pdf")
	if res := anna.Do("POST", "/api/v1/rooms/"+r.ID+"/messages", map[string]any{"client_id": "x", "body": "ecco", "attachment_ids": []string{brunos}}); res.Status != 400 {
		t.Errorf("someone else's file: got %d", res.Status)
	}
	var m rooms.Message
	anna.Expect(201, "POST", "/api/v1/rooms/"+r.ID+"/messages", map[string]any{"client_id": "a1",
		"body": "Vedi " + link(linked), "attachment_ids": []string{listed}}).JSON(t, &m)
	if len(m.Attachments) != 1 || m.Attachments[0].ID != listed {
		t.Errorf("attachments = %+v", m.Attachments)
	}
	cases := []struct {
		name string
		who  *webtest.Client
		id   string
		want int
	}{
		{"member, listed", bruno, listed, 200},
		{"member, linked", bruno, linked, 200},
		{"outsider, listed", outsider, listed, 404},
		{"outsider, linked", outsider, linked, 404},
		{"moderator", mod, listed, 200},
	}
	for _, c := range cases {
		if res := c.who.Do("GET", attachment.URLPrefix+c.id, nil); res.Status != c.want {
			t.Errorf("%s: got %d, want %d", c.name, res.Status, c.want)
		}
	}
	anna.Expect(200, "DELETE", msgPath(r.ID, 2, ""), nil)
	if res := bruno.Do("GET", attachment.URLPrefix+listed, nil); res.Status != 404 {
		t.Errorf("file of a deleted message, member: got %d", res.Status)
	}
	if res := mod.Do("GET", attachment.URLPrefix+listed, nil); res.Status != 200 {
		t.Errorf("file of a deleted message, moderator: got %d", res.Status)
	}
}
