package outbox

import (
	"context"
	"testing"

	"github.com/cantieri/tavolo/server/internal/testenv"
)

// Work left to Later is a part of its entry: the entry goes once it
// succeeds and stays when it fails, on the worker as inline.
func TestLaterPart(t *testing.T) {
	cases := []struct {
		name       string
		background bool
		err        error
		kept       bool
	}{
		{"background, succeeds", true, nil, false},
		{"background, fails", true, errPart, true},
		{"inline, succeeds", false, nil, false},
		{"inline, fails", false, errPart, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, st := testenv.Ctx(t), testenv.Store(t)
			o := New(st, nil)
			defer o.Close()
			var l *Later
			if c.background {
				l = NewLater()
				defer l.Close()
			}
			w, err := o.Record(ctx, "test.job", job{Post: "7-3"})
			if err != nil {
				t.Fatal(err)
			}
			ran := false
			l.Part(ctx, w, func(context.Context) error { ran = true; return c.err })
			w.End(nil)
			if err := l.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if err := o.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if _, kept := stored(t, st)[w.Entry().ID]; !ran || kept != c.kept {
				t.Errorf("ran %v, entry kept %v; want ran, kept %v", ran, kept, c.kept)
			}
		})
	}
}
