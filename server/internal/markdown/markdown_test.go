package markdown

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/testenv"

	"golang.org/x/net/html"
)

// allowedTags is what the sanitiser may ever emit.
var allowedTags = map[string]bool{
	"p": true, "br": true, "hr": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"em": true, "strong": true, "del": true, "code": true, "pre": true, "blockquote": true,
	"ul": true, "ol": true, "li": true, "input": true, "table": true, "thead": true, "tbody": true,
	"tr": true, "th": true, "td": true, "a": true, "img": true,
}

var dangerousLiteral = regexp.MustCompile(`(?i)<\s*(script|iframe|object|embed|style|form|svg|math|link|meta|base)`)

// checkSafe fails unless html is made only of allowed elements whose
// attributes carry no handler and no script-capable URL. Text may mention
// "javascript:" (people discuss it), but only ever escaped, as text.
func checkSafe(t *testing.T, input, out string) {
	t.Helper()
	if m := dangerousLiteral.FindString(out); m != "" {
		t.Errorf("input %q: output has %q: %s", input, m, out)
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken && tt != html.EndTagToken {
			continue
		}
		tok := z.Token()
		if !allowedTags[tok.Data] {
			t.Errorf("input %q: element <%s> in %s", input, tok.Data, out)
		}
		for _, a := range tok.Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") || a.Key == "style" {
				t.Errorf("input %q: attribute %s in %s", input, a.Key, out)
			}
			v := strings.ToLower(strings.Map(func(r rune) rune {
				if r <= ' ' || r == 0x7f {
					return -1
				}
				return r
			}, a.Val))
			for _, bad := range []string{"javascript:", "vbscript:", "data:"} {
				if strings.Contains(v, bad) {
					t.Errorf("input %q: attribute %s=%q in %s", input, a.Key, a.Val, out)
				}
			}
			if tok.Data == "a" && a.Key == "href" && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") &&
				!strings.HasPrefix(v, "mailto:") && strings.Contains(strings.SplitN(v, "/", 2)[0], ":") {
				t.Errorf("input %q: link scheme %q", input, a.Val)
			}
		}
		if tok.Data == "input" && tt != html.EndTagToken {
			if !slices.ContainsFunc(tok.Attr, func(a html.Attribute) bool { return a.Key == "disabled" }) {
				t.Errorf("input %q: enabled <input> in %s", input, out)
			}
		}
		if tok.Data == "a" && tt == html.StartTagToken {
			if !slices.Contains(tok.Attr, html.Attribute{Key: "rel", Val: "nofollow noopener noreferrer"}) {
				t.Errorf("input %q: link without rel in %s", input, out)
			}
		}
	}
}

func TestRenderXSSCorpus(t *testing.T) {
	n := 0
	for _, line := range testenv.Corpus(t, "xss.txt") {
		n++
		// Alone, inside a paragraph, as link and image destinations, and
		// next to a mention, so each payload meets every code path.
		for _, in := range []string{
			line,
			"testo " + line + " fine",
			"[clic](" + line + ")",
			"![img](" + line + ")",
			"<" + line + ">",
			"@mario " + line,
		} {
			checkSafe(t, in, Render(in, map[string]string{"mario": "/utenti/mario"}))
		}
	}
	if n < 250 {
		t.Fatalf("only %d payloads read", n)
	}
}

