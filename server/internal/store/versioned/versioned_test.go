package versioned_test

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/store/versioned"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

type doc struct {
	Title   string   `bson:"title"`
	Tags    []string `bson:"tags"`
	Version int64    `bson:"version"`
}

func opts() versioned.Options[doc] {
	return versioned.Options[doc]{Version: "version", Max: 100, TTL: time.Minute,
		Copy: func(d doc) doc { d.Tags = append([]string(nil), d.Tags...); return d }}
}

// What another instance writes (straight to the store, without Written):
// Current shows it at once where several instances write; the sole writer
// keeps its copy until its own write drops it. Recent keeps it for TTL.
func TestCurrent(t *testing.T) {
	cases := []struct {
		name          string
		shared        bool
		wantAfterEdit string // Current, then Recent, after another writer's edit
	}{
		{"several writers", true, "B"}, // Current keeps nothing: Recent reads B and keeps it
		{"sole writer", false, "A"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, ctx := testenv.Store(t), testenv.Ctx(t)
			if c.shared {
				st = st.Shared()
			}
			d := versioned.New(st, "docs", opts())
			if _, ok, err := d.Current(ctx, "x"); err != nil || ok {
				t.Fatalf("missing: ok %v, %v", ok, err)
			}
			if _, err := st.C("docs").InsertOne(ctx, bson.M{"_id": "x", "title": "A", "tags": []string{"t"}}); err != nil {
				t.Fatal(err)
			}
			got, ok, err := d.Current(ctx, "x")
			if err != nil || !ok || got.Title != "A" {
				t.Fatalf("first read: %+v %v %v", got, ok, err)
			}
			got.Tags[0] = "changed by the caller"
			if _, err := st.C("docs").UpdateOne(ctx, bson.M{"_id": "x"}, bson.M{"$set": bson.M{"title": "B"}}); err != nil {
				t.Fatal(err)
			}
			got, _, _ = d.Current(ctx, "x")
			if got.Title != c.wantAfterEdit || got.Tags[0] != "t" {
				t.Errorf("after another writer's edit: %+v, want title %s and the stored tag", got, c.wantAfterEdit)
			}
			if got, _, _ := d.Recent(ctx, "x"); got.Title != c.wantAfterEdit {
				t.Errorf("Recent within TTL: %+v, want %s", got, c.wantAfterEdit)
			}
			if err := d.Bump(ctx, "x"); err != nil {
				t.Fatal(err)
			}
			got, _, _ = d.Current(ctx, "x")
			if got.Title != "B" || got.Version != 1 {
				t.Errorf("after Bump: %+v, want B at version 1", got)
			}
		})
	}
}

// The cache serves a value only at the version it was derived at, keeps
// the newer of two puts, refuses values larger than a quarter of it and
// evicts the least recently used.
func TestCache(t *testing.T) {
	c := versioned.NewCache(1000)
	v1, v2 := versioned.Version{1, 0}, versioned.Version{2, 0}
	c.Put("a", v2, "a2", 100)
	c.Put("a", v1, "a1", 100) // older, read concurrently: ignored
	steps := []struct {
		key     string
		version versioned.Version
		want    any
	}{
		{"a", v2, "a2"},
		{"a", v1, nil},
		{"b", v1, nil},
	}
	for _, s := range steps {
		got, _ := c.Get(s.key, s.version)
		if got != s.want {
			t.Errorf("Get(%s, %v) = %v, want %v", s.key, s.version, got, s.want)
		}
	}
	c.Put("big", v1, "big", 251)
	if got, ok := c.Get("big", v1); ok {
		t.Errorf("a value over a quarter of the cache was kept: %v", got)
	}
	for _, k := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		c.Put(k, v1, k, 200)
		c.Get("a", v2) // a stays the most recently used
	}
	if _, ok := c.Get("a", v2); !ok {
		t.Error("the most recently used value was evicted")
	}
	if _, ok := c.Get("b", v1); ok {
		t.Error("the least recently used value is still kept over the bound")
	}
	if _, ok := c.Get("i", v1); !ok {
		t.Error("the latest value was evicted")
	}
}
