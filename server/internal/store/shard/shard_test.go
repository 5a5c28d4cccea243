package shard_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/store/shard"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// newMap is a map of ints over 4 shards in a fresh database.
func newMap(t *testing.T) (*store.Store, context.Context, *shard.Map[int]) {
	st := testenv.Store(t)
	return st, testenv.Ctx(t), shard.New[int](st, "maps", "values", 4)
}

// Keys land in the shard their hash names, Set replaces, Max only raises,
// and the whole map reads back by owner, by shard and over every owner.
func TestMap(t *testing.T) {
	_, ctx, m := newMap(t)
	keys := []string{"1", "2", "3", "10", "11", "12", "100"}
	for i, k := range keys {
		if err := m.Set(ctx, "u", k, i+1); err != nil {
			t.Fatal(err)
		}
		if got, want := m.IDOf("u", k), m.ID("u", int(shard.Hash(k)%4)); got != want {
			t.Errorf("IDOf(%s) = %s, want %s", k, got, want)
		}
	}
	if err := m.Set(ctx, "v", "1", 9); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		op         string
		key        string
		v, wantNow int
	}{
		{"max", "1", 0, 1},   // lower: stays
		{"max", "2", 20, 20}, // higher: raised
		{"set", "3", 0, 0},   // set: replaced
		{"max", "new", 5, 5}, // absent: created
	}
	for _, c := range cases {
		var err error
		if c.op == "max" {
			err = m.Max(ctx, "u", c.key, c.v)
		} else {
			err = m.Set(ctx, "u", c.key, c.v)
		}
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Load(ctx, []string{m.IDOf("u", c.key)})
		if err != nil {
			t.Fatal(err)
		}
		if got[0][c.key] != c.wantNow {
			t.Errorf("%s %s %d: now %d, want %d", c.op, c.key, c.v, got[0][c.key], c.wantNow)
		}
	}
	all, err := m.All(ctx, "u")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for k, vs := range all {
		for key := range vs {
			if m.Of(key) != k {
				t.Errorf("key %s in shard %d, want %d", key, k, m.Of(key))
			}
			n++
		}
	}
	if n != len(keys)+1 {
		t.Errorf("All holds %d keys, want %d", n, len(keys)+1)
	}
	if got, err := m.Load(ctx, []string{m.ID("nobody", 0)}); err != nil || got[0] != nil {
		t.Errorf("missing shard = %v %v, want nil", got, err)
	}
	scanned, err := m.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, vs := range scanned {
		total += len(vs)
	}
	if total != len(keys)+2 {
		t.Errorf("Scan holds %d values, want %d", total, len(keys)+2)
	}
}

// A map kept in one document per owner by an earlier layout is split over
// its shards, the old document goes, and splitting again changes nothing;
// $max keeps a newer value already in a shard.
func TestSplit(t *testing.T) {
	st, ctx, m := newMap(t)
	if _, err := st.C("maps").InsertOne(ctx, bson.M{"_id": "u", "values": bson.M{"a": 1, "b": 2, "c": 3, "d": 4}}); err != nil {
		t.Fatal(err)
	}
	if err := m.Max(ctx, "u", "b", 7); err != nil { // written by the new layout meanwhile
		t.Fatal(err)
	}
	for range 2 {
		if err := m.Split(ctx, "$max"); err != nil {
			t.Fatal(err)
		}
		all, err := m.All(ctx, "u")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, vs := range all {
			for k, v := range vs {
				got[k] = v
			}
		}
		want := map[string]int{"a": 1, "b": 7, "c": 3, "d": 4}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %d, want %d", k, got[k], v)
			}
		}
		if n, err := st.C("maps").CountDocuments(ctx, bson.M{"_id": "u"}); err != nil || n != 0 {
			t.Errorf("the unsplit document is still there (%d, %v)", n, err)
		}
	}
}

// A batch writes one update per shard and names the shards it wrote.
func TestBatch(t *testing.T) {
	_, ctx, m := newMap(t)
	b := m.Batch("$set")
	want := map[string]int{"x": 1, "y": 2, "z": 3, "w": 4, "q": 5}
	shards := map[string]bool{}
	for k, v := range want {
		b.Add("u", k, v)
		shards[m.IDOf("u", k)] = true
	}
	ids, err := b.Write(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(shards) {
		t.Errorf("wrote %d shards, want %d", len(ids), len(shards))
	}
	for k, v := range want {
		got, err := m.Load(ctx, []string{m.IDOf("u", k)})
		if err != nil || got[0][k] != v {
			t.Errorf("%s = %v (%v), want %d", k, got, err, v)
		}
	}
}
