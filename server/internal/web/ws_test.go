package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/realtime"
	"github.com/cantieri/tavolo/server/internal/realtime/rttest"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

func wsURL(env *webtest.Env) string { return "ws" + strings.TrimPrefix(env.Base, "http") + "/ws" }

// wsHeader is what a browser on the board's page sends.
func wsHeader(env *webtest.Env, c *webtest.Client) http.Header {
	h := http.Header{"Origin": {env.Base}}
	if c != nil {
		h.Set("Cookie", "tavolo_session="+c.Cookie("tavolo_session"))
	}
	return h
}

func dialWS(t *testing.T, env *webtest.Env, c *webtest.Client) *rttest.Client {
	t.Helper()
	ws, res, err := rttest.Dial(t, wsURL(env), wsHeader(env, c))
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial /ws: %v (status %d)", err, status)
	}
	return ws
}

func TestWSUpgradeIsRefused(t *testing.T) {
	env := webtest.Start(t, nil)
	c, _ := env.NewUser(account.RoleParticipant)
	suspended, su := env.NewUser(account.RoleParticipant)
	env.Suspend(su)
	cases := []struct {
		name   string
		header http.Header
		status int
	}{
		{"foreign origin", http.Header{"Origin": {"http://evil.example"}, "Cookie": {"tavolo_session=" + c.Cookie("tavolo_session")}}, 403},
		{"no origin", http.Header{"Cookie": {"tavolo_session=" + c.Cookie("tavolo_session")}}, 403},
		{"origin with a path", http.Header{"Origin": {env.Base + "/"}, "Cookie": {"tavolo_session=" + c.Cookie("tavolo_session")}}, 403},
		{"no session", wsHeader(env, nil), 401},
		{"unknown session", http.Header{"Origin": {env.Base}, "Cookie": {"tavolo_session=forged"}}, 401},
		{"user suspended", wsHeader(env, suspended), 403}, // account_suspended: the session a suspension ended says so
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, res, err := rttest.Dial(t, wsURL(env), tc.header)
			if err == nil || res == nil || res.StatusCode != tc.status {
				t.Fatalf("dial: %v, response %+v; want status %d", err, res, tc.status)
			}
			if res.Header.Get("Upgrade") != "" {
				t.Fatal("upgraded")
			}
		})
	}
	ws := dialWS(t, env, c)
	if m := ws.Hello(); m.UserID == "" || m.Code != "" {
		t.Fatalf("hello %+v", m)
	}
}

func TestWSSessionEndClosesTheSocket(t *testing.T) {
	env := webtest.Start(t, nil)
	c, _ := env.NewUser(account.RoleParticipant)
	ws := dialWS(t, env, c)
	ws.Hello()
	start := time.Now()
	c.Expect(http.StatusNoContent, "DELETE", "/api/v1/session", nil)
	if code := ws.CloseCode(5 * time.Second); code != realtime.CloseSessionEnded {
		t.Fatalf("closed with %d, want %d", code, realtime.CloseSessionEnded)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("closed after %s", d)
	}
	if _, res, err := rttest.Dial(t, wsURL(env), wsHeader(env, c)); err == nil || res.StatusCode != 401 {
		t.Fatalf("redial after logout: %v", err)
	}
}

func TestWSExpiredSessionIsClosedAndRefused(t *testing.T) {
	env := webtest.Start(t, func(cfg *config.Config) { cfg.SessionTTL = 2 * time.Second })
	c, _ := env.NewUser(account.RoleParticipant)
	ws := dialWS(t, env, c)
	ws.Hello()
	if code := ws.CloseCode(6 * time.Second); code != realtime.CloseSessionEnded {
		t.Fatalf("closed with %d, want %d", code, realtime.CloseSessionEnded)
	}
	if _, res, err := rttest.Dial(t, wsURL(env), wsHeader(env, c)); err == nil || res.StatusCode != 401 {
		t.Fatalf("dial with an expired session: %v", err)
	}
}

