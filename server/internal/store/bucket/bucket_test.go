package bucket_test

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/store/bucket"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

type item struct {
	Text string `bson:"text"`
	Rev  int    `bson:"rev"`
}

var layout = bucket.Layout{Field: "items", Size: 3, Legacy: 5}

func TestLayout(t *testing.T) {
	cases := []struct {
		ref       bucket.Ref
		n         int
		id        string
		first     int
		sizeOfRef int
	}{
		{bucket.Ref{Owner: "u", Size: 3}, 0, "u#0", 0, 3},
		{bucket.Ref{Owner: "u", Size: 3}, 2, "u#0", 0, 3},
		{bucket.Ref{Owner: "u", Size: 3}, 7, "u#2", 6, 3},
		{bucket.Ref{Owner: "u"}, 7, "u#1", 5, 5}, // a head without a size: Legacy
		{bucket.Ref{Owner: "u", Size: 10}, 7, "u#0", 0, 10},
	}
	for _, c := range cases {
		if got := layout.ID(c.ref, c.n); got != c.id {
			t.Errorf("ID(%+v, %d) = %q, want %q", c.ref, c.n, got, c.id)
		}
		if got := layout.First(c.ref, c.n); got != c.first {
			t.Errorf("First(%+v, %d) = %d, want %d", c.ref, c.n, got, c.first)
		}
		if got := layout.SizeOf(c.ref); got != c.sizeOfRef {
			t.Errorf("SizeOf(%+v) = %d, want %d", c.ref, got, c.sizeOfRef)
		}
	}
	if got, want := layout.Path(4, "rev"), "items.4.rev"; got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
}

// Items written one by one, or in bulk, read back where the layout puts
// them, alone or by range; a guarded update applies only while its
// condition holds, on a store with several writers as on the sole writer
// (whose caller's lock is the check: here nothing races).
func TestList(t *testing.T) {
	for _, shared := range []bool{false, true} {
		st := testenv.Store(t)
		if shared {
			st = st.Shared()
		}
		ctx := testenv.Ctx(t)
		l := bucket.New[item](st, "things", layout)
		r := bucket.Ref{Owner: "u", Size: 3}
		for n := 1; n <= 7; n++ {
			if err := l.Put(ctx, r, n, item{Text: string(rune('a' + n))}); err != nil {
				t.Fatal(err)
			}
		}
		var raw struct {
			Items map[string]item `bson:"items"`
		}
		if err := st.C("things").FindOne(ctx, bson.M{"_id": "u#2"}).Decode(&raw); err != nil || len(raw.Items) != 2 || raw.Items["7"].Text != "h" {
			t.Fatalf("bucket u#2 holds %+v (%v), want items 6 and 7", raw.Items, err)
		}
		got, err := l.Load(ctx, r, 2, 4)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 5 || got[1].Text != "b" || got[5].Text != "f" { // buckets 0 and 1: items 1 to 5
			t.Fatalf("Load(2, 4) = %+v, want items 1 to 5", got)
		}
		if it, ok, err := l.Get(ctx, r, 4); err != nil || !ok || it.Text != "e" {
			t.Fatalf("Get(4) = %+v %v %v", it, ok, err)
		}
		if _, ok, err := l.Get(ctx, r, 40); err != nil || ok {
			t.Fatalf("Get(40) found = %v (%v), want none", ok, err)
		}
		if err := l.Update(ctx, r, 4, bson.M{"$set": bson.M{l.Path(4, "text"): "E"}}); err != nil {
			t.Fatal(err)
		}
		staleRev := 1 // a stale condition is refused where the filter checks it
		if !shared {
			staleRev = 2 // the sole writer leaves the check to the caller's lock
		}
		cases := []struct {
			rev       int
			wantMatch bool
			wantRev   int
		}{
			{0, true, 1},
			{5, !shared, staleRev},
		}
		for _, c := range cases {
			m, err := l.UpdateIf(ctx, r, 4, bson.M{"rev": c.rev}, bson.M{"$inc": bson.M{l.Path(4, "rev"): 1}})
			if err != nil {
				t.Fatal(err)
			}
			it, _, _ := l.Get(ctx, r, 4)
			if m != c.wantMatch || it.Rev != c.wantRev || it.Text != "E" {
				t.Errorf("shared %v: UpdateIf(rev %d): matched %v, item %+v; want matched %v, rev %d", shared, c.rev, m, it, c.wantMatch, c.wantRev)
			}
		}
		// UpdateMany: items of two buckets, a $set and an $unset in one of
		// them, each item as asked, the others untouched.
		if err := l.UpdateMany(ctx, r, map[int]bson.M{
			1: {"$set": bson.M{l.Path(1, "text"): "B"}},
			2: {"$unset": bson.M{l.Path(2, "text"): ""}},
			7: {"$set": bson.M{l.Path(7, "text"): "H"}},
		}); err != nil {
			t.Fatal(err)
		}
		all, err := l.Load(ctx, r, 0, 7)
		if err != nil {
			t.Fatal(err)
		}
		for n, want := range map[int]string{1: "B", 2: "", 3: "d", 6: "g", 7: "H"} {
			if all[n].Text != want {
				t.Errorf("shared %v: after UpdateMany item %d text %q, want %q", shared, n, all[n].Text, want)
			}
		}
		// Bulk documents of a legacy-sized list read back through the same layout.
		legacy := bucket.Ref{Owner: "old"}
		docs := l.Docs(legacy, map[int]item{1: {Text: "x"}, 4: {Text: "y"}, 5: {Text: "z"}})
		if len(docs) != 2 {
			t.Fatalf("%d bulk documents, want 2", len(docs))
		}
		if _, err := st.C("things").InsertMany(ctx, docs); err != nil {
			t.Fatal(err)
		}
		if got, err := l.Load(ctx, legacy, 0, 9); err != nil || len(got) != 3 || got[5].Text != "z" {
			t.Fatalf("legacy Load = %+v %v", got, err)
		}
	}
}
