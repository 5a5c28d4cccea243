package forum

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// A reply cut off by a crash at each of its writes: after the restart's
// recovery, the thread's counters, its listing entry and its category's
// totals match the posts stored, and a stored reply is indexed and its
// people notified.
func TestRecoveryRecountsFromStoredPosts(t *testing.T) {
	const (
		numbered = iota // the number was taken, the post never written
		written         // the post was written, not its listing nor its category
	)
	cases := []struct {
		name    string
		cut     int
		replies int // stored afterwards, besides the opening post
	}{
		{"number taken, post never written", numbered, 2},
		{"post written, listing and category not", written, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := testenv.Ctx(t)
			st := testenv.Store(t)
			rec := newRecorder()
			deps := tickingDeps(st, rec)
			s := started(t, deps)
			a, b := user("a", account.RoleParticipant), user("b", account.RoleParticipant)
			th, _, err := s.CreateThread(ctx, a, NewThread{CategoryID: "bacheca", Title: "Contatori", Body: "Apertura."})
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if _, err := s.Reply(ctx, b, th.ID, NewPost{Body: "Risposta."}); err != nil {
					t.Fatal(err)
				}
			}
			// The interrupted reply, write by write as Reply makes them.
			if _, err := s.deps.Outbox.Record(ctx, kindPosted, postedWork{ThreadID: th.ID, AuthorID: b.ID, Since: s.now()}); err != nil {
				t.Fatal(err)
			}
			var tt ThreadSummary
			if err := st.C(colThreads).FindOneAndUpdate(ctx, bson.M{"_id": th.ID},
				bson.M{"$inc": bson.M{"post_count": 1, "reply_count": 1}}).Decode(&tt); err != nil {
				t.Fatal(err)
			}
			tt.PostCount++
			if c.cut == written {
				p := &postDoc{N: tt.PostCount, Depth: 1, Author: authorOf(b), Body: "Scritta prima del crash.", CreatedAt: s.now()}
				if err := s.putPost(ctx, &tt, p); err != nil {
					t.Fatal(err)
				}
			}
			rec.take()

			// The restart: a new service on the same store, then recovery.
			deps.Outbox = outbox.New(st, nil)
			after := started(t, deps)
			if err := after.deps.Outbox.Recover(ctx); err != nil {
				t.Fatal(err)
			}
			if err := after.deps.Outbox.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			page, err := after.Thread(ctx, a, th.ID, ViewFlat, 1, 100, "it")
			if err != nil {
				t.Fatal(err)
			}
			if got := page.Thread.ReplyCount; got != c.replies || page.Total != c.replies+1 || page.Thread.PostCount != c.replies+1 {
				t.Errorf("case %s: thread reply_count %d, post_count %d, %d posts; want %d, %d, %d",
					c.name, got, page.Thread.PostCount, page.Total, c.replies, c.replies+1, c.replies+1)
			}
			list, err := after.CategoryThreads(ctx, a, "bacheca", 1, 100, "it")
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Items) != 1 || list.Items[0].ReplyCount != c.replies {
				t.Errorf("case %s: listing %+v, want one thread with %d replies", c.name, list.Items, c.replies)
			}
			if list.Category.ThreadCount != 1 || list.Category.PostCount != c.replies+1 {
				t.Errorf("case %s: category %d threads, %d posts; want 1 and %d",
					c.name, list.Category.ThreadCount, list.Category.PostCount, c.replies+1)
			}
			_, notes := rec.take()
			last := postID(th.ID, tt.PostCount)
			_, indexed := rec.docs[last]
			if want := c.cut == written; indexed != want || (len(notes["reply"]) == 1) != want || len(notes["reply"]) > 1 {
				t.Errorf("case %s: %s indexed %v, notified %v; want %v", c.name, last, indexed, notes, want)
			}
			var left []bson.M
			cur, err := st.C("outbox").Find(ctx, bson.M{})
			if err != nil {
				t.Fatal(err)
			}
			if err := cur.All(ctx, &left); err != nil || len(left) != 0 {
				t.Errorf("case %s: pending work left after recovery: %v %v", c.name, left, err)
			}
		})
	}
}
