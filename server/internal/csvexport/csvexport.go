// Package csvexport writes the board's CSV exports (the audit log, the
// experiences): RFC 4180 (fields quoted when they hold a comma, a quote or
// a line break, quotes doubled, CRLF line ends) and safe to open in a
// spreadsheet. A text cell a spreadsheet would read as a formula (it
// starts with = + - @, a tab or a carriage return) gets a leading single
// quote, as OWASP's "CSV injection" advice says; headers are text cells
// too. Numbers are written as numbers, so a negative number stays one.
package csvexport

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Writer writes one CSV document. (encoding/csv's writer, with CRLF line
// ends, drops a lone CR inside a field and writes a record of one empty
// field as an empty line, which readers skip: both lose data.)
type Writer struct {
	w   *bufio.Writer
	err error
}

// New returns a writer on w; call Flush at the end.
func New(w io.Writer) *Writer { return &Writer{w: bufio.NewWriter(w)} }

// Text is s as a safe text cell: valid UTF-8, and not read as a formula.
func Text(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Row writes one record. Strings are text cells (Text); integers, floats
// and booleans are written as they are; times as RFC 3339 in UTC; nil as
// an empty cell.
func (w *Writer) Row(cells ...any) error {
	if w.err != nil {
		return w.err
	}
	for i, c := range cells {
		var s string
		switch v := c.(type) {
		case nil:
		case string:
			s = Text(v)
		case int:
			s = strconv.Itoa(v)
		case int64:
			s = strconv.FormatInt(v, 10)
		case float64:
			s = strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			s = strconv.FormatBool(v)
		case time.Time:
			s = v.UTC().Format(time.RFC3339Nano)
		default:
			w.err = fmt.Errorf("csvexport: a cell of type %T", c) // the row is cut: the document is spoilt
			return w.err
		}
		if i > 0 {
			w.w.WriteByte(',')
		}
		if s == "" && len(cells) == 1 || strings.ContainsAny(s, ",\"\r\n") {
			w.w.WriteByte('"')
			w.w.WriteString(strings.ReplaceAll(s, `"`, `""`))
			w.w.WriteByte('"')
		} else {
			w.w.WriteString(s)
		}
	}
	if _, err := w.w.WriteString("\r\n"); err != nil {
		w.err = fmt.Errorf("csvexport: write: %w", err)
	}
	return w.err
}

// Flush writes what is buffered and reports the first error of any write.
func (w *Writer) Flush() error {
	if err := w.w.Flush(); err != nil && w.err == nil {
		w.err = fmt.Errorf("csvexport: write: %w", err)
	}
	return w.err
}
