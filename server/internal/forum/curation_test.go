package forum

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// tickingDeps are testDeps with a clock that moves a second a call, so
// that a redo tells an interrupted write from the ones before it.
func tickingDeps(st *store.Store, rec *recorder) Deps {
	var mu sync.Mutex
	clock := testNow
	deps := testDeps(st, rec)
	deps.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second)
		return clock
	}
	return deps
}

// crashWorld is a service whose clock moves a second a call, two threads
// of three posts in bacheca, and a restart on the same store.
type crashWorld struct {
	t      *testing.T
	deps   Deps
	s      *Service
	rec    *recorder
	a, b   string
	mod    *account.User
	reader *account.User
}

func newCrashWorld(t *testing.T) *crashWorld {
	ctx := testenv.Ctx(t)
	rec := newRecorder()
	deps := tickingDeps(testenv.Store(t), rec)
	w := &crashWorld{t: t, deps: deps, s: started(t, deps), rec: rec, mod: user("m", account.RoleModerator), reader: user("r", account.RoleParticipant)}
	for i, title := range []string{"Prima", "Seconda"} {
		th, _, err := w.s.CreateThread(ctx, w.reader, NewThread{CategoryID: "bacheca", Title: title, Body: "Apertura."})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := w.s.Reply(ctx, w.reader, th.ID, NewPost{Body: "Risposta."}); err != nil {
				t.Fatal(err)
			}
		}
		if i == 0 {
			w.a = th.ID
		} else {
			w.b = th.ID
		}
	}
	return w
}

// restart is the board started again on the same store, its pending work redone.
func (w *crashWorld) restart() *Service {
	ctx := testenv.Ctx(w.t)
	w.deps.Outbox = outbox.New(w.deps.Store, nil)
	after := started(w.t, w.deps)
	if err := after.deps.Outbox.Recover(ctx); err != nil {
		w.t.Fatal(err)
	}
	if err := after.deps.Outbox.Flush(ctx); err != nil {
		w.t.Fatal(err)
	}
	n, err := w.deps.Store.C("outbox").CountDocuments(ctx, bson.M{})
	if err != nil || n != 0 {
		w.t.Fatalf("pending work left after recovery: %d (%v)", n, err)
	}
	return after
}

// expect checks the threads' posts and the category's totals against the
// model (thread id -> posts), and that the index holds exactly their posts.
func (w *crashWorld) expect(s *Service, model map[string]int) {
	w.t.Helper()
	ctx := testenv.Ctx(w.t)
	total, indexed := 0, map[string]bool{}
	for id, n := range model {
		page, err := s.Thread(ctx, w.reader, id, ViewFlat, 1, 100, "it")
		if err != nil {
			w.t.Fatalf("thread %s: %v", id, err)
		}
		if page.Total != n || page.Thread.ReplyCount != n-1 {
			w.t.Errorf("thread %s: got %d posts, %d replies; want %d, %d", id, page.Total, page.Thread.ReplyCount, n, n-1)
		}
		for _, p := range page.Posts {
			indexed[p.ID] = true
		}
		total += n
	}
	list, err := s.CategoryThreads(ctx, w.reader, "bacheca", 1, 100, "it")
	if err != nil {
		w.t.Fatal(err)
	}
	if list.Category.ThreadCount != len(model) || list.Category.PostCount != total || len(list.Items) != len(model) {
		w.t.Errorf("category: got %d threads (%d listed), %d posts; want %d, %d", list.Category.ThreadCount, len(list.Items), list.Category.PostCount, len(model), total)
	}
	for id := range w.rec.docs {
		if !indexed[id] {
			w.t.Errorf("index holds %s, which is no longer there", id)
		}
	}
	for id := range indexed {
		if _, ok := w.rec.docs[id]; !ok {
			w.t.Errorf("index misses %s", id)
		}
	}
}

