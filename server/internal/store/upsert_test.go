package store_test

import (
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/testenv"
)

// Concurrent read-modify-write updates never lose one: counters created by
// racing upserts and $inc on an existing document both count every call.
// (FerretDB alone loses most of them; see Store.)
func TestConcurrentUpdatesAreAtomic(t *testing.T) {
	s := testenv.Store(t)
	ctx := testenv.Ctx(t)
	if _, err := s.C("counters").InsertOne(ctx, bson.M{"_id": "existing", "n": 0}); err != nil {
		t.Fatal(err)
	}
	const n = 24
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- s.C("counters").FindOneAndUpdate(ctx, bson.M{"_id": "fresh"}, bson.M{"$inc": bson.M{"n": 1}},
				options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Err()
		}()
		go func() {
			defer wg.Done()
			_, err := s.C("counters").UpdateOne(ctx, bson.M{"_id": "existing"}, bson.M{"$inc": bson.M{"n": 1}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"fresh", "existing"} {
		var got struct {
			N int `bson:"n"`
		}
		if err := s.R("counters").FindOne(ctx, bson.M{"_id": id}).Decode(&got); err != nil {
			t.Fatal(err)
		}
		if got.N != n {
			t.Errorf("%s: n = %d, want %d", id, got.N, n)
		}
	}
}
