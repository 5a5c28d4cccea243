package web_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// jsonBodyRoutes are the routes that read a JSON body, each with a body
// whose one string value is poisoned (%s stands for it) and that value's
// field path. Ids in paths need not exist: the body is read first.
var jsonBodyRoutes = []struct {
	method, path, body, field string
}{
	{"POST", "/api/v1/session", `{"email":"%s","password":"x"}`, "email"},
	{"PATCH", "/api/v1/me", `{"name":"%s"}`, "name"},
	{"PUT", "/api/v1/me/password", `{"current_password":"%s","new_password":"password-lunga"}`, "current_password"},
	{"POST", "/api/v1/password-resets", `{"email":"%s"}`, "email"},
	{"POST", "/api/v1/password-resets/:token", `{"password":"%s"}`, "password"},
	{"POST", "/api/v1/enrolments", `{"codice_ipa":"c_a001","referente":{"name":"%s"}}`, "referente.name"},
	{"POST", "/api/v1/admin/administrations/:id/reject", `{"reason":"%s"}`, "reason"},
	{"POST", "/api/v1/invitations", `{"email":"%s"}`, "email"},
	{"POST", "/api/v1/invitations/:token/accept", `{"name":"%s","email":"a@example.it"}`, "name"},
	{"PATCH", "/api/v1/admin/users/:id", `{"role":"%s"}`, "role"},
	{"POST", "/api/v1/admin/categories", `{"name_it":"%s"}`, "name_it"},
	{"PUT", "/api/v1/admin/categories/order", `{"ids":["bacheca","%s"]}`, "ids[1]"},
	{"PATCH", "/api/v1/admin/categories/:id", `{"name_it":"%s"}`, "name_it"},
	{"POST", "/api/v1/threads", `{"category_id":"bacheca","title":"Titolo","body":"ok","tags":["uno","%s"]}`, "tags[1]"},
	{"PATCH", "/api/v1/threads/:id", `{"title":"%s"}`, "title"},
	{"POST", "/api/v1/threads/:id/posts", `{"body":"%s"}`, "body"},
	{"PUT", "/api/v1/threads/:id/read", `{"n":"%s"}`, "n"},
	{"PATCH", "/api/v1/posts/:id", `{"body":"%s"}`, "body"},
	{"PUT", "/api/v1/drafts/:key", `{"body":"%s"}`, "body"},
	{"POST", "/api/v1/markdown/preview", `{"body":"%s"}`, "body"},
	{"POST", "/api/v1/notifications/read", `{"ids":["%s"]}`, "ids[0]"},
	{"POST", "/api/v1/rooms", `{"name":"%s","kind":"theme","access":"open","history":"full","presence":"names"}`, "name"},
	{"PATCH", "/api/v1/rooms/:id", `{"name":"%s"}`, "name"},
	{"POST", "/api/v1/rooms/:id/read", `{"seq":"%s"}`, "seq"},
	{"POST", "/api/v1/rooms/:id/mutes", `{"user_id":"%s","minutes":5}`, "user_id"},
	{"POST", "/api/v1/rooms/:id/messages", `{"client_id":"a","body":"%s"}`, "body"},
	{"PATCH", "/api/v1/rooms/:id/messages/:seq", `{"body":"%s"}`, "body"},
	{"POST", "/api/v1/rooms/:id/messages/:seq/reactions", `{"emoji":"%s"}`, "emoji"},
	{"POST", "/api/v1/rooms/:id/messages/:seq/reports", `{"reason":"spam","text":"%s"}`, "text"},
	{"POST", "/api/v1/rooms/:id/messages/:seq/promote", `{"category_id":"bacheca","title":"%s"}`, "title"},
	{"POST", "/api/v1/threads/:id/move", `{"category_id":"%s","reason":"x"}`, "category_id"},
	{"POST", "/api/v1/threads/:id/merge", `{"into_id":"%s","reason":"x"}`, "into_id"},
	{"POST", "/api/v1/threads/:id/split", `{"post_ids":["%s"],"title":"Titolo","reason":"x"}`, "post_ids[0]"},
	{"PUT", "/api/v1/moderation/users/:id/suspension", `{"reason":"%s"}`, "reason"},
	{"POST", "/api/v1/moderation/users/:id/reinstate", `{"reason":"%s"}`, "reason"},
	{"POST", "/api/v1/moderation/users/:id/notes", `{"body":"%s"}`, "body"},
	{"PUT", "/api/v1/admin/settings/enrolment", `{"deadline":null,"reason":"%s"}`, "reason"},
}

// bodylessRoutes are the unsafe routes that read no JSON body.
var bodylessRoutes = []string{
	"POST /api/v1/admin/administrations/:id/approve",
	"POST /api/v1/attachments", // multipart
	"PUT /api/v1/posts/:id/reactions/:kind",
	"PUT /api/v1/follows/threads/:id",
	"PUT /api/v1/follows/categories/:id",
	"POST /api/v1/rooms/:id/join",
}

// fill puts sample values into a route pattern's parameters.
func fill(path string) string {
	r := strings.NewReplacer(":token", "abc", ":kind", "like", ":key", "reply:1", ":id", "1", ":seq", "1")
	return r.Replace(path)
}

