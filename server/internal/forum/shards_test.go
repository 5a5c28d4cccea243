package forum

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// A store written before read positions and listings were sharded keeps
// every thread listed and every position after the upgrade; the old
// documents are gone and a second start does nothing.
func TestUnshardedMapsAreMigrated(t *testing.T) {
	ctx, st := testenv.Ctx(t), testenv.Store(t)
	deps := testDeps(st, nil)
	s := started(t, deps)
	a := user("a", account.RoleParticipant)
	var ids []string
	for _, title := range []string{"Primo capitolato", "Secondo capitolato", "Terzo capitolato", "Quarto capitolato"} {
		th, _, err := s.CreateThread(ctx, a, NewThread{CategoryID: "bacheca", Title: title, Body: "Testo del " + title})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, th.ID)
	}

	// Rewrite the shards as the old layout: one document per owner.
	listing, reads := bson.M{}, bson.M{}
	for _, col := range []string{colListings, colReads} {
		cur, err := st.C(col).Find(ctx, bson.M{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []struct {
			Threads map[string]bson.RawValue `bson:"threads"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			for k, v := range d.Threads {
				map[string]bson.M{colListings: listing, colReads: reads}[col][k] = v
			}
		}
		if _, err := st.C(col).DeleteMany(ctx, bson.M{}); err != nil {
			t.Fatal(err)
		}
	}
	if len(listing) != len(ids) || len(reads) != len(ids) {
		t.Fatalf("before: listing %d, reads %d, want %d each", len(listing), len(reads), len(ids))
	}
	for col, d := range map[string]bson.M{colListings: {"_id": "bacheca", "threads": listing}, colReads: {"_id": "a", "threads": reads}} {
		if _, err := st.C(col).InsertOne(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.C(colCounters).DeleteOne(ctx, bson.M{"_id": shardsMigrated}); err != nil {
		t.Fatal(err)
	}

	for start := 0; start < 2; start++ {
		s := New(deps)
		if err := s.Init(ctx); err != nil {
			t.Fatal(err)
		}
		list, err := s.CategoryThreads(ctx, a, "bacheca", 1, 50, "it")
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != len(ids) {
			t.Fatalf("start %d: %d threads listed, want %d", start, len(list.Items), len(ids))
		}
		for _, v := range list.Items {
			if v.LastReadN != 1 || v.UnreadCount != 0 {
				t.Errorf("start %d: thread %s read up to %d (unread %d), want 1", start, v.ID, v.LastReadN, v.UnreadCount)
			}
		}
		for _, old := range []string{colListings, colReads} {
			if n, err := st.C(old).CountDocuments(ctx, bson.M{"_id": map[string]string{colListings: "bacheca", colReads: "a"}[old]}); err != nil || n != 0 {
				t.Errorf("start %d: the unsharded %s document is still there (%d, %v)", start, old, n, err)
			}
		}
	}
}
