package store

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// countingHandler counts the attributes handed to it by WithAttrs.
type countingHandler struct {
	slog.Handler
	added *int
}

func (h countingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	*h.added += len(as)
	return countingHandler{h.Handler.WithAttrs(as), h.added}
}

func (h countingHandler) WithGroup(name string) slog.Handler {
	return countingHandler{h.Handler.WithGroup(name), h.added}
}

// The quiet handler drops FerretDB's debug records without formatting
// their attributes, and keeps an error with its attributes and groups.
func TestQuietHandlerFormatsOnlyWhatItKeeps(t *testing.T) {
	var buf bytes.Buffer
	added := 0
	inner := countingHandler{slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}), &added}
	log := slog.New(quietHandler{Handler: inner})
	stmt := log.With("sql", "INSERT INTO t VALUES (?)", "args", []any{1, 2}).WithGroup("pool").With("conn", 3)
	for range 100 {
		stmt.Debug("run statement")
		stmt.Warn("unsupported command")
	}
	if added != 0 || buf.Len() != 0 {
		t.Fatalf("dropped records: %d attributes formatted, output %q; want none", added, buf.String())
	}
	stmt.ErrorContext(context.Background(), "statement failed", "err", "disk full")
	got := buf.String()
	for _, want := range []string{`sql="INSERT INTO t VALUES (?)"`, "args=", "pool.conn=3", "pool.err=", "statement failed"} {
		if !strings.Contains(got, want) {
			t.Errorf("kept error %q lacks %q", got, want)
		}
	}
}
