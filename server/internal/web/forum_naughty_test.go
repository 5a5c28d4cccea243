package web_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// Every odd string of the naughty corpus, and the ones a text file cannot
// hold, either comes back byte for byte (as a reply and as a draft) or is
// refused with a 4xx; never a 5xx.
func TestForumNaughtyStringsRoundTrip(t *testing.T) {
	env := webtest.Start(t, nil)
	c, _ := env.NewUser(account.RoleParticipant)
	th := newThread(t, c, "bacheca", "Stringhe insolite")
	lines := append(testenv.Corpus(t, "naughty.txt"),
		"", "\xc0\xaf", "\xed\xa0\x80", "\xff", "a\x80b", "nul\x00byte", "\xe0\x80\xaf")
	stored := 0
	for i, line := range lines {
		if i%2 == 1 && i < len(lines)-7 {
			continue // half the corpus as replies keeps the test quick; every generated string runs
		}
		// Invalid UTF-8 cannot travel inside a JSON string as is: send the raw bytes.
		body := rawJSON("body", line)
		r := c.Raw().Do("POST", "/api/v1/threads/"+th.Thread.ID+"/posts", body)
		switch {
		case r.Status >= 500:
			t.Fatalf("reply %d %q: %d %s", i, trunc(line), r.Status, r.Body)
		case r.Status == 201:
			var p forum.PostView
			r.JSON(t, &p)
			var got struct {
				Post forum.PostView `json:"post"`
			}
			c.Expect(200, "GET", "/api/v1/posts/"+p.ID, nil).JSON(t, &got)
			if got.Post.Body != line {
				t.Fatalf("reply %d: stored %q, sent %q", i, trunc(got.Post.Body), trunc(line))
			}
			stored++
		case r.Status < 400:
			t.Fatalf("reply %d: status %d", i, r.Status)
		}
		if i%4 != 0 {
			continue // drafts take the same decoder: fewer of them are enough
		}
		d := c.Raw().Do("PUT", "/api/v1/drafts/reply:"+th.Thread.ID, rawJSON("body", line))
		if d.Status >= 500 || d.Status < 200 || (d.Status >= 300 && d.Status < 400) {
			t.Fatalf("draft %d %q: %d %s", i, trunc(line), d.Status, d.Body)
		}
		if d.Status == 200 {
			var got struct {
				Body string `json:"body"`
			}
			c.Expect(200, "GET", "/api/v1/drafts/reply:"+th.Thread.ID, nil).JSON(t, &got)
			if got.Body != line {
				t.Fatalf("draft %d: stored %q, sent %q", i, trunc(got.Body), trunc(line))
			}
		}
	}
	if stored < len(lines)/4 {
		t.Fatalf("only %d of %d strings stored: the checks above prove little", stored, len(lines))
	}
}

// rawJSON builds {"key": value}, escaping valid UTF-8 as JSON does and
// leaving invalid bytes raw, as a hostile client would send them.
func rawJSON(key, value string) []byte {
	if utf8.ValidString(value) {
		b, _ := json.Marshal(map[string]string{key: value})
		return b
	}
	return []byte(`{"` + key + `":"` + strings.ReplaceAll(strings.ReplaceAll(value, `\`, `\\`), `"`, `\"`) + `"}`)
}

func trunc(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
