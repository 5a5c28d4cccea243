package markdown

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// maxHandle is the longest handle accounts hands out; longer runs are not
// mentions.
const maxHandle = 30

// kindMention is the AST kind of an @handle.
var kindMention = ast.NewNodeKind("Mention")

// mentionNode is an @handle found in inline text. Being an inline parser,
// it never sees code spans or code blocks; links are checked by the caller.
type mentionNode struct {
	ast.BaseInline
	handle string // as typed, without "@"
	href   string // set before rendering when the handle is known
}

func (n *mentionNode) Kind() ast.NodeKind { return kindMention }

func (n *mentionNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Handle": n.handle}, nil)
}

// mentionParser reads "@handle" where the "@" does not follow a word
// character, so e-mail addresses are not mentions. It runs at "@" before
// the emphasis parser could split a handle at "_".
type mentionParser struct{}

func (mentionParser) Trigger() []byte { return []byte{'@'} }

func (mentionParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	if p := block.PrecendingCharacter(); isHandleByte(p) || p == '@' || p == '/' || p == '.' || p == '-' {
		return nil
	}
	line, _ := block.PeekLine()
	end := 1
	for end < len(line) && isHandleByte(rune(line[end])) {
		end++
	}
	if end == 1 || end-1 > maxHandle {
		return nil
	}
	n := &mentionNode{handle: string(line[1:end])}
	block.Advance(end)
	return n
}

// isHandleByte: handles (users' and codici IPA) are ASCII letters, digits
// and "_", matched ignoring case.
func isHandleByte(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'
}

// mentionRenderer writes a known mention as a link and an unknown one as
// the text that was typed.
type mentionRenderer struct{}

func (mentionRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMention, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		n := node.(*mentionNode)
		label := util.EscapeHTML([]byte("@" + n.handle))
		if n.href == "" {
			_, _ = w.Write(label)
			return ast.WalkContinue, nil
		}
		_, _ = w.WriteString(`<a class="mention" href="`)
		_, _ = w.Write(util.EscapeHTML(util.URLEscape([]byte(n.href), true)))
		_, _ = w.WriteString(`" rel="` + linkRel + `">`)
		_, _ = w.Write(label)
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	})
}
