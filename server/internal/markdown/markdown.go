// Package markdown is the one place where user markdown becomes HTML: it
// renders CommonMark + GFM with goldmark (raw HTML dropped), turns known
// @mentions into links, and sanitises the result with a strict allow-list.
// Raw markdown is what gets stored, so a stricter sanitiser can re-render
// everything later.
package markdown

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkRel goes on every link: user content is not endorsed (nofollow), and
// linked pages get neither a window handle nor the board's URL.
const linkRel = "nofollow noopener noreferrer"

// md is safe for concurrent use: goldmark keeps per-call state in the
// parser context.
var md = goldmark.New(
	goldmark.WithExtensions(
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
		extension.Linkify,
		extension.TaskList,
	),
	goldmark.WithParserOptions(
		parser.WithInlineParsers(util.Prioritized(mentionParser{}, 500)),
	),
	goldmark.WithRendererOptions(
		// No html.WithUnsafe: raw HTML in the source is dropped, and
		// goldmark blanks javascript:-style destinations before bluemonday
		// sees them.
		renderer.WithNodeRenderers(util.Prioritized(mentionRenderer{}, 500)),
	),
)

var (
	// Attachment ids: 22 base64url characters, or the 24 hex digits of
	// files uploaded before ids were random (package attachment).
	attachmentOrHTTPS = regexp.MustCompile(`^(?:/api/v1/attachments/(?:[0-9a-f]{24}|[A-Za-z0-9_-]{22})|https://\S+)$`)
	alignValue        = regexp.MustCompile(`^(?:left|right|center)$`)
	languageClass     = regexp.MustCompile(`^language-[A-Za-z0-9_+#.-]{1,40}$`)
	relValue          = regexp.MustCompile(`^` + linkRel + `$`)
	mentionClass      = regexp.MustCompile(`^mention$`)
)

// policy is the allow-list applied to everything goldmark produced.
var policy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
		"em", "strong", "del", "code", "pre", "blockquote",
		"ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("align").Matching(alignValue).OnElements("th", "td")
	p.AllowAttrs("class").Matching(languageClass).OnElements("code")
	// Task-list checkboxes: goldmark always renders them disabled and raw
	// HTML never reaches here, so no live form control can appear.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(?:|checked|disabled)$`)).OnElements("input")

	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.AllowAttrs("href", "title").OnElements("a")
	p.AllowAttrs("rel").Matching(relValue).OnElements("a")
	p.AllowAttrs("class").Matching(mentionClass).OnElements("a")
	p.AllowAttrs("src").Matching(attachmentOrHTTPS).OnElements("img")
	p.AllowAttrs("alt", "title").OnElements("img")
	return p
}()

// Doc is markdown parsed once, for everything a write needs of it: the
// handles it mentions, its HTML and its plain text.
type Doc struct {
	src  []byte
	root ast.Node
}

// Parse parses raw markdown.
func Parse(raw string) *Doc {
	src := []byte(raw)
	return &Doc{src: src, root: md.Parser().Parse(text.NewReader(src))}
}

// Render turns raw markdown into sanitised HTML (Doc.HTML).
func Render(raw string, mentions map[string]string) string { return Parse(raw).HTML(mentions) }

// Mentions lists the handles raw mentions (Doc.Mentions).
func Mentions(raw string) []string { return Parse(raw).Mentions() }

// PlainText is raw's text without markup (Doc.PlainText).
func PlainText(raw string) string { return Parse(raw).PlainText() }

// HTML is the document as sanitised HTML. mentions maps lowercased handles
// to the URL of their profile; a handle not in it stays plain text.
func (d *Doc) HTML(mentions map[string]string) string {
	_ = ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link, *ast.AutoLink:
			n.SetAttributeString("rel", []byte(linkRel))
		case *mentionNode:
			if !insideLink(n) {
				n.href = mentions[strings.ToLower(n.handle)]
			}
		}
		return ast.WalkContinue, nil
	})
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, d.src, d.root); err != nil {
		// Rendering writes to memory and cannot fail; if it ever does,
		// show nothing rather than half-sanitised output.
		return ""
	}
	return policy.Sanitize(buf.String())
}

// Mentions lists the handles mentioned outside code and links, lowercased
// and deduplicated, in order of first appearance.
func (d *Doc) Mentions() []string {
	var out []string
	seen := map[string]bool{}
	_ = ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if m, ok := n.(*mentionNode); ok && entering && !insideLink(m) {
			h := strings.ToLower(m.handle)
			if !seen[h] {
				seen[h] = true
				out = append(out, h)
			}
		}
		return ast.WalkContinue, nil
	})
	return out
}

// PlainText is the text a reader sees, without markup: for the search
// index and for excerpts in notifications. Blocks are separated by newlines.
func (d *Doc) PlainText() string {
	src := d.src
	var b strings.Builder
	_ = ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			switch {
			case n.Kind() == extast.KindTableCell:
				b.WriteByte(' ')
			case n.Type() == ast.TypeBlock && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n"):
				b.WriteByte('\n')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.AutoLink:
			b.Write(n.Label(src))
		case *mentionNode:
			b.WriteString("@" + n.handle)
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(src))
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p.(type) {
		case *ast.Link, *ast.AutoLink:
			return true
		}
	}
	return false
}
