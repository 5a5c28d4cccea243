package search

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// A query reads dozens of postings documents; the same few queries are
// asked again and again. Each instance keeps recent answers, tagged with
// the index's statistics document, which every change of the index moves
// (seq and docs for added and removed posts, v for every write): an answer
// is reused only while the tag read at the start of the query still
// matches, so a cached answer is never older than the index.
const resultsCacheSize = 512

type resultsCache struct {
	mu sync.Mutex
	m  map[string]cachedResults
}

type cachedResults struct {
	tag stats
	v   int64
	res Results
}

type tagDoc struct {
	stats `bson:",inline"`
	V     int64 `bson:"v"`
}

// Query runs q (see query), reusing a recent answer to the same query
// while the index has not changed. The answer is shared: do not modify it.
func (ix *Index) Query(ctx context.Context, q Query) (Results, error) {
	var tag tagDoc
	err := ix.rmeta.FindOne(ctx, bson.D{{Key: "_id", Value: statsID}}).Decode(&tag)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return Results{}, fmt.Errorf("search: read stats: %w", err)
	}
	key := fmt.Sprintf("%q|%q|%q|%q|%d|%d|%d|%d", q.Text, q.CategoryID, q.Author, q.AdministrationIPA,
		q.From.Unix(), q.To.Unix(), q.Page, q.PerPage)
	c := &ix.results
	c.mu.Lock()
	if e, ok := c.m[key]; ok && e.tag == tag.stats && e.v == tag.V {
		c.mu.Unlock()
		return e.res, nil
	}
	c.mu.Unlock()
	res, err := ix.query(ctx, q)
	if err != nil {
		return res, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= resultsCacheSize {
		c.m = make(map[string]cachedResults, resultsCacheSize) // start over: cheap, and bounded
	}
	c.m[key] = cachedResults{tag: tag.stats, v: tag.V, res: res}
	return res, nil
}
