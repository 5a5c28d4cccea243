package group_test

import (
	"fmt"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/store/group"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// Concurrent inserts are all stored, each once; a duplicate _id fails its
// group, and the callers of that group learn it (none is told "stored"
// for a document that is not).
func TestConcurrentInsertsAreStored(t *testing.T) {
	st := testenv.Store(t)
	ctx := testenv.Ctx(t)
	c := st.C("group_test")
	in := group.New(c, 0)
	if _, err := c.InsertOne(ctx, bson.M{"_id": "taken"}); err != nil {
		t.Fatal(err)
	}
	const callers, each = 20, 5
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for k := range callers {
		wg.Go(func() {
			docs := make([]any, each)
			for i := range docs {
				docs[i] = bson.M{"_id": fmt.Sprintf("c%d-%d", k, i), "k": k}
			}
			if k == 7 {
				docs[2] = bson.M{"_id": "taken"}
			}
			errs[k] = in.Insert(ctx, docs)
		})
	}
	wg.Wait()
	for k := range callers {
		n, err := c.CountDocuments(ctx, bson.M{"k": k})
		if err != nil {
			t.Fatal(err)
		}
		if errs[k] == nil && n != each {
			t.Errorf("caller %d: told stored, %d of %d documents are", k, n, each)
		}
	}
	if errs[7] == nil {
		t.Errorf("the caller with a duplicate _id: no error")
	}
}
