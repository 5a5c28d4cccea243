package testenv

import (
	"bufio"
	"bytes"
	"embed"
	"strings"
	"testing"
)

// corpus holds the hostile-input corpora copied from ../shared/corpus (see
// corpus/README.md for their sources), so tests run from any checkout.
//
//go:embed corpus/*.txt
var corpus embed.FS

// Corpus returns the payloads of one corpus file ("xss.txt", "nosql.txt",
// "traversal.txt", "naughty.txt"): every line but blanks and # comments.
func Corpus(t testing.TB, name string) []string {
	t.Helper()
	data, err := corpus.ReadFile("corpus/" + name)
	if err != nil {
		t.Fatalf("corpus %s: %v", name, err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20) // some naughty lines are ~90 KB
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("corpus %s: %v", name, err)
	}
	if len(lines) == 0 {
		t.Fatalf("corpus %s is empty", name)
	}
	return lines
}
