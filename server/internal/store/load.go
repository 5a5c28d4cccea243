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
		return out, loadOne(ctx, c, ids[0], &out[0])
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { errs[i] = loadOne(ctx, c, id, &out[i]) })
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func loadOne[D any](ctx context.Context, c Collection, id string, into *D) error {
	err := c.R.FindOne(ctx, bson.M{"_id": id}).Decode(into)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("load %s %s: %w", c.Name, id, err)
	}
	return nil
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
