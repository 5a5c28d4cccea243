package web_test

import (
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// getRoute is a GET route with the query parameters it reads.
type getRoute struct {
	pattern string
	params  []string
}

var getRoutes = []getRoute{
	{"/healthz", nil},
	{"/readyz", nil},
	{"/ws", nil},
	{"/api/v1/openapi.json", nil},
	{"/api/v1/session", nil},
	{"/api/v1/me", nil},
	{"/api/v1/administrations", nil},
	{"/api/v1/admin/enrolments", []string{"status"}},
	{"/api/v1/invitations/:token", nil},
	{"/api/v1/admin/users", []string{"q", "page", "per_page"}},
	{"/api/v1/categories", nil},
	{"/api/v1/categories/:id/threads", []string{"page", "per_page"}},
	{"/api/v1/threads", []string{"page", "per_page"}},
	{"/api/v1/threads/:id", []string{"view", "page", "per_page"}},
	{"/api/v1/posts/:id", []string{"per_page"}},
	{"/api/v1/posts/:id/history", nil},
	{"/api/v1/posts/:id/deleted", nil},
	{"/api/v1/drafts/:key", nil},
	{"/api/v1/attachments/:id", nil},
	{"/api/v1/search", []string{"q", "category", "author", "administration", "from", "to", "page", "per_page"}},
	{"/api/v1/notifications", []string{"page"}},
	{"/api/v1/mentions", []string{"q"}},
	{"/api/v1/moderation/users/:id", nil},
	{"/api/v1/admin/audit", []string{"actor", "action", "target", "place", "from", "to", "cursor", "limit"}},
	{"/api/v1/admin/audit/export", []string{"actor", "action", "target", "place", "from", "to", "format"}},
	{"/api/v1/rooms", nil},
	{"/api/v1/rooms/:id", nil},
	{"/api/v1/rooms/:id/messages", []string{"before", "after", "limit"}},
	{"/api/v1/rooms/:id/messages/:seq/history", nil},
	{"/api/v1/rooms/:id/messages/:seq/replies", nil},
	{"/api/v1/*", nil},
	{"/api/*", nil},
}

// TestGetRoutesListed keeps getRoutes in step with the app.
func TestGetRoutesListed(t *testing.T) {
	env := webtest.Start(t, nil)
	listed := map[string]bool{}
	for _, r := range getRoutes {
		listed[r.pattern] = true
	}
	for _, r := range env.Board.App.GetRoutes(true) {
		if r.Method == "GET" && !listed[r.Path] {
			t.Errorf("GET %s is not in getRoutes: list its query parameters", r.Path)
		}
	}
}

// queryFixture is a board with an admin and a thread, and the paths of
// every GET route filled with ids that exist.
func queryFixture(t *testing.T) (*webtest.Env, *webtest.Client, func(string) string) {
	env := webtest.Start(t, nil)
	admin, _ := env.Admin()
	th := newThread(t, admin, "bacheca", "Parametri ostili")
	fill := strings.NewReplacer(":token", "abc", ":key", "reply:"+th.Thread.ID, ":id/threads", "bacheca/threads",
		"threads/:id", "threads/"+th.Thread.ID, "posts/:id", "posts/"+th.Post.ID, ":id", "x", "*", "nessuna").Replace
	return env, admin, fill
}

// TestQueryParametersHostileValues sends the hostile corpora as the value
// of every query parameter of every GET route (and as an unknown parameter
// of routes that read none): never a 5xx. The corpus lines are dealt out
// over the routes (every route gets some of each corpus, on each of its
// parameters in turn: all of them to every route took a minute); the
// generated values go to every parameter of every route.
func TestQueryParametersHostileValues(t *testing.T) {
	_, admin, fill := queryFixture(t)
	var lines []string
	for _, f := range []string{"nosql.txt", "naughty.txt", "traversal.txt"} {
		lines = append(lines, testenv.Corpus(t, f)...)
	}
	generated := []string{"", "\x00", "a\x00", "%00", "\xff", "a\x80b", "\xc0\xaf", "\xed\xa0\x80", "\xe0\x80\xaf",
		"-1", "0", "-9999999999999999999999", "99999999999999999999", "1e3", "0x10", "1.5", " 1", "NaN",
		strings.Repeat("a", 5000), "\u202e", "\t", "[]", "{}", "$ne", "__proto__"}
	n := 0
	for ri, r := range getRoutes {
		params := r.params
		if len(params) == 0 {
			params = []string{"q"}
		}
		path := fill(r.pattern)
		send := func(param, value string) {
			n++
			q := url.Values{param: {value}}
			if r.pattern == "/api/v1/search" && param != "q" {
				q.Set("q", "parametri") // so the others are read too
			}
			target := admin.Env.Base + path + "?" + q.Encode()
			res, err := admin.HTTP.Get(target)
			if err != nil {
				// fasthttp drops a request whose head overflows its 16 KiB
				// read buffer (app.go) before any handler runs.
				if len(target) < 16<<10 {
					t.Errorf("case GET %s ?%s=%.60q: %v", r.pattern, param, value, err)
				}
				return
			}
			body, _ := io.ReadAll(io.LimitReader(res.Body, 300))
			res.Body.Close()
			if res.StatusCode >= 500 {
				t.Errorf("case GET %s ?%s=%.60q: got %d %s, want no 5xx", r.pattern, param, value, res.StatusCode, body)
			}
		}
		for i := ri; i < len(lines); i += len(getRoutes) {
			send(params[(i/len(getRoutes))%len(params)], lines[i])
		}
		for _, p := range params {
			for _, v := range generated {
				send(p, v)
			}
		}
	}
	t.Logf("%d requests", n)
}

// TestQueryParametersRefused: bad values are a 400 naming the parameter,
// with a message a person understands; good ones still work.
func TestQueryParametersRefused(t *testing.T) {
	env, admin, fill := queryFixture(t)
	participant, _ := env.NewUser(account.RoleParticipant)
	cases := []struct {
		path, field, message string // message: part of the Italian field text
	}{
		{"/api/v1/admin/users?q=a%00", "q", "caratteri non ammessi"},
		{"/api/v1/admin/users?q=%ff", "q", "Unicode"},
		{"/api/v1/admin/users?q=" + strings.Repeat("a", 101), "q", "al massimo 100"},
		{"/api/v1/admin/users?q=" + strings.Repeat("a", 1025), "q", "al massimo 1024"},
		{"/api/v1/admin/users?page=-1", "page", "non valido"},
		{"/api/v1/admin/users?page=abc", "page", "numero intero"},
		{"/api/v1/admin/users?per_page=1000", "per_page", "non valido"},
		{"/api/v1/admin/users?per_page=0", "per_page", "non valido"},
		{"/api/v1/admin/enrolments?status=%00", "status", "caratteri non ammessi"},
		{"/api/v1/admin/enrolments?status=tutte", "status", "non ammesso"},
		{"/api/v1/categories/:id/threads?page=0", "page", "non valido"},
		{"/api/v1/categories/:id/threads?per_page=x", "per_page", "numero intero"},
		{"/api/v1/threads?page=-3", "page", "non valido"},
		{"/api/v1/threads?per_page=101", "per_page", "non valido"},
		{"/api/v1/threads/:id?view=grid", "view", "non ammesso"},
		{"/api/v1/threads/:id?page=1.5", "page", "numero intero"},
		{"/api/v1/posts/:id?per_page=%00", "per_page", "caratteri non ammessi"},
		{"/api/v1/notifications?page=-1", "page", "non valido"},
		{"/api/v1/notifications?page=99999999999999999999", "page", "numero intero"},
		{"/api/v1/mentions?q=%ff", "q", "Unicode"},
		{"/api/v1/search?q=ab&page=abc", "page", "numero intero"},
		{"/api/v1/search?q=ab&from=ieri", "from", "non valido"},
		{"/api/v1/search?q=a%00b", "q", "caratteri non ammessi"},
	}
	for _, tc := range cases {
		got := admin.Do("GET", fill(tc.path), nil)
		msg := got.Fields()[tc.field]
		if got.Status != 400 || got.ErrorCode() != "validation_failed" || len(got.Fields()) != 1 || !strings.Contains(msg, tc.message) {
			t.Errorf("case %s: got %d %s, want 400 naming only %s with %q", tc.path, got.Status, got.Body, tc.field, tc.message)
		}
	}
	// Good values, and empty ones (the defaults), still answer.
	for _, path := range []string{
		"/api/v1/admin/users?q=utente&page=1&per_page=100", "/api/v1/admin/users?q=a.*(", "/api/v1/admin/users?q=&page=",
		"/api/v1/admin/enrolments?status=approved", "/api/v1/threads/:id?view=flat&page=1&per_page=100",
		"/api/v1/categories/:id/threads?page=2", "/api/v1/notifications?page=3", "/api/v1/search?q=parametri&page=2&per_page=5",
	} {
		if got := admin.Do("GET", fill(path), nil); got.Status != 200 {
			t.Errorf("case %s: got %d %s, want 200", path, got.Status, got.Body)
		}
	}
	// The regex-looking text matches literally: no user's name holds it.
	var list struct {
		Total int `json:"total"`
	}
	admin.Expect(200, "GET", "/api/v1/admin/users?q=.*", nil).JSON(t, &list)
	if list.Total != 0 {
		t.Errorf("q=.* matched %d users, want 0", list.Total)
	}
	participant.Expect(403, "GET", "/api/v1/admin/users?q=a%00", nil)
}
