package store_test

import (
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// InsertNew counts a document stored already as written, over several
// commands, and still reports any other failure.
func TestInsertNew(t *testing.T) {
	s := testenv.Store(t)
	ctx := testenv.Ctx(t)
	type doc struct {
		ID string `bson:"_id"`
		N  int    `bson:"n"`
	}
	docs := func(from, to int) []any {
		var out []any
		for i := from; i < to; i++ {
			out = append(out, doc{ID: fmt.Sprint("d", i), N: i})
		}
		return out
	}
	c := s.C("insert_new")
	// d3..d5 and d20 are stored first, with other values that must stay.
	for _, d := range []doc{{"d3", -3}, {"d4", -4}, {"d5", -5}, {"d20", -20}} {
		if _, err := c.InsertOne(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.InsertNew(ctx, c, docs(0, 25), 4); err != nil {
		t.Fatalf("InsertNew over stored ids: %v", err)
	}
	got := map[string]int{}
	cur, err := c.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var all []doc
	if err := cur.All(ctx, &all); err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		got[d.ID] = d.N
	}
	for i := range 25 {
		want := i
		if i >= 3 && i <= 5 || i == 20 {
			want = -i
		}
		if n, ok := got[fmt.Sprint("d", i)]; !ok || n != want {
			t.Errorf("d%d: got %d (stored %v), want %d", i, n, ok, want)
		}
	}
	if len(got) != 25 {
		t.Errorf("got %d documents, want 25", len(got))
	}

	// A failure other than a stored _id is an error.
	bad := []any{doc{ID: "e1"}, bson.D{{Key: "_id", Value: "e2"}, {Key: "$bad", Value: 1}}}
	if err := store.InsertNew(ctx, c, bad, 4); err == nil {
		t.Error("InsertNew of a document with a $ field: got no error, want one")
	}
}
