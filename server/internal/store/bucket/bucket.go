// Package bucket stores a numbered list (a thread's posts, a user's
// notifications) as the owner's head document, which numbers the items,
// and bucket documents of consecutive numbers:
//
//	head    {_id: owner, ..., bucket_size}                 the domain's own document
//	buckets {_id: "<owner>#<n / size>", <field>: {"<n>": item}}
//
// The embedded store decodes and rewrites a whole document on every update,
// so adding an item rewrites one small bucket, and a page is one or two _id
// reads. Each head stores the bucket size it was created with (SizeField):
// changing Layout.Size later leaves existing lists where they are, and heads
// stored before sizes were (no SizeField) have Layout.Legacy.
package bucket

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/store"
)

// SizeField is the head's field that stores its bucket size.
const SizeField = "bucket_size"

// Layout says how a kind of list is split.
type Layout struct {
	Field  string // the map of items in a bucket document
	Size   int    // items a bucket for heads created from now on
	Legacy int    // items a bucket for heads without SizeField
}

// Ref is one list: its owner (the head's _id) and the bucket size its head
// stores (0: none, the layout's Legacy).
type Ref struct {
	Owner string
	Size  int
}

// List is the buckets of every list of one kind, in one collection.
type List[T any] struct {
	Layout
	c    store.Collection
	sole bool
}

// New returns the lists of a kind kept in collection.
func New[T any](st *store.Store, collection string, l Layout) *List[T] {
	return &List[T]{Layout: l, c: st.Collection(collection), sole: st.SoleWriter()}
}

// SizeOf is the bucket size of the list r.
func (l Layout) SizeOf(r Ref) int {
	if r.Size > 0 {
		return r.Size
	}
	return l.Legacy
}

// ID is the _id of the bucket that holds item n.
func (l Layout) ID(r Ref, n int) string { return r.Owner + "#" + strconv.Itoa(n/l.SizeOf(r)) }

// First is the first number of the bucket that holds item n.
func (l Layout) First(r Ref, n int) int { return n / l.SizeOf(r) * l.SizeOf(r) }

// Path is the field path of item n in its bucket, or of sub inside it
// ("" for the item itself), for updates.
func (l Layout) Path(n int, sub string) string {
	p := l.Field + "." + strconv.Itoa(n)
	if sub != "" {
		p += "." + sub
	}
	return p
}

// Put writes item n into its bucket; writing the same number again
// replaces it.
func (l *List[T]) Put(ctx context.Context, r Ref, n int, item T) error {
	_, err := l.c.W.UpdateOne(ctx, bson.M{"_id": l.ID(r, n)}, bson.M{"$set": bson.M{l.Path(n, ""): item}},
		options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("put %s %s: %w", l.c.Name, l.ID(r, n), err)
	}
	return nil
}

// PutMany writes items (keyed by number) with one update per bucket they
// fall in, instead of one per item.
func (l *List[T]) PutMany(ctx context.Context, r Ref, items map[int]T) error {
	sets := map[string]bson.M{}
	for n, it := range items {
		id := l.ID(r, n)
		if sets[id] == nil {
			sets[id] = bson.M{}
		}
		sets[id][l.Path(n, "")] = it
	}
	for id, set := range sets {
		if _, err := l.c.W.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": set}, options.UpdateOne().SetUpsert(true)); err != nil {
			return fmt.Errorf("put %s %s: %w", l.c.Name, id, err)
		}
	}
	return nil
}

// Get reads item n alone; ok is false when it is not stored.
func (l *List[T]) Get(ctx context.Context, r Ref, n int) (item T, ok bool, err error) {
	id := l.ID(r, n)
	raw, err := l.c.R.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{l.Path(n, ""): 1})).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return item, false, nil
	}
	if err != nil {
		return item, false, fmt.Errorf("get %s %s: %w", l.c.Name, id, err)
	}
	items, err := l.items(raw)
	if err != nil {
		return item, false, fmt.Errorf("get %s %s: %w", l.c.Name, id, err)
	}
	item, ok = items[strconv.Itoa(n)]
	return item, ok, nil
}