func TestRenderGolden(t *testing.T) {
	mentions := map[string]string{"mario_rossi": "/utenti/mario_rossi", "c_h501": "/amministrazioni/c_h501"}
	tests := []struct {
		name, in, want string
	}{
		{"table",
			"| Fase | Giorni |\n|:--|--:|\n| Gara | **30** |",
			"<table>\n<thead>\n<tr>\n<th align=\"left\">Fase</th>\n<th align=\"right\">Giorni</th>\n</tr>\n</thead>\n" +
				"<tbody>\n<tr>\n<td align=\"left\">Gara</td>\n<td align=\"right\"><strong>30</strong></td>\n</tr>\n</tbody>\n</table>\n"},
		{"task list",
			"- [x] capitolato\n- [ ] contratto",
			"<ul>\n<li><input checked=\"\" disabled=\"\" type=\"checkbox\"> capitolato</li>\n<li><input disabled=\"\" type=\"checkbox\"> contratto</li>\n</ul>\n"},
		{"mentions known, unknown, in code and in links",
			"grazie @Mario_Rossi e @c_h501. `@mario_rossi` [@mario_rossi](/x) @nessuno info@comune.it",
			`<p>grazie <a class="mention" href="/utenti/mario_rossi" rel="nofollow noopener noreferrer">@Mario_Rossi</a> e ` +
				`<a class="mention" href="/amministrazioni/c_h501" rel="nofollow noopener noreferrer">@c_h501</a>. ` +
				`<code>@mario_rossi</code> <a href="/x" rel="nofollow noopener noreferrer">@mario_rossi</a> @nessuno ` +
				`<a href="mailto:info@comune.it" rel="nofollow noopener noreferrer">info@comune.it</a></p>` + "\n"},
		{"fenced code keeps markup as text",
			"```go\nfmt.Println(\"<b>@mario_rossi</b>\")\n```",
			"<pre><code class=\"language-go\">fmt.Println(&#34;&lt;b&gt;@mario_rossi&lt;/b&gt;&#34;)\n</code></pre>\n"},
		{"links: autolink, strikethrough, bad scheme dropped",
			"vedi www.agid.gov.it ~~vecchio~~ [x](javascript:alert(1)) [y](data:text/html,hi)",
			`<p>vedi <a href="http://www.agid.gov.it" rel="nofollow noopener noreferrer">www.agid.gov.it</a> <del>vecchio</del> ` +
				`<a rel="nofollow noopener noreferrer">x</a> <a rel="nofollow noopener noreferrer">y</a></p>` + "\n"},
		{"images: attachments and https only",
			"![a](/api/v1/attachments/0123456789abcdef01234567) ![b](https://example.org/b.png) ![c](http://example.org/c.png) ![d](/etc/passwd)",
			`<p><img src="/api/v1/attachments/0123456789abcdef01234567" alt="a"> <img src="https://example.org/b.png" alt="b"> ` +
				`<img alt="c"> <img alt="d"></p>` + "\n"},
		{"images: random attachment ids, not longer or shorter ones",
			"![a](/api/v1/attachments/Ab-_0123456789xyzXYZ_Q) ![b](/api/v1/attachments/Ab-_0123456789xyzXYZ_Qz) ![c](/api/v1/attachments/Ab-_0123456789xyzXYZ_)",
			`<p><img src="/api/v1/attachments/Ab-_0123456789xyzXYZ_Q" alt="a"> <img alt="b"> <img alt="c"></p>` + "\n"},
		{"raw html dropped",
			"ciao <b onclick=x>forte</b>\n\n<div>blocco</div>",
			"<p>ciao forte</p>\n\n"},
		{"headings, quotes, ordered lists",
			"## Titolo\n\n> citazione\n\n3. tre\n4. quattro",
			"<h2>Titolo</h2>\n<blockquote>\n<p>citazione</p>\n</blockquote>\n<ol start=\"3\">\n<li>tre</li>\n<li>quattro</li>\n</ol>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Render(tt.in, mentions)
			if got != tt.want {
				t.Errorf("Render(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			checkSafe(t, tt.in, got)
		})
	}
}

func TestMentions(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"@Mario ciao @mario e @c_h501, poi @luca.", []string{"mario", "c_h501", "luca"}},
		{"`@codice` e\n\n    @blocco\n\n```\n@fence\n```", nil},
		{"[@link](/x) scrivi a ufficio@comune.it", nil},
		{"(@anna) **@bruno** *@carla*", []string{"anna", "bruno", "carla"}},
	}
	for _, tt := range tests {
		if got := Mentions(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Mentions(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# Città\n\nÈ **pronto** il [capitolato](/x).", "Città\nÈ pronto il capitolato."},
		{"<script>alert(1)</script>\n\ntesto", "testo"},
		{"- uno\n- due\n\n```\ncodice\n```", "uno\ndue\ncodice"},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
