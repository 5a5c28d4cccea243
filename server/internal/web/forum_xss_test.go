package web_test

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/testenv"

	"golang.org/x/net/html"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// TestForumXSSCorpusRenderedHarmless posts every payload of the shared
// corpus through the API and inspects the HTML the forum stored and serves.
func TestForumXSSCorpusRenderedHarmless(t *testing.T) {
	payloads := testenv.Corpus(t, "xss.txt")
	if len(payloads) < 100 {
		t.Fatalf("only %d payloads", len(payloads))
	}

	for _, bad := range []string{`<img src=x onerror=alert(1)>`, `<a href=" JaVaScRiPt:x">`, `<script>x</script>`} {
		if unsafeHTML(bad) == "" {
			t.Fatalf("checker misses %s", bad)
		}
	}
	env := webtest.Start(t, nil)
	anna, _ := env.NewUser(account.RoleParticipant)
	th := newThread(t, anna, "assistenza", "Prove di sicurezza")
	post := func(body string) bool {
		r := anna.Do("POST", "/api/v1/threads/"+th.Thread.ID+"/posts", map[string]string{"body": body})
		if r.Status == 400 && r.Fields()["body"] != "" { // control characters: refused, nothing stored
			return false
		}
		if r.Status != 201 {
			t.Fatalf("payloads %q: status %d %s", body, r.Status, r.Body)
		}
		return true
	}
	// Eight payloads a post, each its own block (a blank line ends raw
	// HTML blocks), keep the test quick under -race; a refused batch is
	// posted again one payload at a time.
	refused := 0
	for i := 0; i < len(payloads); i += 8 {
		batch := payloads[i:min(i+8, len(payloads))]
		if post(strings.Join(batch, "\n\n")) {
			continue
		}
		for _, p := range batch {
			if !post(p) {
				refused++
			}
		}
	}
	t.Logf("%d payloads, %d refused", len(payloads), refused)
	checked := 0
	for page := 1; ; page++ {
		tp := threadPage(t, anna, fmt.Sprintf("/api/v1/threads/%s?view=flat&per_page=100&page=%d", th.Thread.ID, page))
		if len(tp.Posts) == 0 {
			break
		}
		for _, p := range tp.Posts {
			if msg := unsafeHTML(p.HTML); msg != "" {
				t.Errorf("post %d (%q): %s in %s", p.N, p.Body, msg, p.HTML)
			}
			checked++
		}
	}
	if checked < len(payloads)/8/2 {
		t.Fatalf("checked %d posts of %d payloads", checked, len(payloads))
	}
}

// unsafeHTML names the first thing in s that could run script, or "".
func unsafeHTML(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return ""
			}
			return z.Err().Error()
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "object", "embed", "style", "form", "svg", "math", "base", "meta", "link":
				return "element <" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				val := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" {
					return "attribute " + key
				}
				if key == "href" || key == "src" || key == "action" || key == "formaction" || key == "xlink:href" {
					for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
						if strings.HasPrefix(val, scheme) {
							return key + "=" + scheme
						}
					}
				}
			}
		}
	}
}