// TestWSNotificationsResumeAfterADrop runs the whole path through the real
// app and the stored log: a user's own topic only, and the events missed
// while disconnected replayed exactly once, in order.
func TestWSNotificationsResumeAfterADrop(t *testing.T) {
	env := webtest.Start(t, nil)
	c, u := env.NewUser(account.RoleParticipant)
	_, other := env.NewUser(account.RoleParticipant)
	hub, ctx := env.Board.Hub, context.Background()
	mine := "user:" + u.ID

	ws := dialWS(t, env, c)
	ws.Hello()
	if _, m := ws.Subscribe("user:"+other.ID, -1); m.Type != "error" || m.Code != realtime.CodeForbidden {
		t.Fatalf("someone else's notifications: %+v", m)
	}
	if _, m := ws.Subscribe("nonsense:1", -1); m.Type != "error" || m.Code != realtime.CodeUnknownTopic {
		t.Fatalf("unknown topic: %+v", m)
	}
	if _, m := ws.Subscribe(mine, 0); m.Type != "subscribed" || m.Head != 0 {
		t.Fatalf("got %+v", m)
	}
	if _, err := hub.Publish(ctx, mine, "notification.created", map[string]string{"id": "n1"}); err != nil {
		t.Fatal(err)
	}
	if m := ws.Expect("event"); m.Seq != 1 || string(m.Data) != `{"id":"n1"}` {
		t.Fatalf("got %+v", m)
	}
	_ = ws.WS.Close()
	for i := 2; i <= 4; i++ {
		if _, err := hub.Publish(ctx, mine, "notification.created", i); err != nil {
			t.Fatal(err)
		}
	}
	ws = dialWS(t, env, c)
	ws.Hello()
	replay, m := ws.Subscribe(mine, 1)
	if m.Type != "subscribed" || m.Head != 4 || len(replay) != 3 {
		t.Fatalf("replayed %+v then %+v", replay, m)
	}
	for i, e := range replay {
		if e.Type != "event" || e.Seq != int64(i+2) || string(e.Data) != string(rune('2'+i)) {
			t.Fatalf("replayed %+v", e)
		}
	}
	go env.Board.Hub.Close()
	if code := ws.CloseCode(5 * time.Second); code != realtime.CloseGoingAway {
		t.Fatalf("shutdown closed with %d", code)
	}
}

// Text that is not valid Unicode: a text frame of invalid UTF-8 closes the
// connection with 1007 (not read as U+FFFD); JSON escaping a lone surrogate
// is refused with invalid_text naming the field, and nothing is relayed.
func TestWSInvalidUnicode(t *testing.T) {
	env := webtest.Start(t, nil)
	c, _ := env.NewUser(account.RoleParticipant)
	th := newThread(t, c, "bacheca", "Testo non valido")
	topic := "thread:" + th.Thread.ID

	watcherClient, _ := env.NewUser(account.RoleParticipant)
	watcher := dialWS(t, env, watcherClient)
	watcher.Hello()
	if _, m := watcher.Subscribe(topic, -1); m.Type != "subscribed" {
		t.Fatalf("watcher subscribe: %+v", m)
	}

	ws := dialWS(t, env, c)
	ws.Hello()
	cases := []struct{ frame, field string }{
		{`{"type":"publish","id":"p1","topic":"` + topic + `","event":"typing","data":{"text":"ab\ud800cd"}}`, "data.text"},
		{`{"type":"publish","id":"p2","topic":"` + topic + `","event":"typing","data":["\udc00"]}`, "data[0]"},
		{`{"type":"subscribe","id":"p3","topic":"thread:\ud800"}`, "topic"},
	}
	for _, tc := range cases {
		if err := ws.WS.WriteMessage(websocket.TextMessage, []byte(tc.frame)); err != nil {
			t.Fatal(err)
		}
		m := ws.Expect("error")
		if m.Code != realtime.CodeInvalidText || m.Field != tc.field {
			t.Errorf("case %s: got %+v, want invalid_text on %s", tc.field, m, tc.field)
		}
	}
	// A valid pair goes through, and is the first thing the watcher sees.
	ws.Send(map[string]any{"type": "publish", "id": "ok", "topic": topic, "event": "typing", "data": map[string]string{"text": "\U0001F600"}})
	if m := ws.Expect("ack"); m.ID != "ok" {
		t.Fatalf("valid pair: %+v", m)
	}
	if m := watcher.Expect("transient"); !strings.Contains(string(m.Data), "\U0001F600") {
		t.Fatalf("watcher got %+v (%s), want the valid publish only", m, m.Data)
	}

	if err := ws.WS.WriteMessage(websocket.TextMessage, []byte("{\"type\":\"ping\",\"id\":\"a\xffb\"}")); err != nil {
		t.Fatal(err)
	}
	if code := ws.CloseCode(10 * time.Second); code != realtime.CloseInvalidData {
		t.Fatalf("invalid UTF-8 frame closed with %d, want %d", code, realtime.CloseInvalidData)
	}
}