// TestJSONBodyRoutesListed keeps the tables above in step with the app:
// a new POST, PUT or PATCH route must say whether it reads JSON.
func TestJSONBodyRoutesListed(t *testing.T) {
	env := webtest.Start(t, nil)
	listed := map[string]bool{}
	for _, r := range jsonBodyRoutes {
		listed[r.method+" "+r.path] = true
	}
	for _, r := range bodylessRoutes {
		listed[r] = true
	}
	var missing []string
	for _, r := range env.Board.App.GetRoutes(true) {
		key := r.Method + " " + r.Path
		if (r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH") && strings.HasPrefix(r.Path, "/api/v1/") &&
			!strings.HasSuffix(r.Path, "*") && !listed[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("routes in neither jsonBodyRoutes nor bodylessRoutes: %v", missing)
	}
}

// TestJSONBodyMustBeObject: null, arrays, strings, numbers and booleans are
// refused with 400 body_not_object on every route that reads JSON, for an
// admin (who passes every role check); an empty body is bad_json.
func TestJSONBodyMustBeObject(t *testing.T) {
	env := webtest.Start(t, nil)
	admin, _ := env.Admin()
	for _, r := range jsonBodyRoutes {
		for _, body := range []string{"null", " null ", "[]", `[{"ids":[]}]`, `"x"`, "0", "true", "\n\t{"[:2] + "null"} {
			got := admin.Raw().Do(r.method, fill(r.path), body)
			if got.Status != 400 || got.ErrorCode() != "body_not_object" {
				t.Errorf("case %s %s %q: got %d %s, want 400 body_not_object", r.method, r.path, body, got.Status, got.Body)
			}
		}
		if got := admin.Raw().Do(r.method, fill(r.path), " "); got.Status != 400 || got.ErrorCode() != "bad_json" {
			t.Errorf("case %s %s blank body: got %d %s, want 400 bad_json", r.method, r.path, got.Status, got.Body)
		}
	}
}

// TestJSONBodyInvalidUnicode: a lone surrogate escape or invalid UTF-8 in
// any string value is a 400 naming that field, on every route that reads
// JSON; a valid escaped pair is not refused for its text.
func TestJSONBodyInvalidUnicode(t *testing.T) {
	env := webtest.Start(t, nil)
	admin, _ := env.Admin()
	for _, r := range jsonBodyRoutes {
		for _, bad := range []string{`ab\ud800cd`, `\udc00`, `\ud83d\u0041`, "a\xffb", "\xed\xa0\x80"} {
			got := admin.Raw().Do(r.method, fill(r.path), strings.Replace(r.body, "%s", bad, 1))
			fields := got.Fields()
			if got.Status != 400 || got.ErrorCode() != "validation_failed" || len(fields) != 1 || fields[r.field] == "" {
				t.Errorf("case %s %s %q: got %d %s, want 400 naming only %s", r.method, r.path, bad, got.Status, got.Body, r.field)
			}
		}
		got := admin.Raw().Do(r.method, fill(r.path), strings.Replace(r.body, "%s", `\ud83d\ude00 ok`, 1))
		if _, refused := got.Fields()[r.field]; refused && strings.Contains(string(got.Body), "Unicode") {
			t.Errorf("case %s %s valid pair: refused as invalid Unicode: %s", r.method, r.path, got.Body)
		}
	}
}

// A lone surrogate in a reply is refused and nothing is stored; the same
// text as a valid pair is stored as sent.
func TestLoneSurrogateReplyNotStored(t *testing.T) {
	env := webtest.Start(t, nil)
	c, _ := env.NewUser(account.RoleParticipant)
	th := newThread(t, c, "bacheca", "Surrogati")
	r := c.Expect(400, "POST", "/api/v1/threads/"+th.Thread.ID+"/posts", `{"body":"ab\ud800cd"}`)
	if msg := r.Fields()["body"]; !strings.Contains(msg, "Unicode") {
		t.Fatalf("field message %q, want one about Unicode", msg)
	}
	page := threadPage(t, c, "/api/v1/threads/"+th.Thread.ID)
	if len(page.Posts) != 1 {
		t.Fatalf("thread has %d posts after a refused reply, want 1", len(page.Posts))
	}
	p := reply(t, c, th.Thread.ID, "", "ab\U0001F600cd")
	if p.Body != "ab\U0001F600cd" {
		t.Fatalf("stored %q", p.Body)
	}
}

// POST /notifications/read with null used to mark everything read, like {}.
func TestNotificationsReadNullBody(t *testing.T) {
	env := webtest.Start(t, nil)
	c, u := env.NewUser(account.RoleParticipant)
	if err := env.Board.Notify.Notify(testenv.Ctx(t), notify.Input{UserIDs: []string{u.ID}, Kind: notify.KindReply,
		ThreadID: "t1", PostID: "t1-2", ThreadTitle: "Mensa", ActorID: "someone", ActorName: "Mario"}); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"null", "[]", `""`, "1", `{"ids":[]}`} {
		c.Raw().Expect(400, "POST", "/api/v1/notifications/read", body)
	}
	var a notificationsAnswer
	c.Expect(200, "GET", "/api/v1/notifications", nil).JSON(t, &a)
	if a.Unread != 1 {
		t.Fatalf("unread %d after refused bodies, want 1", a.Unread)
	}
	c.Expect(204, "POST", "/api/v1/notifications/read", "{}")
	c.Expect(200, "GET", "/api/v1/notifications", nil).JSON(t, &a)
	if a.Unread != 0 {
		t.Fatalf("unread %d after {}, want 0", a.Unread)
	}
}
