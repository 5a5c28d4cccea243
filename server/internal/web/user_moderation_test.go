package web_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/realtime"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// A moderator suspends a participant: their open websocket closes within
// 5 s, their next request says why and until when, they can no longer post,
// react or log in; the suspension, a note and the reinstatement are in
// their history; reinstated, they log in again.
func TestSuspensionKicksAndSaysWhy(t *testing.T) {
	env := webtest.Start(t, nil)
	modClient, _ := env.NewUser(account.RoleModerator)
	c, u := env.NewUser(account.RoleParticipant)
	th := newThread(t, c, "bacheca", "Prima della sospensione")
	ws := dialWS(t, env, c)
	ws.Hello()
	if _, m := ws.Subscribe("thread:"+th.Thread.ID, -1); m.Type != "subscribed" {
		t.Fatalf("subscribe: %+v", m)
	}

	until := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	start := time.Now()
	var got account.UserView
	modClient.Expect(200, "PUT", "/api/v1/moderation/users/"+u.ID+"/suspension",
		map[string]any{"until": until, "reason": "Messaggi offensivi ripetuti."}).JSON(t, &got)
	if !got.Suspended || got.SuspensionReason != "Messaggi offensivi ripetuti." || got.SuspendedUntil == nil || !got.SuspendedUntil.Equal(until) {
		t.Fatalf("got %+v, want suspended until %s with the reason", got, until)
	}
	if code := ws.CloseCode(5 * time.Second); code != realtime.CloseSessionEnded {
		t.Fatalf("socket closed with %d, want %d", code, realtime.CloseSessionEnded)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("socket closed after %s, want within 5 s", d)
	}

	var kicked struct {
		Error struct {
			Code, Reason string
			Until        time.Time
		}
	}
	c.Expect(403, "GET", "/api/v1/session", nil).JSON(t, &kicked)
	if kicked.Error.Code != "account_suspended" || kicked.Error.Reason != "Messaggi offensivi ripetuti." || !kicked.Error.Until.Equal(until) {
		t.Fatalf("kicked: got %+v, want account_suspended with reason and until", kicked.Error)
	}
	c.Expect(401, "POST", "/api/v1/threads/"+th.Thread.ID+"/posts", map[string]any{"body": "Ancora io."})
	var login struct {
		Error struct {
			Code, Reason string
			Until        time.Time
		}
	}
	c.Expect(403, "POST", "/api/v1/session", map[string]any{"email": u.Email, "password": webtest.Password}).JSON(t, &login)
	if login.Error.Code != "account_suspended" || login.Error.Reason != "Messaggi offensivi ripetuti." || !login.Error.Until.Equal(until) {
		t.Fatalf("login: got %+v, want account_suspended with reason and until", login.Error)
	}
	// A fresh session of a suspended user (as the table's tests make) may not write.
	c.LoginAs(u)
	for _, w := range []struct{ method, path string }{
		{"POST", "/api/v1/threads/" + th.Thread.ID + "/posts"},
		{"PUT", "/api/v1/posts/" + th.Thread.ID + "-1/reactions/utile"},
		{"PATCH", "/api/v1/posts/" + th.Thread.ID + "-1"},
	} {
		if r := c.Raw().Do(w.method, w.path, map[string]any{"body": "Ancora io."}); r.Status != 403 || r.ErrorCode() != "account_suspended" {
			t.Errorf("%s %s: got %d %s, want 403 account_suspended", w.method, w.path, r.Status, r.ErrorCode())
		}
	}

	modClient.Expect(201, "POST", "/api/v1/moderation/users/"+u.ID+"/notes", map[string]any{"body": "Avvisato per email."})
	modClient.Expect(200, "POST", "/api/v1/moderation/users/"+u.ID+"/reinstate", map[string]any{"reason": "Ha chiesto scusa."})
	var page struct {
		User    account.UserView
		History []struct {
			Action, Reason string
		}
	}
	modClient.Expect(200, "GET", "/api/v1/moderation/users/"+u.ID, nil).JSON(t, &page)
	var actions []string
	for _, e := range page.History {
		actions = append(actions, e.Action+": "+e.Reason)
	}
	want := []string{"user.reinstate: Ha chiesto scusa.", "user.note: Avvisato per email.", "user.suspend: Messaggi offensivi ripetuti."}
	if page.User.Suspended || fmt.Sprint(actions) != fmt.Sprint(want) {
		t.Fatalf("got %v (suspended %v), want %v", actions, page.User.Suspended, want)
	}
	again := env.Client()
	again.Expect(200, "POST", "/api/v1/session", map[string]any{"email": u.Email, "password": webtest.Password})
	again.Expect(201, "POST", "/api/v1/threads/"+th.Thread.ID+"/posts", map[string]any{"body": "Di nuovo qui."})
}

// Bad input is refused with the field to fix, and nothing is stored.
func TestSuspensionBadInput(t *testing.T) {
	env := webtest.Start(t, nil)
	modClient, mod := env.NewUser(account.RoleModerator)
	_, other := env.NewUser(account.RoleModerator)
	_, u := env.NewUser(account.RoleParticipant)
	past := time.Now().Add(-time.Hour)
	cases := []struct {
		name, path string
		body       map[string]any
		status     int
		field      string
	}{
		{"missing reason", u.ID + "/suspension", map[string]any{"reason": ""}, 400, "reason"},
		{"date in the past", u.ID + "/suspension", map[string]any{"reason": "Spam.", "until": past}, 400, "until"},
		{"oneself", mod.ID + "/suspension", map[string]any{"reason": "Spam."}, 400, "user_id"},
		{"another moderator", other.ID + "/suspension", map[string]any{"reason": "Spam."}, 403, ""},
		{"unknown user", "sconosciuto/suspension", map[string]any{"reason": "Spam."}, 404, ""},
		{"empty note", u.ID + "/notes", map[string]any{"body": " "}, 400, "body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := "PUT"
			if c.path[len(c.path)-5:] == "notes" {
				method = "POST"
			}
			r := modClient.Raw().Do(method, "/api/v1/moderation/users/"+c.path, c.body)
			if r.Status != c.status {
				t.Fatalf("got %d %s, want %d", r.Status, r.Body, c.status)
			}
			if _, ok := r.Fields()[c.field]; c.field != "" && !ok {
				t.Fatalf("got fields %v, want %s", r.Fields(), c.field)
			}
		})
	}
	var page struct{ History []any }
	modClient.Expect(200, "GET", "/api/v1/moderation/users/"+u.ID, nil).JSON(t, &page)
	if after, err := env.Board.Accounts.User(t.Context(), u.ID); err != nil || after.Suspended || len(page.History) != 0 {
		t.Fatalf("got suspended=%v history=%d (%v), want nothing stored", after.Suspended, len(page.History), err)
	}
}
