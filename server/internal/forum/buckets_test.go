package forum

import (
	"strconv"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// Threads written before bucket_size was stored keep 50 posts a bucket:
// they read, and take replies and edits, where their posts are.
func TestLegacyBucketsStillServe(t *testing.T) {
	ctx, st := testenv.Ctx(t), testenv.Store(t)
	deps := testDeps(st, nil)
	s := started(t, deps)
	a, b := user("a", account.RoleParticipant), user("b", account.RoleParticipant)
	var replies []ImportReply
	for i := 0; i < 59; i++ {
		replies = append(replies, ImportReply{Author: b, Body: "Risposta " + strconv.Itoa(i+2)})
	}
	ids, err := s.Import(ctx, []ImportThread{{CategoryID: "bacheca", Title: "Filo di prima", Author: a, Body: "Apertura", Replies: replies}})
	if err != nil {
		t.Fatal(err)
	}
	id := ids[0]
	th, err := s.thread(ctx, id)
	if err != nil || th.BucketSize != postsPerBucket {
		t.Fatalf("new thread: %+v %v", th, err)
	}
	all, err := s.posts(ctx, th)
	if err != nil || len(all) != 60 {
		t.Fatalf("%d posts, %v", len(all), err)
	}

	// Rewrite it as the old layout: no bucket_size, 50 posts a bucket.
	if _, err := st.C(colThreads).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$unset": bson.M{"bucket_size": ""}}); err != nil {
		t.Fatal(err)
	}
	for bkt := 0; bkt <= 60/postsPerBucket; bkt++ {
		if _, err := st.C(colPosts).DeleteOne(ctx, bson.M{"_id": id + "#" + strconv.Itoa(bkt)}); err != nil {
			t.Fatal(err)
		}
	}
	legacy := map[int]bson.M{}
	for n, p := range all {
		if legacy[n/legacyBucket] == nil {
			legacy[n/legacyBucket] = bson.M{}
		}
		legacy[n/legacyBucket][strconv.Itoa(n)] = p
	}
	for bkt, posts := range legacy {
		if _, err := st.C(colPosts).InsertOne(ctx, bson.M{"_id": id + "#" + strconv.Itoa(bkt), "posts": posts}); err != nil {
			t.Fatal(err)
		}
	}

	s = New(deps) // nothing cached
	reply, err := s.Reply(ctx, a, id, NewPost{Body: "Dopo l'aggiornamento", ParentID: id + "-55"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditPost(ctx, b, id+"-40", PostEdit{Body: "Risposta 40, corretta"}); err != nil {
		t.Fatal(err)
	}
	page, err := s.Thread(ctx, a, id, ViewFlat, 1, 100, "it")
	if err != nil {
		t.Fatal(err)
	}
	page = sent(t, page)
	if page.Total != 61 || len(page.Posts) != 61 {
		t.Fatalf("legacy thread: total %d, %d posts", page.Total, len(page.Posts))
	}
	if got := page.Posts[39]; got.N != 40 || got.Body != "Risposta 40, corretta" {
		t.Errorf("edited post: %+v", got)
	}
	if got := page.Posts[60]; got.ID != reply.ID || got.ReplyToN != 55 || got.Body != "Dopo l'aggiornamento" {
		t.Errorf("reply: %+v", got)
	}
	var d struct {
		Posts map[string]*postDoc `bson:"posts"`
	}
	if err := st.C(colPosts).FindOne(ctx, bson.M{"_id": id + "#" + strconv.Itoa(61/legacyBucket)}).Decode(&d); err != nil || d.Posts["61"] == nil {
		t.Errorf("the reply is not in the legacy bucket: %v", err)
	}
}
