package ttlcache

import (
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	type step struct {
		op   string // get, load (get then put), begin (get, keep gen), end (put with kept gen), drop, dropWhere
		key  string
		v    int
		at   time.Duration
		want int // for get: the value, or 0 when missing
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"miss", []step{{op: "get", key: "a", want: 0}}},
		{"hit", []step{{op: "load", key: "a", v: 1}, {op: "get", key: "a", at: time.Second, want: 1}}},
		{"expired", []step{{op: "load", key: "a", v: 1}, {op: "get", key: "a", at: 2 * time.Second, want: 0}}},
		{"before read", []step{{op: "load", key: "a", v: 1, at: time.Second}, {op: "get", key: "a", want: 0}}},
		{"drop", []step{{op: "load", key: "a", v: 1}, {op: "drop", key: "a"}, {op: "get", key: "a", want: 0}}},
		{"stale load not stored", []step{
			{op: "begin", key: "a"}, {op: "drop", key: "a"}, {op: "end", key: "a", v: 1}, {op: "get", key: "a", want: 0}}},
		{"load after drop stored", []step{
			{op: "drop", key: "a"}, {op: "begin", key: "a"}, {op: "end", key: "a", v: 1}, {op: "get", key: "a", want: 1}}},
		{"other key's drop", []step{
			{op: "begin", key: "a"}, {op: "drop", key: "b"}, {op: "end", key: "a", v: 1}, {op: "get", key: "a", want: 1}}},
		{"drop record full refuses loads in flight", []step{
			{op: "begin", key: "a"}, {op: "drop", key: "b"}, {op: "drop", key: "c"}, {op: "drop", key: "d"},
			{op: "end", key: "a", v: 1}, {op: "get", key: "a", want: 0}}},
		{"dropWhere", []step{
			{op: "load", key: "a", v: 1}, {op: "load", key: "b", v: 2}, {op: "dropWhere", v: 1},
			{op: "get", key: "a", want: 0}, {op: "get", key: "b", want: 2}}},
		{"dropWhere refuses loads in flight", []step{
			{op: "begin", key: "a"}, {op: "dropWhere", v: 1}, {op: "end", key: "a", v: 1}, {op: "get", key: "a", want: 0}}},
		{"full", []step{
			{op: "load", key: "a", v: 1}, {op: "load", key: "b", v: 2}, {op: "load", key: "c", v: 3},
			{op: "get", key: "c", want: 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New[int](2, 2*time.Second)
			var gen uint64
			for i, s := range tt.steps {
				now := t0.Add(s.at)
				switch s.op {
				case "get":
					if v, _, _ := c.Get(s.key, now); v != s.want {
						t.Fatalf("step %d: get %s = %d, want %d", i, s.key, v, s.want)
					}
				case "load":
					_, _, g := c.Get(s.key, now)
					c.Put(s.key, s.v, now, g)
				case "begin":
					_, _, gen = c.Get(s.key, now)
				case "end":
					c.Put(s.key, s.v, now, gen)
				case "drop":
					c.Drop(s.key)
				case "dropWhere":
					c.DropWhere(func(v int) bool { return v == s.v })
				}
			}
			if len(c.m) > c.max {
				t.Fatalf("%d entries, max %d", len(c.m), c.max)
			}
		})
	}
}
