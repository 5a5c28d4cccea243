package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Load reads the documents ids of c in parallel through the readers (the
// shards of a map, the buckets of a list); a missing one decodes as D's zero
// value. Every hot read of the kit is such an _id lookup: the embedded store
// pushes down nothing else (see idindex.go).
func Load[D any](ctx context.Context, c Collection, ids []string) ([]D, error) {
	out := make([]D, len(ids))
	if len(ids) == 1 { // no goroutine for the common single read
		var err error
		out[0], _, err = Get[D](ctx, c, ids[0])
		return out, err
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { out[i], _, errs[i] = Get[D](ctx, c, id) })
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// Get reads one document of c by _id through the readers; ok is false
// (and doc D's zero value) when there is none.
func Get[D any](ctx context.Context, c Collection, id string) (doc D, ok bool, err error) {
	err = c.R.FindOne(ctx, bson.M{"_id": id}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return doc, false, nil
	}
	if err != nil {
		return doc, false, fmt.Errorf("load %s %s: %w", c.Name, id, err)
	}
	return doc, true, nil
}

// Field decodes the named field of a raw document (the map of a bucket or
// a shard); a missing document or field decodes as V's zero value.
func Field[V any](raw bson.Raw, name string) (V, error) {
	var out V
	if len(raw) == 0 {
		return out, nil
	}
	v, err := raw.LookupErr(name)
	if err != nil {
		return out, nil
	}
	err = v.Unmarshal(&out)
	return out, err
}
