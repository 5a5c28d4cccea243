// Package strictjson finds what encoding/json accepts silently but the
// board must refuse: text that is not valid Unicode (invalid UTF-8 bytes,
// \u escapes of lone surrogates, both decoded as U+FFFD) and a document
// that is not an object. The web layer's body decoder and the websocket
// frames both ask it, so every JSON input is held to the same rules.
package strictjson

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// IsObject reports whether data's first value starts as a JSON object; a
// document that is null, an array, a string or a number is not one.
func IsObject(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && data[0] == '{'
}

// InvalidText reports the first value (or key) whose text is not valid
// Unicode, and its path: dotted object keys and [i] array indexes, as
// problem.Validate names fields ("referente.name", "ids[2]"); "" is the
// whole document. A document that is not JSON is reported only if it holds
// invalid UTF-8: the decoder names its syntax error. One nested deeper than
// encoding/json allows is reported, at "".
func InvalidText(data []byte) (path string, found bool) {
	if utf8.Valid(data) && !bytes.Contains(data, []byte(`\ud`)) && !bytes.Contains(data, []byte(`\uD`)) {
		return "", false // the usual case (no surrogate escape), without a walk
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []container
	var prev int64
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", !utf8.Valid(data) // io.EOF, or a syntax error the decoder reports
		}
		raw := data[prev:dec.InputOffset()]
		prev = dec.InputOffset()
		var top *container
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				if len(stack) == maxDepth {
					return "", true // encoding/json refuses it too; the walk stays small
				}
				stack = append(stack, container{path: valuePath(stack), array: d == '[', wantKey: d == '{'})
				continue
			}
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				stack[len(stack)-1].next()
			}
			continue
		}
		if top != nil && top.wantKey {
			top.key = tok.(string)
			top.wantKey = false
			if !validString(raw) {
				return join(top.path, top.key), true
			}
			continue
		}
		if _, isString := tok.(string); isString && !validString(raw) {
			return valuePath(stack), true
		}
		if top != nil {
			top.next()
		}
	}
}

// maxDepth is encoding/json's own nesting limit.
const maxDepth = 10000

// container is an object or array being walked: its path, and where in it
// the walk is.
type container struct {
	path    string
	array   bool
	index   int
	key     string
	wantKey bool
}

// next moves past one value of the container.
func (c *container) next() {
	if c.array {
		c.index++
	} else {
		c.wantKey = true
	}
}

// valuePath is the path of the value about to be read.
func valuePath(stack []container) string {
	if len(stack) == 0 {
		return ""
	}
	c := stack[len(stack)-1]
	if c.array {
		return c.path + "[" + strconv.Itoa(c.index) + "]"
	}
	return join(c.path, c.key)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// validString reports whether the raw bytes of one string token (with what
// preceded it since the last token: separators and spaces) are valid UTF-8
// and escape no lone surrogate.
func validString(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	i := bytes.IndexByte(raw, '"')
	if i < 0 {
		return true
	}
	for i++; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			continue
		}
		i++ // the escaped character
		if raw[i] != 'u' {
			continue
		}
		r, ok := hex4(raw, i+1)
		if !ok {
			continue // the decoder refuses a malformed escape
		}
		i += 4
		if !utf16.IsSurrogate(r) {
			continue
		}
		if r >= 0xDC00 || i+6 >= len(raw) || raw[i+1] != '\\' || raw[i+2] != 'u' {
			return false // a low half first, or a high half alone
		}
		lo, ok := hex4(raw, i+3)
		if !ok || lo < 0xDC00 || lo > 0xDFFF {
			return false
		}
		i += 6
	}
	return true
}

// hex4 reads the four hex digits at raw[i:].
func hex4(raw []byte, i int) (rune, bool) {
	if i+4 > len(raw) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(raw[i:i+4]), 16, 32)
	return rune(n), err == nil
}
