package notify

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/testenv"
)

// recorder is a Publisher that remembers what was published.
type recorder struct {
	mu     sync.Mutex
	events []event
}

type event struct {
	topic, name string
	data        any
}

func (r *recorder) Publish(_ context.Context, topic, name string, data any) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{topic, name, data})
	return int64(len(r.events)), nil
}

func (r *recorder) Head(_ context.Context, topic string) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var n int64
	for _, e := range r.events {
		if e.topic == topic {
			n++
		}
	}
	return n, nil
}

func (r *recorder) names(topic string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		if e.topic == topic {
			out = append(out, e.name)
		}
	}
	return out
}

func TestNotifyListMarkRead(t *testing.T) {
	pub := &recorder{}
	s := New(testenv.Store(t), pub, slog.Default())
	ctx := testenv.Ctx(t)

	if err := s.Notify(ctx, Input{UserIDs: []string{"anna", "actor", "anna", "", "bruno"}, Kind: KindReply,
		ThreadID: "t1", PostID: "t1-2", ThreadTitle: "Mensa", ActorID: "actor", ActorName: "Mario", Excerpt: "Ciao"}); err != nil {
		t.Fatal(err)
	}
	if got := pub.names("user:anna"); !slices.Equal(got, []string{EventCreated}) {
		t.Fatalf("anna's events %v", got)
	}
	if got := pub.names("user:actor"); got != nil {
		t.Fatalf("the actor was notified: %v", got)
	}
	for i := range 24 {
		if err := s.Notify(ctx, Input{UserIDs: []string{"anna"}, Kind: KindMention, ThreadID: "t2", PostID: "t2-" + strconv.Itoa(i+1), ActorID: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	p1, err := s.List(ctx, "anna", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(p1.Items) != PerPage || p1.Unread != 25 || p1.Seq != 25 || p1.Items[0].ID != "25" || p1.Items[0].PostID != "t2-24" {
		t.Fatalf("page 1: %d items, unread %d, seq %d, first %+v", len(p1.Items), p1.Unread, p1.Seq, p1.Items[0])
	}
	p2, err := s.List(ctx, "anna", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(p2.Items) != 5 || p2.Items[4].ID != "1" || p2.Items[4].Kind != KindReply || p2.Items[4].ActorName != "Mario" {
		t.Fatalf("page 2: %+v", p2.Items)
	}

	if err := s.MarkRead(ctx, "anna", []string{"1", "25", "25", "999", "x"}); err != nil {
		t.Fatal(err)
	}
	p1, _ = s.List(ctx, "anna", 1)
	if p1.Unread != 23 || !p1.Items[0].Read || p1.Items[1].Read {
		t.Fatalf("after marking two: unread %d, %+v", p1.Unread, p1.Items[:2])
	}
	if err := s.MarkRead(ctx, "anna", []string{"1"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.List(ctx, "anna", 1); p.Unread != 23 {
		t.Fatalf("marking again changed the count: %d", p.Unread)
	}
	if err := s.MarkRead(ctx, "anna", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Notify(ctx, Input{UserIDs: []string{"anna"}, Kind: KindReply, ActorID: "x"}); err != nil {
		t.Fatal(err)
	}
	p1, _ = s.List(ctx, "anna", 1)
	if p1.Unread != 1 || p1.Items[0].Read || !p1.Items[1].Read {
		t.Fatalf("after all read and one new: unread %d", p1.Unread)
	}
	events := pub.names("user:anna")
	if n := len(events); events[n-2] != EventRead || events[n-1] != EventCreated {
		t.Fatalf("events %v", events)
	}
	if empty, err := s.List(ctx, "nobody", 1); err != nil || len(empty.Items) != 0 || empty.Unread != 0 {
		t.Fatalf("empty list %+v %v", empty, err)
	}
}

// Users whose notifications were stored 50 a bucket, before heads carried
// bucket_size, still list, mark and receive them where they are.
func TestLegacyBuckets(t *testing.T) {
	st := testenv.Store(t)
	s := New(st, &recorder{}, slog.Default())
	ctx := testenv.Ctx(t)
	for i := range 25 {
		if err := s.Notify(ctx, Input{UserIDs: []string{"anna"}, Kind: KindMention, PostID: "t-" + strconv.Itoa(i+1), ActorID: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	var split struct {
		Items map[string]bson.M `bson:"items"`
	}
	if err := st.C("notification_buckets").FindOne(ctx, bson.M{"_id": "anna#1"}).Decode(&split); err != nil || len(split.Items) != 6 {
		t.Fatalf("new heads keep %d a bucket: bucket 1 holds %d (%v)", bucketSize, len(split.Items), err)
	}

	// Rewrite as the old layout: one bucket of 50, no bucket_size.
	all := bson.M{}
	for _, id := range []string{"anna#0", "anna#1"} {
		var b struct {
			Items map[string]bson.M `bson:"items"`
		}
		if err := st.C("notification_buckets").FindOne(ctx, bson.M{"_id": id}).Decode(&b); err != nil {
			t.Fatal(err)
		}
		for k, v := range b.Items {
			all[k] = v
		}
		if _, err := st.C("notification_buckets").DeleteOne(ctx, bson.M{"_id": id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.C("notification_buckets").InsertOne(ctx, bson.M{"_id": "anna#0", "items": all}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.C("notification_heads").UpdateOne(ctx, bson.M{"_id": "anna"}, bson.M{"$unset": bson.M{"bucket_size": ""}}); err != nil {
		t.Fatal(err)
	}

	if err := s.MarkRead(ctx, "anna", []string{"3", "22"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Notify(ctx, Input{UserIDs: []string{"anna"}, Kind: KindReply, PostID: "t-26", ActorID: "x"}); err != nil {
		t.Fatal(err)
	}
	p1, err := s.List(ctx, "anna", 1)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := s.List(ctx, "anna", 2)
	if err != nil {
		t.Fatal(err)
	}
	items := append(p1.Items, p2.Items...)
	if len(items) != 26 || items[0].PostID != "t-26" || items[25].PostID != "t-1" || p1.Unread != 24 {
		t.Fatalf("legacy user: %d items, unread %d, first %+v", len(items), p1.Unread, items[0])
	}
	for _, it := range items {
		if want := it.ID == "3" || it.ID == "22"; it.Read != want {
			t.Errorf("notification %s read = %v", it.ID, it.Read)
		}
	}
}

// Redone work (after a crash) tells nobody twice about a post: a user who
// already has a notification about it from since the work began is skipped,
// however many newer notifications lie above it.
func TestRedoNotifiesOnce(t *testing.T) {
	ctx := testenv.Ctx(t)
	s := New(testenv.Store(t), &recorder{}, slog.Default())
	began := time.Now().UTC().Add(-time.Second)
	note := func(user, post string, redo time.Time) {
		t.Helper()
		if err := s.Notify(ctx, Input{UserIDs: []string{user}, Kind: KindReply, ThreadID: "t1", PostID: post, ActorID: "x", Redo: redo}); err != nil {
			t.Fatal(err)
		}
	}
	note("told", "t1-5", time.Time{})
	for i := range 2 * bucketSize { // buckets above the one to find
		note("told", "t9-"+strconv.Itoa(i+1), time.Time{})
	}
	note("fresh", "t9-1", time.Time{})
	if err := s.Notify(ctx, Input{UserIDs: []string{"fresh"}, Kind: KindMention, PostID: "t1-5", ActorID: "x"}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		user string
		want int64 // notifications afterwards
	}{
		{"told", 2*bucketSize + 1}, // already told: nothing added
		{"fresh", 3},               // told about another post, and of another kind
		{"nobody", 1},              // no notification yet
	}
	for _, c := range cases {
		note(c.user, "t1-5", began)
		note(c.user, "t1-5", began) // and redone again
		p, err := s.List(ctx, c.user, 1)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != c.want {
			t.Errorf("case %s: %d notifications, want %d", c.user, p.Total, c.want)
		}
	}
	// A notification about the post from before the work began is another
	// event (an earlier mention): the redo still tells the user.
	note("early", "t1-5", time.Time{})
	note("early", "t1-5", time.Now().UTC().Add(time.Second))
	if p, err := s.List(ctx, "early", 1); err != nil || p.Total != 2 {
		t.Errorf("case early: %d notifications (%v), want 2", p.Total, err)
	}
}
