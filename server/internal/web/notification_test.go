package web_test

import (
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

type notificationsAnswer struct {
	Items []struct {
		ID        string `json:"id"`
		Kind      string `json:"kind"`
		ActorName string `json:"actor_name"`
		Read      bool   `json:"read"`
	} `json:"items"`
	Unread  int64 `json:"unread"`
	Seq     int64 `json:"seq"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
	Total   int64 `json:"total"`
}

func TestNotificationsListAndRead(t *testing.T) {
	env := webtest.Start(t, nil)
	c, u := env.NewUser(account.RoleParticipant)
	other, _ := env.NewUser(account.RoleParticipant)
	ctx := testenv.Ctx(t)
	for _, kind := range []string{notify.KindReply, notify.KindMention, notify.KindFollowedThread} {
		if err := env.Board.Notify.Notify(ctx, notify.Input{UserIDs: []string{u.ID}, Kind: kind, ThreadID: "t1", PostID: "t1-2",
			ThreadTitle: "Mensa", ActorID: "someone", ActorName: "Mario"}); err != nil {
			t.Fatal(err)
		}
	}
	var a notificationsAnswer
	c.Expect(200, "GET", "/api/v1/notifications", nil).JSON(t, &a)
	if len(a.Items) != 3 || a.Unread != 3 || a.Seq != 3 || a.Items[0].Kind != notify.KindFollowedThread || a.Items[0].ActorName != "Mario" ||
		a.Total != 3 || a.Page != 1 || a.PerPage < 3 {
		t.Fatalf("list %+v", a)
	}
	c.Expect(204, "POST", "/api/v1/notifications/read", map[string]any{"ids": []string{a.Items[0].ID}})
	c.Expect(200, "GET", "/api/v1/notifications", nil).JSON(t, &a)
	if a.Unread != 2 || !a.Items[0].Read || a.Items[1].Read || a.Seq != 4 {
		t.Fatalf("after one read %+v", a)
	}
	c.Expect(204, "POST", "/api/v1/notifications/read", map[string]any{})
	c.Expect(200, "GET", "/api/v1/notifications", nil).JSON(t, &a)
	if a.Unread != 0 || !a.Items[2].Read {
		t.Fatalf("after all read %+v", a)
	}

	// Each user sees only their own; bad bodies are refused.
	var theirs notificationsAnswer
	other.Expect(200, "GET", "/api/v1/notifications", nil).JSON(t, &theirs)
	if len(theirs.Items) != 0 || theirs.Unread != 0 {
		t.Fatalf("another user's list %+v", theirs)
	}
	c.Raw().Expect(400, "POST", "/api/v1/notifications/read", map[string]any{"ids": map[string]any{"$ne": nil}})
	c.Raw().Expect(400, "POST", "/api/v1/notifications/read", map[string]any{"user_id": u.ID})
	env.Client().Expect(401, "GET", "/api/v1/notifications", nil)
}

func TestMentionSuggestions(t *testing.T) {
	env := webtest.Start(t, nil)
	c, u := env.NewUser(account.RoleParticipant)
	var list []map[string]any
	c.Expect(200, "GET", "/api/v1/mentions?q=@"+u.Handle[:3], nil).JSON(t, &list)
	found := false
	for _, m := range list {
		if m["handle"] == u.Handle && m["kind"] == "user" {
			found = true
		}
		if _, leaked := m["id"]; leaked {
			t.Fatalf("suggestion carries an id: %v", m)
		}
	}
	if !found || len(list) > 10 {
		t.Fatalf("suggestions %v, want %s", list, u.Handle)
	}
	c.Expect(200, "GET", "/api/v1/mentions?q=.*", nil).JSON(t, &list)
	if len(list) != 0 {
		t.Fatalf("regex-looking prefix matched %v", list)
	}
	c.Expect(400, "GET", "/api/v1/mentions?q=%00", nil)
	env.Client().Expect(401, "GET", "/api/v1/mentions?q=ut", nil)
}
