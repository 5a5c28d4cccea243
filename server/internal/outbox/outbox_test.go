package outbox

import (
	"context"
	"errors"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

type job struct {
	Post string `bson:"post"`
}

func stored(t *testing.T, st *store.Store) map[string]Entry {
	t.Helper()
	cur, err := st.C(collection).Find(testenv.Ctx(t), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var es []Entry
	if err := cur.All(testenv.Ctx(t), &es); err != nil {
		t.Fatal(err)
	}
	out := map[string]Entry{}
	for _, e := range es {
		out[e.ID] = e
	}
	return out
}

var errPart = errors.New("index unavailable")

// An entry goes once the recorder and every part have reported success;
// any failure, or a part that never reports (the process died), keeps it.
func TestEntryKeptUntilEveryPartSucceeds(t *testing.T) {
	cases := []struct {
		name  string
		parts []error // each part's outcome; nil entries succeed
		end   error   // the recorder's
		open  bool    // one more part never reports
		kept  bool
	}{
		{name: "no parts", kept: false},
		{name: "every part succeeds", parts: []error{nil, nil}, kept: false},
		{name: "a part fails", parts: []error{nil, errPart}, kept: true},
		{name: "the recorder fails", parts: []error{nil}, end: errPart, kept: true},
		{name: "a part never reports", parts: []error{nil}, open: true, kept: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := testenv.Ctx(t)
			st := testenv.Store(t)
			o := New(st, nil)
			defer o.Close()
			w, err := o.Record(ctx, "test.job", job{Post: "7-3"})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := stored(t, st)[w.Entry().ID]; !ok {
				t.Fatalf("case %s: entry not stored when recorded", c.name)
			}
			var dones []func(error)
			for range c.parts {
				dones = append(dones, w.Part())
			}
			if c.open {
				w.Part()
			}
			w.End(c.end)
			for i, done := range dones {
				done(c.parts[i])
				done(nil) // a second report changes nothing
			}
			if err := o.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if _, kept := stored(t, st)[w.Entry().ID]; kept != c.kept {
				t.Errorf("case %s: entry kept %v, want %v", c.name, kept, c.kept)
			}
		})
	}
}

// Recover hands every entry of an earlier run to its kind's redo, with the
// data and time recorded; an entry goes once the redo's parts succeed, and
// stays when its redo fails or its kind has no handler.
func TestRecoverRedoesEarlierEntries(t *testing.T) {
	ctx := testenv.Ctx(t)
	st := testenv.Store(t)
	before := New(st, nil)
	ids := map[string]string{}
	for _, post := range []string{"ok", "fails", "orphan"} {
		kind := "test.job"
		if post == "orphan" {
			kind = "test.unknown"
		}
		w, err := before.Record(ctx, kind, job{Post: post})
		if err != nil {
			t.Fatal(err)
		}
		ids[post] = w.Entry().ID
		w.Part() // never reports: the process "dies"
		w.End(nil)
	}
	before.Close()
	recorded := stored(t, st)

	after := New(st, nil)
	defer after.Close()
	redone := map[string]Entry{}
	var parts []func(error)
	after.Handle("test.job", func(ctx context.Context, w *Work) error {
		var j job
		if err := w.Entry().Decode(&j); err != nil {
			return err
		}
		redone[j.Post] = w.Entry()
		if j.Post == "fails" {
			return errPart
		}
		parts = append(parts, w.Part())
		return nil
	})
	if err := after.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	for _, post := range []string{"ok", "fails"} {
		e, ok := redone[post]
		want := recorded[ids[post]]
		if !ok || e.ID != want.ID || !e.CreatedAt.Equal(want.CreatedAt) {
			t.Errorf("case %s: redone as %+v (%v), want %+v", post, e, ok, want)
		}
	}
	if _, ok := redone["orphan"]; ok {
		t.Error("case orphan: an entry of an unknown kind was redone")
	}
	if err := after.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, kept := stored(t, st)[ids["ok"]]; !kept {
		t.Error("case ok: deleted before the redo's part reported")
	}
	for _, done := range parts {
		done(nil)
	}
	if err := after.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	left := stored(t, st)
	for post, want := range map[string]bool{"ok": false, "fails": true, "orphan": true} {
		if _, kept := left[ids[post]]; kept != want {
			t.Errorf("case %s: kept %v after the redo, want %v", post, kept, want)
		}
	}
}
