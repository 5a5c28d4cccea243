package search

import (
	"slices"
	"testing"

	"github.com/cantieri/tavolo/server/internal/testenv"
)

func TestQueue(t *testing.T) {
	t.Run("batched puts answer like Put", func(t *testing.T) {
		ix := New(testenv.Store(t))
		q := ix.Async(nil)
		defer q.Close()
		ctx := testenv.Ctx(t)
		told := make(chan error, len(seedDocs))
		for _, d := range seedDocs {
			if err := q.Put(ctx, d, func(err error) { told <- err }); err != nil {
				t.Fatal(err)
			}
		}
		if err := q.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		// Every put was told it is in the index, before the flush returned.
		for i := range seedDocs {
			select {
			case err := <-told:
				if err != nil {
					t.Errorf("put %d told %v", i, err)
				}
			default:
				t.Fatalf("only %d of %d puts told they were applied", i, len(seedDocs))
			}
		}
		testQuery(t, ix)
	})
	t.Run("edits and removals in one batch, in order", func(t *testing.T) {
		ix := New(testenv.Store(t))
		ctx := testenv.Ctx(t)
		edited := Doc{PostID: "t2-1", ThreadID: "t2", N: 1, Title: "Contratto di manutenzione", Text: "Applicate le penali previste.",
			CategoryID: "esecuzione", AuthorID: "u1", AuthorName: "Mario Rossi", CreatedAt: day("2026-04-10")}
		// All in one PutMany: the later version of t2-1 wins.
		if err := ix.PutMany(ctx, append(slices.Clone(seedDocs), edited)); err != nil {
			t.Fatal(err)
		}
		q := ix.Async(nil)
		if err := q.Put(ctx, edited, nil); err != nil { // an edit of an indexed post
			t.Fatal(err)
		}
		removed := make(chan error, 1)
		if err := q.Remove(ctx, "t1-2", func(err error) { removed <- err }); err != nil {
			t.Fatal(err)
		}
		q.Close() // drains
		select {
		case err := <-removed:
			if err != nil {
				t.Errorf("removal told %v", err)
			}
		default:
			t.Error("removal not told it was applied")
		}
		for text, want := range map[string][]string{"qualita": nil, "penali": {"t2-1"}, "manutenzione": {"t2-1"}, "capitolato": {"t1-1"}} {
			r, err := ix.Query(ctx, Query{Text: text})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(r); !slices.Equal(got, want) {
				t.Errorf("%q: %v, want %v", text, got, want)
			}
		}
		if err := q.Put(ctx, edited, nil); err == nil {
			t.Fatal("put after close accepted")
		}
	})
}