// Load reads, in parallel, the buckets holding items lo to hi and returns
// every item they hold by number (callers keep the range they want).
func (l *List[T]) Load(ctx context.Context, r Ref, lo, hi int) (map[int]T, error) {
	size := l.SizeOf(r)
	ids := make([]string, 0, hi/size-lo/size+1)
	for b := lo / size; b <= hi/size; b++ {
		ids = append(ids, r.Owner+"#"+strconv.Itoa(b))
	}
	docs, err := store.Load[bson.Raw](ctx, l.c, ids)
	if err != nil {
		return nil, err
	}
	out := map[int]T{}
	for i, d := range docs {
		items, err := l.items(d)
		if err != nil {
			return nil, fmt.Errorf("load %s %s: %w", l.c.Name, ids[i], err)
		}
		for k, it := range items {
			if n, err := strconv.Atoi(k); err == nil {
				out[n] = it
			}
		}
	}
	return out, nil
}

// items decodes a bucket's map of items; a missing bucket has none.
func (l *List[T]) items(raw bson.Raw) (map[string]T, error) {
	return store.Field[map[string]T](raw, l.Field)
}

// Update applies update (field paths from Path) to item n's bucket.
func (l *List[T]) Update(ctx context.Context, r Ref, n int, update bson.M) error {
	if _, err := l.c.W.UpdateOne(ctx, bson.M{"_id": l.ID(r, n)}, update); err != nil {
		return fmt.Errorf("update %s %s: %w", l.c.Name, l.ID(r, n), err)
	}
	return nil
}

// UpdateMany applies the updates of items (by number; field paths from
// Path, each path in one item's update only) with one write per bucket
// they fall in, instead of one per item: a bulk change (a moderator
// hiding 100 posts) costs a few writes.
func (l *List[T]) UpdateMany(ctx context.Context, r Ref, updates map[int]bson.M) error {
	merged := map[string]bson.M{} // bucket _id → its update
	for n, update := range updates {
		id := l.ID(r, n)
		if merged[id] == nil {
			merged[id] = bson.M{}
		}
		for op, fields := range update {
			if merged[id][op] == nil {
				merged[id][op] = bson.M{}
			}
			maps.Copy(merged[id][op].(bson.M), fields.(bson.M))
		}
	}
	for id, update := range merged {
		if _, err := l.c.W.UpdateOne(ctx, bson.M{"_id": id}, update); err != nil {
			return fmt.Errorf("update %s %s: %w", l.c.Name, id, err)
		}
	}
	return nil
}

// UpdateIf applies update only while item n's fields hold the values of
// cond ({sub: value}); matched is false when they did not. The caller holds
// a lock of its process over its read, check and write: on MongoDB cond is
// part of the filter, but the embedded store pushes down a filter on _id
// alone and would scan every bucket for the rest, so there, where this
// process is the sole writer, the lock is the check.
func (l *List[T]) UpdateIf(ctx context.Context, r Ref, n int, cond bson.M, update bson.M) (matched bool, err error) {
	filter := bson.M{"_id": l.ID(r, n)}
	if !l.sole {
		for k, v := range cond {
			filter[l.Path(n, k)] = v
		}
	}
	res, err := l.c.W.UpdateOne(ctx, filter, update)
	if err != nil {
		return false, fmt.Errorf("update %s %s: %w", l.c.Name, l.ID(r, n), err)
	}
	return res.MatchedCount > 0, nil
}

// Docs are the bucket documents holding items, for a bulk insert of new
// lists (an import); items are keyed by number.
func (l *List[T]) Docs(r Ref, items map[int]T) []any {
	byID := map[string]bson.M{}
	var out []any
	for n, it := range items {
		id := l.ID(r, n)
		m, ok := byID[id]
		if !ok {
			m = bson.M{}
			byID[id] = m
			out = append(out, bson.M{"_id": id, l.Field: m})
		}
		m[strconv.Itoa(n)] = it
	}
	return out
}