// startMerge records the plan of merging b into a and marks b merged, as a
// merge does before its numbers; it returns b as it was.
func (w *crashWorld) startMerge() ThreadSummary {
	w.t.Helper()
	ctx := testenv.Ctx(w.t)
	if _, err := w.s.deps.Outbox.Record(ctx, kindMerged, mergedWork{From: w.b, FromCategory: "bacheca", Into: w.a}); err != nil {
		w.t.Fatal(err)
	}
	var b ThreadSummary
	if err := w.s.deps.Store.C(colThreads).FindOneAndUpdate(ctx, bson.M{"_id": w.b}, bson.M{"$set": bson.M{"merged_into": w.a}}).Decode(&b); err != nil {
		w.t.Fatal(err)
	}
	return b
}

// A merge cut off by a crash after its numbers were reserved and one post
// copied is finished by the restart: every post once, the counts right.
func TestMergeSurvivesACrash(t *testing.T) {
	ctx := testenv.Ctx(t)
	w := newCrashWorld(t)
	s := w.s
	b := w.startMerge()
	var a ThreadSummary
	if err := s.deps.Store.C(colThreads).FindOneAndUpdate(ctx, bson.M{"_id": w.a}, bson.M{"$inc": bson.M{"post_count": 3}}).Decode(&a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.deps.Store.C(colThreads).UpdateOne(ctx, bson.M{"_id": w.b}, bson.M{"$set": bson.M{"merge_first": a.PostCount + 1}}); err != nil {
		t.Fatal(err)
	}
	first, err := s.post(ctx, &b, 1)
	if err != nil {
		t.Fatal(err)
	}
	first.N = a.PostCount + 1
	a.PostCount += 3
	if err := s.putPost(ctx, &a, first); err != nil {
		t.Fatal(err)
	}

	after := w.restart()
	w.expect(after, map[string]int{w.a: 6})
	var moved *Moved
	if _, err := after.Thread(ctx, w.reader, w.b, ViewFlat, 1, 10, "it"); !errors.As(err, &moved) || moved.ThreadID != w.a {
		t.Fatalf("merged thread: got %v, want moved to %s", err, w.a)
	}
	if _, err := after.PostPage(ctx, w.reader, postID(w.b, 3), 50); !errors.As(err, &moved) || moved.PostID != postID(w.a, 6) {
		t.Fatalf("merged post: got %v, want moved to %s", err, postID(w.a, 6))
	}
}

// A merge cut off by a crash just after its numbers were reserved is
// finished by the restart with those numbers: no gap in the thread.
func TestMergeCrashAfterReservingLeavesNoGap(t *testing.T) {
	ctx := testenv.Ctx(t)
	w := newCrashWorld(t)
	s := w.s
	w.startMerge()
	first, err := s.reserveMerge(ctx, w.a, w.b, []int{1, 2, 3})
	if err != nil || first != 4 {
		t.Fatalf("reserve: got %d %v, want 4", first, err)
	}

	after := w.restart()
	w.expect(after, map[string]int{w.a: 6})
	a, err := after.thread(ctx, w.a)
	if err != nil || a.PostCount != 6 {
		t.Fatalf("after the redo: highest number %d %v, want 6 (no gap)", a.PostCount, err)
	}
	var moved *Moved
	if _, err := after.PostPage(ctx, w.reader, postID(w.b, 1), 50); !errors.As(err, &moved) || moved.PostID != postID(w.a, 4) {
		t.Fatalf("merged opening post: got %v, want moved to %s", err, postID(w.a, 4))
	}
}

// A split cut off by a crash after the new thread's posts were written,
// before the thread itself and before the posts left the old one, is
// finished by the restart.
func TestSplitSurvivesACrash(t *testing.T) {
	ctx := testenv.Ctx(t)
	w := newCrashWorld(t)
	s := w.s
	plan := splitWork{From: w.a, New: "9001", Ns: []int{2, 3}, Title: "Separata", CategoryID: "bacheca"}
	if _, err := s.deps.Outbox.Record(ctx, kindSplit, plan); err != nil {
		t.Fatal(err)
	}
	a, err := s.thread(ctx, w.a)
	if err != nil {
		t.Fatal(err)
	}
	nt := &ThreadSummary{ID: plan.New, BucketSize: postsPerBucket}
	for i, n := range plan.Ns {
		p, err := s.post(ctx, a, n)
		if err != nil {
			t.Fatal(err)
		}
		p.N, p.ParentN = i+1, 0
		if err := s.putPost(ctx, nt, p); err != nil {
			t.Fatal(err)
		}
	}

	after := w.restart()
	w.expect(after, map[string]int{w.a: 1, w.b: 3, plan.New: 2})
	var moved *Moved
	if _, err := after.PostPage(ctx, w.reader, postID(w.a, 3), 50); !errors.As(err, &moved) || moved.PostID != postID(plan.New, 2) {
		t.Fatalf("split post: got %v, want moved to %s", err, postID(plan.New, 2))
	}
	// Its numbers are not given again.
	p, err := after.Reply(ctx, w.reader, w.a, NewPost{Body: "Dopo."})
	if err != nil || p.N != 4 {
		t.Fatalf("reply after split: got n=%d (%v), want 4", p.N, err)
	}
}

// A merge carries readers' positions: a post read in either thread stays
// read in the merged one. a's posts are 1–3, b's come after them as 4–6
// (b was written later). The model: unread = 6 − j − k; the position shown
// (last_read_n) moves over b's posts read only when a was read to its end,
// as a position is one number. Checked on the thread page and on the
// category's list, and again after a reply (one more unread for each).
func TestMergeCarriesReadPositions(t *testing.T) {
	ctx := testenv.Ctx(t)
	w := newCrashWorld(t)
	s := w.s
	cases := []struct {
		name       string
		j, k       int // read a up to j, b up to k (0: never opened)
		unread, at int // after the merge: unread count, last_read_n
	}{
		{"read neither", 0, 0, 6, 0},
		{"read a only", 3, 0, 3, 3},
		{"read b only", 0, 3, 3, 0},
		{"read both", 3, 3, 0, 6},
		{"read a, part of b", 3, 1, 2, 4},
		{"part of a, part of b", 1, 2, 3, 1},
		{"part of a, all of b", 2, 3, 1, 2},
	}
	readers := make([]*account.User, len(cases))
	for i, c := range cases {
		readers[i] = user(fmt.Sprintf("r%d", i), account.RoleParticipant)
		for _, pos := range []struct {
			thread string
			n      int
		}{{w.a, c.j}, {w.b, c.k}} {
			if pos.n > 0 {
				if err := s.MarkRead(ctx, readers[i], pos.thread, ReadPosition{N: pos.n}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if _, err := s.MergeThreads(ctx, w.mod, w.b, ThreadMerge{IntoID: w.a, Reason: "Stesso tema."}); err != nil {
		t.Fatal(err)
	}
	check := func(step string, more int) {
		t.Helper()
		for i, c := range cases {
			page, err := s.Thread(ctx, readers[i], w.b, ViewFlat, 1, 10, "it") // the old address
			var moved *Moved
			if !errors.As(err, &moved) || moved.ThreadID != w.a {
				t.Fatalf("%s: old address: got %v, want moved to %s", step, err, w.a)
			}
			if page, err = s.Thread(ctx, readers[i], moved.ThreadID, ViewFlat, 1, 10, "it"); err != nil {
				t.Fatal(err)
			}
			list, err := s.CategoryThreads(ctx, readers[i], "bacheca", 1, 10, "it")
			if err != nil || len(list.Items) != 1 {
				t.Fatalf("%s: list: %v %v", step, list.Items, err)
			}
			for _, got := range []struct {
				where string
				v     ThreadView
			}{{"thread page", page.Thread}, {"category list", list.Items[0]}} {
				if got.v.UnreadCount != c.unread+more || got.v.LastReadN != c.at {
					t.Errorf("%s, %s (a to %d, b to %d), %s: got unread %d at %d, want %d at %d",
						step, c.name, c.j, c.k, got.where, got.v.UnreadCount, got.v.LastReadN, c.unread+more, c.at)
				}
			}
		}
	}
	check("after the merge", 0)
	if _, err := s.Reply(ctx, w.mod, w.a, NewPost{Body: "Dopo l'unione."}); err != nil {
		t.Fatal(err)
	}
	check("after a reply", 1)
}

// gate is the attachment store of a reply cut off at one of its steps:
// looking its file up (before the reply takes a number) or attaching it
// (after the number, before the post is stored). It says where it stopped
// on stopped and waits for release.
type gate struct {
	files
	at      string // "lookup" or "attach"
	stopped chan struct{}
	release chan struct{}
}

func (g *gate) stop(at string) {
	if g.at == at {
		g.stopped <- struct{}{}
		<-g.release
	}
}

func (g *gate) Get(ctx context.Context, id string) (attachment.Attachment, error) {
	g.stop("lookup")
	return g.files.Get(ctx, id)
}

func (g *gate) Attach(ctx context.Context, owner string, ids []string, to attachment.Ref) error {
	g.stop("attach")
	return g.files.Attach(ctx, owner, ids, to)
}

// A reply cut off at each of its steps while b is merged into a, or a's
// posts 2 and 3 are split off: once both are done, the counts match the
// model (threads' posts, "new" the split's), the index holds every post,
// and a reply taken is readable at its permalink, in a. A reply to b that
// had its number before the merge goes along with b's posts; one that had
// not is refused, as any reply to a thread merged away.
func TestMergeOrSplitWhileAReplyIsWritten(t *testing.T) {
	cases := []struct {
		name  string
		split bool   // else b is merged into a
		to    string // the thread replied to: "a" or "b"
		at    string // where the reply stops while the merge or split starts
		taken bool
		posts map[string]int
	}{
		{"merge, reply to a, numbered", false, "a", "attach", true, map[string]int{"a": 7}},
		{"merge, reply to b, numbered", false, "b", "attach", true, map[string]int{"a": 7}},
		{"merge, reply to a, before its number", false, "a", "lookup", true, map[string]int{"a": 7}},
		{"merge, reply to b, before its number", false, "b", "lookup", false, map[string]int{"a": 6}},
		{"split, reply to a, numbered", true, "a", "attach", true, map[string]int{"a": 2, "b": 3, "new": 2}},
		{"split, reply to a, before its number", true, "a", "lookup", true, map[string]int{"a": 2, "b": 3, "new": 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := testenv.Ctx(t)
			w := newCrashWorld(t)
			s := w.s
			g := &gate{at: c.at, stopped: make(chan struct{}), release: make(chan struct{})}
			s.deps.Attachments = g
			ids := map[string]string{"a": w.a, "b": w.b}
			type result struct {
				p   PostView
				err error
			}
			type curation struct {
				thread string // the split's new thread
				err    error
			}
			replied, curated := make(chan result, 1), make(chan curation, 1)
			go func() {
				p, err := s.Reply(ctx, user("b", account.RoleParticipant), ids[c.to], NewPost{Body: "Durante l'unione.", AttachmentIDs: []string{"f1"}})
				replied <- result{p, err}
			}()
			<-g.stopped
			go func() {
				var v ThreadView
				var err error
				if c.split {
					v, err = s.SplitThread(ctx, w.mod, w.a, ThreadSplit{PostIDs: []string{postID(w.a, 2), postID(w.a, 3)}, Title: "Separata", Reason: "Tema a sé."})
				} else {
					v, err = s.MergeThreads(ctx, w.mod, w.b, ThreadMerge{IntoID: w.a, Reason: "Stesso tema."})
				}
				curated <- curation{v.ID, err}
			}()
			var cur curation
			done := false
			select { // the merge or split runs while the reply is cut off, or waits for it
			case cur = <-curated:
				done = true
			case <-time.After(time.Second):
			}
			close(g.release)
			r := <-replied
			if !done {
				cur = <-curated
			}
			if cur.err != nil {
				t.Fatalf("merge or split: %v", cur.err)
			}
			ids["new"] = cur.thread
			model := map[string]int{}
			for k, n := range c.posts {
				model[ids[k]] = n
			}
			if !c.taken {
				if !errors.Is(r.err, ErrThreadNotFound) {
					t.Fatalf("reply: got %v, want refused (thread not found)", r.err)
				}
				w.expect(s, model)
				return
			}
			if r.err != nil {
				t.Fatalf("reply: %v", r.err)
			}
			w.expect(s, model)
			id := r.p.ID
			link, err := s.PostPage(ctx, w.reader, id, 50)
			var moved *Moved
			if errors.As(err, &moved) {
				id = moved.PostID
				link, err = s.PostPage(ctx, w.reader, id, 50)
			}
			if err != nil || link.Post.ThreadID != w.a || link.Post.Body != "Durante l'unione." {
				t.Fatalf("reply's permalink %s: got %s %q (%v), want it in %s", r.p.ID, link.Post.ID, link.Post.Body, err, w.a)
			}
		})
	}
}

// readPosition over the shapes a merge leaves: a thread merged away with
// numbers missing or out of date order, posts split off afterwards, two
// threads merged in. a's own posts are 1–3; readers read a to j.
func TestReadPositionAfterMerges(t *testing.T) {
	cases := []struct {
		name     string
		t        ThreadSummary
		j        int
		read     map[string]int // the thread merged in -> read up to
		pos, unr int
	}{
		{"b's 3 was split off before: 1,2,4,5 are 4–7; b read to 2",
			ThreadSummary{PostCount: 7, MergeFirsts: map[string]int{"b": 4}, MergeRuns: map[string][]int{"b": {1, 2, 4, 2}}},
			3, map[string]int{"b": 2}, 5, 2},
		{"same, b read to 4", ThreadSummary{PostCount: 7, MergeFirsts: map[string]int{"b": 4}, MergeRuns: map[string][]int{"b": {1, 2, 4, 2}}},
			3, map[string]int{"b": 4}, 6, 1},
		{"b's 3 older than its 2: 1,3,2 are 4–6; b read to 2",
			ThreadSummary{PostCount: 6, MergeFirsts: map[string]int{"b": 4}, MergeRuns: map[string][]int{"b": {1, 1, 3, 1, 2, 1}}},
			3, map[string]int{"b": 2}, 4, 1},
		{"5 split off after the merge; b read to its end",
			ThreadSummary{PostCount: 6, Gone: []int{5}, MergeFirsts: map[string]int{"b": 4}, MergeRuns: map[string][]int{"b": {1, 3}}},
			3, map[string]int{"b": 3}, 6, 0},
		{"b (4–6) and c (7–8) merged in; b read to 1, c to its end",
			ThreadSummary{PostCount: 8, MergeFirsts: map[string]int{"b": 4, "c": 7}, MergeRuns: map[string][]int{"b": {1, 3}, "c": {1, 2}}},
			3, map[string]int{"b": 1, "c": 2}, 4, 2},
		{"a read past the merged posts", ThreadSummary{PostCount: 7, MergeFirsts: map[string]int{"b": 4}, MergeRuns: map[string][]int{"b": {1, 3}}},
			6, map[string]int{"b": 1}, 6, 1},
		{"a never opened, b read", ThreadSummary{PostCount: 6, MergeFirsts: map[string]int{"b": 4}, MergeRuns: map[string][]int{"b": {1, 3}}},
			0, map[string]int{"b": 3}, 0, 3},
	}
	for _, c := range cases {
		pos, unread := c.t.readPosition(c.j, func(id string) int { return c.read[id] })
		if pos != c.pos || unread != c.unr {
			t.Errorf("%s: got position %d, %d unread; want %d, %d", c.name, pos, unread, c.pos, c.unr)
		}
	}
}
