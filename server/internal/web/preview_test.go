package web_test

import (
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

const previewPath = "/api/v1/markdown/preview"

func preview(t *testing.T, c *webtest.Client, body string) string {
	t.Helper()
	var out struct {
		HTML string `json:"html"`
	}
	c.Expect(200, "POST", previewPath, map[string]string{"body": body}).JSON(t, &out)
	return out.HTML
}

// TestMarkdownPreview: the composer's preview is the HTML a post would
// store, from the same sanitiser, and the endpoint is guarded like a write.
func TestMarkdownPreview(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, _ := env.NewUser(account.RoleParticipant)
	_, bruno := env.NewUser(account.RoleParticipant)

	for _, tc := range []struct{ name, body, want, absent string }{
		{"bold", "**SLA** e penali", "<strong>SLA</strong>", ""},
		{"known mention links", "ciao @" + bruno.Handle, `href="/users/` + bruno.Handle + `"`, ""},
		{"unknown mention stays text", "ciao @nessuno_tale", "@nessuno_tale", "href"},
		{"script dropped", "ok <script>alert(1)</script>", "ok", "<script"},
		{"javascript link blanked", "[x](javascript:alert(1))", "x", "javascript:"},
		{"event handler dropped", `<img src=x onerror=alert(1)>`, "", "onerror"},
		{"empty", "", "", "<"},
	} {
		got := preview(t, anna, tc.body)
		if !strings.Contains(got, tc.want) || (tc.absent != "" && strings.Contains(got, tc.absent)) {
			t.Errorf("case %s: got %q, want it to hold %q and not %q", tc.name, got, tc.want, tc.absent)
		}
	}

	// What the preview shows is what the post stores.
	body := "# Titolo\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n@" + bruno.Handle + " vedi [qui](https://example.it) `code`"
	th := newThread(t, anna, "assistenza", "Anteprima uguale")
	p := reply(t, anna, th.Thread.ID, "", body)
	if got := preview(t, anna, body); got != p.HTML {
		t.Errorf("preview %q, stored %q", got, p.HTML)
	}

	// Every payload of the shared corpus previews harmless.
	for _, payload := range testenv.Corpus(t, "xss.txt") {
		r := anna.Do("POST", previewPath, map[string]string{"body": payload})
		if r.Status == 400 && r.Fields()["body"] != "" {
			continue // control characters: refused as a post would be
		}
		var out struct {
			HTML string `json:"html"`
		}
		if r.Status != 200 {
			t.Fatalf("payload %q: status %d %s", payload, r.Status, r.Body)
		}
		r.JSON(t, &out)
		if msg := unsafeHTML(out.HTML); msg != "" {
			t.Errorf("payload %q: %s in %s", payload, msg, out.HTML)
		}
	}

	// Limits and guards.
	pendingRef := env.Client()
	pendingRef.Expect(201, "POST", "/api/v1/enrolments", enrolment("c_h501", "roma@example.it"))
	noToken := ""
	for _, tc := range []struct {
		name   string
		status int
		field  string
		code   string
		do     func() *webtest.Response
	}{
		{"too long", 400, "body", "", func() *webtest.Response {
			return anna.Raw().Do("POST", previewPath, map[string]string{"body": strings.Repeat("a", 50001)})
		}},
		{"control character", 400, "body", "", func() *webtest.Response {
			return anna.Do("POST", previewPath, map[string]string{"body": "a\x00b"})
		}},
		{"unknown field", 400, "html", "", func() *webtest.Response {
			return anna.Raw().Do("POST", previewPath, map[string]string{"html": "x"})
		}},
		{"no CSRF token", 403, "", "csrf_failed", func() *webtest.Response {
			return post(anna, previewPath, `{"body":"x"}`, &noToken, "")
		}},
		{"anonymous", 401, "", "", func() *webtest.Response {
			return env.Client().Do("POST", previewPath, map[string]string{"body": "x"})
		}},
		{"administration not approved", 403, "", "administration_pending", func() *webtest.Response {
			return pendingRef.Do("POST", previewPath, map[string]string{"body": "x"})
		}},
	} {
		r := tc.do()
		if r.Status != tc.status || (tc.field != "" && r.Fields()[tc.field] == "") || (tc.code != "" && r.ErrorCode() != tc.code) {
			t.Errorf("case %s: got %d %s, want %d (field %q, code %q)", tc.name, r.Status, r.Body, tc.status, tc.field, tc.code)
		}
	}
}

// TestDeleteReason: a moderator's reason stays on the placeholder for the
// author and every reader; only moderators give one.
func TestDeleteReason(t *testing.T) {
	env := webtest.Start(t, nil)
	author, _ := env.NewUser(account.RoleParticipant)
	reader, _ := env.NewUser(account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	th := newThread(t, author, "assistenza", "Motivi di eliminazione")
	byMod := reply(t, author, th.Thread.ID, "", "un messaggio fuori tema")
	byAuthor := reply(t, author, th.Thread.ID, "", "un messaggio ritirato")
	refused := reply(t, author, th.Thread.ID, "", "l'autore non dà motivi")

	for _, tc := range []struct {
		name   string
		c      *webtest.Client
		id     string
		body   any
		status int
		field  string
	}{
		{"author with a reason", author, refused.ID, map[string]string{"reason": "perché sì"}, 400, "reason"},
		{"reason too long", mod, refused.ID, map[string]string{"reason": strings.Repeat("x", 501)}, 400, "reason"},
		{"reason with a control character", mod, refused.ID, map[string]string{"reason": "a\x07b"}, 400, "reason"},
		{"moderator with a reason", mod, byMod.ID, map[string]string{"reason": "  Fuori tema: spostato in «Assistenza».  "}, 204, ""},
		{"author without a body", author, byAuthor.ID, nil, 204, ""},
	} {
		c := tc.c
		if tc.status == 400 {
			c = c.Raw() // bodies the contract refuses
		}
		r := c.Do("DELETE", "/api/v1/posts/"+tc.id, tc.body)
		if r.Status != tc.status || (tc.field != "" && r.Fields()[tc.field] == "") {
			t.Errorf("case %s: got %d %s, want %d (field %q)", tc.name, r.Status, r.Body, tc.status, tc.field)
		}
	}

	for _, c := range []*webtest.Client{author, reader, mod} {
		tp := threadPage(t, c, "/api/v1/threads/"+th.Thread.ID+"?view=flat")
		got := map[int]forum.PostView{}
		for _, p := range tp.Posts {
			got[p.N] = p
		}
		for _, want := range []struct {
			n       int
			deleted bool
			reason  string
		}{
			{byMod.N, true, "Fuori tema: spostato in «Assistenza»."},
			{byAuthor.N, true, ""},
			{refused.N, false, ""},
		} {
			p := got[want.n]
			if p.Deleted != want.deleted || p.DeleteReason != want.reason || (p.Deleted && p.Body != "") {
				t.Errorf("post %d: deleted %v reason %q body %q, want deleted %v reason %q", want.n, p.Deleted, p.DeleteReason, p.Body, want.deleted, want.reason)
			}
		}
	}
}
