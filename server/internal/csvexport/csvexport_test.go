package csvexport_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/csvexport"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

func write(t *testing.T, cells ...any) string {
	t.Helper()
	var b bytes.Buffer
	w := csvexport.New(&b)
	if err := w.Row(cells...); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Each cell written as RFC 4180 says, formulas neutralised, numbers kept.
func TestCells(t *testing.T) {
	cases := []struct {
		cell any
		want string
	}{
		{"testo", "testo\r\n"},
		{"=1+2", "'=1+2\r\n"},
		{"+39 06 1234", "'+39 06 1234\r\n"},
		{"-5", "'-5\r\n"}, // text that looks like a number is text
		{"@SUM(A1)", "'@SUM(A1)\r\n"},
		{"\tcella", "'\tcella\r\n"},
		{"\rcella", "\"'\rcella\"\r\n"},
		{"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n"},
		{"a,b", "\"a,b\"\r\n"},
		{"riga\nnuova", "\"riga\nnuova\"\r\n"},
		{"virgolette \"qui\"", "\"virgolette \"\"qui\"\"\"\r\n"},
		{"a=b", "a=b\r\n"},
		{"", "\"\"\r\n"},
		{"\xff\xfe", "\uFFFD\r\n"},
		{-5, "-5\r\n"},
		{int64(-12), "-12\r\n"},
		{-1.5, "-1.5\r\n"},
		{true, "true\r\n"},
		{nil, "\"\"\r\n"},
		{time.Date(2026, 12, 2, 4, 5, 6, 0, time.FixedZone("CET", 3600)), "2026-12-02T03:05:06Z\r\n"},
	}
	for _, c := range cases {
		if got := write(t, c.cell); got != c.want {
			t.Errorf("cell %#v: got %q, want %q", c.cell, got, c.want)
		}
	}
	if got, want := write(t, "=a", 1, "b"), "'=a,1,b\r\n"; got != want {
		t.Errorf("row: got %q, want %q", got, want)
	}
	var b bytes.Buffer
	if err := csvexport.New(&b).Row(struct{}{}); err == nil {
		t.Error("a struct cell was written, want an error")
	}
}

// Every hostile string of the corpora reads back, through a CSV reader,
// as one cell equal to the string (formula prefixes neutralised by one
// leading quote, invalid UTF-8 replaced): no cell starts a formula.
func TestCorpusRoundTrip(t *testing.T) {
	for _, name := range []string{"naughty.txt", "xss.txt", "nosql.txt"} {
		payloads := testenv.Corpus(t, name)
		var b bytes.Buffer
		w := csvexport.New(&b)
		for _, p := range payloads {
			if err := w.Row(p, 7); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(&b)
		r.FieldsPerRecord = 2
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: reading the export back: %v", name, err)
		}
		if len(rows) != len(payloads) {
			t.Fatalf("%s: %d rows, want %d", name, len(rows), len(payloads))
		}
		for i, p := range payloads {
			want := strings.ToValidUTF8(p, "\uFFFD")
			if want != "" && strings.ContainsRune("=+-@\t\r", rune(want[0])) {
				want = "'" + want
			}
			// encoding/csv reads \r\n inside a quoted field as \n.
			want = strings.ReplaceAll(want, "\r\n", "\n")
			if rows[i][0] != want || rows[i][1] != "7" {
				t.Errorf("%s line %d: got %q, want %q", name, i, rows[i], want)
			}
			if c := rows[i][0]; c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("%s line %d: cell %q starts a formula", name, i, c)
			}
		}
	}
}
