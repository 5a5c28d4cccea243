package forum

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/store"
)

// Curation: moderators move a thread to another category, merge a thread
// into another and split posts into a new thread. Each writes several
// documents, so each records its plan in the outbox before its first write
// and redoes the plan from what is stored after a crash (every step is
// idempotent). Old addresses keep working: forum_moves maps the _id of what
// left ("t:<thread id>", "p:<post id>") to where it went, read only when
// the address is no longer found (Moved).
//
//	forum_moves {_id: "t:<thread id>" | "p:<post id>", to: thread id | post id}
const colMoves = "forum_moves"

const (
	kindMoved  = "forum.moved"
	kindMerged = "forum.merged"
	kindSplit  = "forum.split"
)

// Moved answers an address that moved: the thread or post it is now.
type Moved struct {
	ThreadID string // a thread merged away: the thread it went into
	PostID   string // a post moved by a merge or a split: its id now
}

func (m *Moved) Error() string { return "moved to " + m.ThreadID + m.PostID }

// ThreadMove moves a thread to another category.
type ThreadMove struct {
	CategoryID string `json:"category_id" validate:"required,max=64"`
	Reason     string `json:"reason" validate:"required,notblank,max=500,nocontrol"`
}

// ThreadMerge merges the thread into another (IntoID).
type ThreadMerge struct {
	IntoID string `json:"into_id" validate:"required,max=64"`
	Reason string `json:"reason" validate:"required,notblank,max=500,nocontrol"`
}

// ThreadSplit moves some posts of a thread into a new thread.
type ThreadSplit struct {
	PostIDs    []string `json:"post_ids" validate:"required,min=1,max=500,dive,required,max=80"`
	Title      string   `json:"title" validate:"required,min=3,max=200,nocontrol"`
	CategoryID string   `json:"category_id" validate:"max=64"` // "": the thread's
	Reason     string   `json:"reason" validate:"required,notblank,max=500,nocontrol"`
}

// Field codes of the curation forms.
var (
	fieldDatePast      = problem.DefineField("forum_date_past", "La data deve essere nel futuro.", "The date must be in the future.")
	fieldSameCategory  = problem.DefineField("forum_move_same_category", "La discussione è già in questa categoria.", "The thread is already in this category.")
	fieldArchived      = problem.DefineField("forum_category_archived", "La categoria è archiviata.", "The category is archived.")
	fieldMergeSelf     = problem.DefineField("forum_merge_self", "Non si può unire una discussione a sé stessa.", "A thread cannot be merged into itself.")
	fieldUnknownThread = problem.DefineField("forum_unknown_thread", "Discussione inesistente.", "No such thread.")
	fieldSplitOther    = problem.DefineField("forum_split_other_thread", "Alcuni messaggi appartengono a un'altra discussione.", "Some posts belong to another thread.")
	fieldSplitUnknown  = problem.DefineField("forum_split_unknown_post", "Alcuni messaggi non esistono.", "Some posts do not exist.")
	fieldSplitOpening  = problem.DefineField("forum_split_opening_post", "Il primo messaggio resta nella discussione.", "The opening post stays in the thread.")
)

// schedule checks a patch's dates and turns them into the thread's fields:
// a pin until a date pins; unpinning or unlocking clears the dates.
func (s *Service) schedule(t *ThreadSummary, p *ThreadPatch) (set, unset bson.M, err error) {
	set, unset = bson.M{}, bson.M{}
	now := s.now()
	fields := map[string]string{}
	if p.PinnedUntil != nil {
		switch {
		case !p.PinnedUntil.After(now):
			fields["pinned_until"] = fieldDatePast
		case p.Pinned != nil && !*p.Pinned:
			fields["pinned_until"] = problem.FieldInvalid
		}
	}
	if p.ClosesAt != nil {
		switch {
		case !p.ClosesAt.After(now):
			fields["closes_at"] = fieldDatePast
		case p.Locked != nil:
			fields["closes_at"] = problem.FieldInvalid
		}
	}
	if (p.PinnedUntil != nil || p.ClosesAt != nil) && strings.TrimSpace(p.Reason) == "" {
		fields["reason"] = problem.FieldRequired
	}
	if len(fields) > 0 {
		return nil, nil, problem.ErrInvalid.With(fields)
	}
	if p.PinnedUntil != nil {
		on, at := true, p.PinnedUntil.UTC().Truncate(time.Millisecond)
		p.Pinned, p.PinnedUntil = &on, &at
		set["pinned_until"] = at
	} else if p.Pinned != nil && t.PinnedUntil != nil {
		unset["pinned_until"] = "" // pinned again for good, or unpinned
	}
	if p.ClosesAt != nil {
		at := p.ClosesAt.UTC().Truncate(time.Millisecond)
		p.ClosesAt = &at
		set["closes_at"] = at
	} else if p.Locked != nil && t.ClosesAt != nil {
		unset["closes_at"] = ""
	}
	return set, unset, nil
}

// auditTime is a date as audit entries and the thread observer spell it.
func auditTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// curationEntry is the audit entry of a curation action on t.
func curationEntry(u *account.User, action string, t *ThreadSummary, reason string, before, after map[string]any) audit.Entry {
	return audit.Entry{Actor: u.AuditActor(), Action: action, Target: audit.Target{Kind: "thread", ID: t.ID, Label: t.Title},
		Place: t.CategoryID, Reason: strings.TrimSpace(reason), Before: before, After: after}
}

// movedTo is where the address key ("t:<id>", "p:<id>") went, if it did.
func (s *Service) movedTo(ctx context.Context, key string) (string, bool, error) {
	d, ok, err := store.Get[struct {
		To string `bson:"to"`
	}](ctx, s.deps.Store.Collection(colMoves), key)
	if err != nil {
		return "", false, fmt.Errorf("load move %s: %w", key, err)
	}
	return d.To, ok, nil
}

// moved answers a thread or post not found with where it went, if it did.
func (s *Service) moved(ctx context.Context, err error, kind, id string) error {
	if !errors.Is(err, ErrThreadNotFound) && !errors.Is(err, ErrPostNotFound) || !safeKey(id) {
		return err
	}
	to, ok, merr := s.movedTo(ctx, kind+":"+id)
	switch {
	case merr != nil:
		return merr
	case !ok:
		return err
	case kind == "t":
		return &Moved{ThreadID: to}
	default:
		return &Moved{PostID: to}
	}
}

// recordMoves records where each address went; a post that moved takes
// its older versions along (moderators read a post's history at its new
// address).
func (s *Service) recordMoves(ctx context.Context, moves map[string]string) error {
	for from, to := range moves {
		if old, ok := strings.CutPrefix(from, "p:"); ok {
			if err := s.copyHistory(ctx, old, to); err != nil {
				return err
			}
		}
		if _, err := s.deps.Store.C(colMoves).UpdateOne(ctx, bson.M{"_id": from}, bson.M{"$set": bson.M{"to": to}},
			options.UpdateOne().SetUpsert(true)); err != nil {
			return fmt.Errorf("record move %s: %w", from, err)
		}
	}
	return nil
}

// copyHistory gives post to the older versions of post from, once however
// often it is redone ($addToSet keeps their order and skips those there).
func (s *Service) copyHistory(ctx context.Context, from, to string) error {
	h, ok, err := store.Get[historyDoc](ctx, s.deps.Store.Collection(colHistory).Ordered(), from)
	if err != nil {
		return fmt.Errorf("load history of %s: %w", from, err)
	}
	if !ok || len(h.Versions) == 0 {
		return nil
	}
	if _, err := s.deps.Store.C(colHistory).UpdateOne(ctx, bson.M{"_id": to},
		bson.M{"$addToSet": bson.M{"versions": bson.M{"$each": h.Versions}}}, options.UpdateOne().SetUpsert(true)); err != nil {
		return fmt.Errorf("copy history of %s to %s: %w", from, to, err)
	}
	return nil
}

// curated loads the thread a moderator acts on and asks the table.
func (s *Service) curated(ctx context.Context, u *account.User, a authz.Action, id string) (*ThreadSummary, error) {
	t, err := s.thread(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := check(a, u, authz.Item{OwnerID: t.AuthorID, State: t.state()}, ErrModeratorOnly, ErrModeratorOnly, ErrModeratorOnly); err != nil {
		return nil, err
	}
	return t, nil
}

// target is the category a thread moves or splits into: it must exist and
// take new content.
func (s *Service) target(ctx context.Context, field, id string) (*categoryDoc, error) {
	c, err := s.categoryCurrent(ctx, id)
	if errors.Is(err, ErrCategoryNotFound) {
		return nil, problem.ErrInvalid.With(map[string]string{field: fieldUnknownCategory})
	}
	if err != nil {
		return nil, err
	}
	if c.Archived {
		return nil, problem.ErrInvalid.With(map[string]string{field: fieldArchived})
	}
	return c, nil
}

// --- Move ---

type movedWork struct {
	ThreadID string `bson:"thread_id"`
	From     string `bson:"from"`
	To       string `bson:"to"`
}

// MoveThread moves a thread to another category; both categories' totals
// follow, and its posts are found under the new category.
func (s *Service) MoveThread(ctx context.Context, u *account.User, id string, in ThreadMove) (_ ThreadView, err error) {
	if err := problem.Validate(in); err != nil {
		return ThreadView{}, err
	}
	t, err := s.curated(ctx, u, authz.MoveThread, id)
	if err != nil {
		return ThreadView{}, err
	}
	cat, err := s.target(ctx, "category_id", in.CategoryID)
	if err != nil {
		return ThreadView{}, err
	}
	if cat.ID == t.CategoryID {
		return ThreadView{}, problem.ErrInvalid.With(map[string]string{"category_id": fieldSameCategory})
	}
	plan := movedWork{ThreadID: t.ID, From: t.CategoryID, To: cat.ID}
	w, err := s.deps.Outbox.Record(ctx, kindMoved, plan)
	if err != nil {
		return ThreadView{}, err
	}
	defer func() { w.End(err) }()
	rec, err := s.deps.Audit.Begin(ctx, curationEntry(u, audit.ThreadMove, t, in.Reason,
		map[string]any{"category_id": plan.From}, map[string]any{"category_id": plan.To}))
	if err != nil {
		return ThreadView{}, err
	}
	moved, err := s.move(ctx, w, plan)
	rec.Done(ctx, err)
	if err != nil {
		return ThreadView{}, err
	}
	return s.threadView(ctx, u, moved)
}

func (s *Service) redoMoved(ctx context.Context, w *outbox.Work) error {
	var plan movedWork
	if err := w.Entry().Decode(&plan); err != nil {
		return err
	}
	_, err := s.move(ctx, w, plan)
	if errors.Is(err, ErrThreadNotFound) {
		return nil
	}
	return err
}

// move carries out plan: the thread's category, both listings and totals,
// the index of its posts.
func (s *Service) move(ctx context.Context, w *outbox.Work, plan movedWork) (*ThreadSummary, error) {
	t := &ThreadSummary{}
	defer s.threadWritten(plan.ThreadID)
	err := s.deps.Store.C(colThreads).FindOneAndUpdate(ctx, bson.M{"_id": plan.ThreadID},
		bson.M{"$set": bson.M{"category_id": plan.To}, "$inc": bson.M{"version": 1}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(t)
	if err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, ErrThreadNotFound
		}
		return nil, fmt.Errorf("move thread %s: %w", plan.ThreadID, err)
	}
	t.at(s.now())
	if err := s.list(ctx, t); err != nil {
		return nil, err
	}
	if err := s.listings.Delete(ctx, plan.From, t.ID); err != nil {
		return nil, fmt.Errorf("unlist thread %s: %w", t.ID, err)
	}
	for _, c := range []string{plan.From, plan.To} {
		if err := s.recountCategory(ctx, c); err != nil {
			return nil, err
		}
	}
	if err := s.reindexThread(ctx, w, t); err != nil {
		return nil, err
	}
	s.publish(ctx, categoryTopic(plan.From), "thread.removed", map[string]string{"id": t.ID})
	s.publishThread(ctx, t)
	return t, nil
}

// reindexThread puts every post of t into the index as stored (its
// category, thread and number may have changed).
func (s *Service) reindexThread(ctx context.Context, w *outbox.Work, t *ThreadSummary) error {
	posts, err := s.posts(ctx, t)
	if err != nil {
		return err
	}
	for _, p := range posts {
		s.reindex(ctx, w, t, p)
	}
	return nil
}

// threadView is t as u sees it after an action.
func (s *Service) threadView(ctx context.Context, u *account.User, t *ThreadSummary) (ThreadView, error) {
	rs, err := s.readerState(ctx, u.ID, t.readIDs()...)
	if err != nil {
		return ThreadView{}, err
	}
	v := personal(*t, rs)
	v.Seq = s.head(ctx, threadTopic(t.ID))
	return v, nil
}

// --- Merge ---

type mergedWork struct {
	From         string `bson:"from"`
	FromCategory string `bson:"from_category"`
	Into         string `bson:"into"`
}

// MergeThreads moves every post of thread id into thread in.IntoID, after
// its posts and in date order; the merged thread's address and its posts'
// permalinks then answer where they went (Moved).
func (s *Service) MergeThreads(ctx context.Context, u *account.User, id string, in ThreadMerge) (_ ThreadView, err error) {
	in.IntoID = strings.TrimSpace(in.IntoID)
	if err := problem.Validate(in); err != nil {
		return ThreadView{}, err
	}
	from, err := s.curated(ctx, u, authz.MergeThreads, id)
	if err != nil {
		return ThreadView{}, err
	}
	if in.IntoID == from.ID {
		return ThreadView{}, problem.ErrInvalid.With(map[string]string{"into_id": fieldMergeSelf})
	}
	into, err := s.thread(ctx, in.IntoID)
	if errors.Is(err, ErrThreadNotFound) {
		return ThreadView{}, problem.ErrInvalid.With(map[string]string{"into_id": fieldUnknownThread})
	}
	if err != nil {
		return ThreadView{}, err
	}
	if into.MergedInto != "" {
		return ThreadView{}, problem.ErrInvalid.With(map[string]string{"into_id": fieldUnknownThread})
	}
	if _, err := check(authz.MergeThreads, u, authz.Item{OwnerID: into.AuthorID, State: into.state()}, ErrModeratorOnly, ErrModeratorOnly, ErrModeratorOnly); err != nil {
		return ThreadView{}, err
	}
	if _, err := s.target(ctx, "into_id", into.CategoryID); err != nil {
		return ThreadView{}, err
	}
	plan := mergedWork{From: from.ID, FromCategory: from.CategoryID, Into: into.ID}
	w, err := s.deps.Outbox.Record(ctx, kindMerged, plan)
	if err != nil {
		return ThreadView{}, err
	}
	defer func() { w.End(err) }()
	rec, err := s.deps.Audit.Begin(ctx, curationEntry(u, audit.ThreadMerge, from, in.Reason,
		map[string]any{"merged_into": ""}, map[string]any{"merged_into": into.ID}))
	if err != nil {
		return ThreadView{}, err
	}
	merged, err := s.merge(ctx, w, plan)
	rec.Done(ctx, err)
	if err != nil {
		return ThreadView{}, err
	}
	return s.threadView(ctx, u, merged)
}

func (s *Service) redoMerged(ctx context.Context, w *outbox.Work) error {
	var plan mergedWork
	if err := w.Entry().Decode(&plan); err != nil {
		return err
	}
	_, err := s.merge(ctx, w, plan)
	if errors.Is(err, ErrThreadNotFound) {
		return nil
	}
	return err
}

// merge carries out plan, each step safe to repeat: mark the thread merged
// (it takes no more replies), reserve numbers in the other thread once
// (kept on the merged thread), copy its posts there in date order, record
// where each went, index them, recount, then delete the merged thread.
func (s *Service) merge(ctx context.Context, w *outbox.Work, plan mergedWork) (*ThreadSummary, error) {
	defer s.threadLocks.LockAll([]string{plan.From, plan.Into})()
	from := &ThreadSummary{}
	defer s.threadWritten(plan.From)
	err := s.deps.Store.C(colThreads).FindOneAndUpdate(ctx, bson.M{"_id": plan.From},
		bson.M{"$set": bson.M{"merged_into": plan.Into}, "$inc": bson.M{"version": 1}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(from)
	if errors.Is(err, mongo.ErrNoDocuments) {
		// Done before a crash but for the end: both categories' totals.
		into, err := s.thread(ctx, plan.Into)
		if err != nil {
			return nil, err
		}
		if err := s.recountCategory(ctx, plan.FromCategory); err != nil {
			return nil, err
		}
		return into, s.recountCategory(ctx, into.CategoryID)
	}
	if err != nil {
		return nil, fmt.Errorf("mark thread %s merged: %w", plan.From, err)
	}
	posts, err := s.posts(ctx, from)
	if err != nil {
		return nil, err
	}
	order := make([]*postDoc, 0, len(posts))
	for _, p := range posts {
		order = append(order, p)
	}
	sort.Slice(order, func(i, j int) bool { return before(order[i], order[j]) })
	first := from.MergeFirst
	if first == 0 {
		ns := make([]int, len(order))
		for i, p := range order {
			ns[i] = p.N
		}
		if first, err = s.reserveMerge(ctx, plan.Into, plan.From, ns); err != nil {
			return nil, err
		}
	}
	into, err := s.thread(ctx, plan.Into)
	if err != nil {
		return nil, err
	}
	number := make(map[int]int, len(order))
	for i, p := range order {
		number[p.N] = first + i
	}
	moves := map[string]string{"t:" + from.ID: into.ID}
	for _, p := range order {
		q := *p
		parent := p.ParentN
		if parent == 0 && p.N != 1 {
			parent = 1 // a reply to the merged thread replies to its opening post
		}
		q.N, q.ParentN, q.Depth = number[p.N], number[parent], p.Depth+1 // the opening post hangs off the thread
		if err := s.putPost(ctx, into, &q); err != nil {
			return nil, err
		}
		moves["p:"+postID(from.ID, p.N)] = postID(into.ID, q.N)
		if err := s.unindex(ctx, w, postID(from.ID, p.N)); err != nil {
			return nil, err
		}
		s.reindex(ctx, w, into, &q)
	}
	if err := s.recordMoves(ctx, moves); err != nil {
		return nil, err
	}
	// Who followed the merged thread follows the one it went into.
	followers, err := s.followers(ctx, "thread:"+from.ID)
	if err != nil {
		return nil, err
	}
	for _, uid := range followers {
		if err := s.follow(ctx, uid, kindThread, into.ID, true); err != nil {
			return nil, err
		}
	}
	if into, _, err = s.recountThread(ctx, into.ID, true); err != nil {
		return nil, err
	}
	if err := s.listings.Delete(ctx, from.CategoryID, from.ID); err != nil {
		return nil, fmt.Errorf("unlist thread %s: %w", from.ID, err)
	}
	for n := 0; n <= from.PostCount; n += postLayout.SizeOf(from.postList()) {
		if _, err := s.deps.Store.C(colPosts).DeleteOne(ctx, bson.M{"_id": from.bucketOf(n)}); err != nil {
			return nil, fmt.Errorf("delete posts of merged thread %s: %w", from.ID, err)
		}
	}
	if _, err := s.deps.Store.C(colThreads).DeleteOne(ctx, bson.M{"_id": from.ID}); err != nil {
		return nil, fmt.Errorf("delete merged thread %s: %w", from.ID, err)
	}
	for _, c := range []string{from.CategoryID, into.CategoryID} {
		if err := s.recountCategory(ctx, c); err != nil {
			return nil, err
		}
	}
	s.bumpThread(ctx, into.ID)
	s.publish(ctx, threadTopic(from.ID), "thread.moved", map[string]string{"id": from.ID, "thread_id": into.ID})
	s.publish(ctx, categoryTopic(from.CategoryID), "thread.removed", map[string]string{"id": from.ID})
	s.publish(ctx, topicForum, "thread.removed", map[string]string{"id": from.ID})
	s.publishThread(ctx, into)
	return into, nil
}

// reserveMerge reserves numbers in thread into for the posts of thread
// from, numbered ns there, in the order given, and returns the first: once
// however often it is redone, as the reservation and its record (with
// where each number comes from, for readers' positions) are one write,
// conditional on the count read (a reply taking a number meanwhile makes
// it read again). The condition is a filter on more than _id, a scan of
// the threads on the embedded store: a merge is rare.
func (s *Service) reserveMerge(ctx context.Context, into, from string, ns []int) (int, error) {
	defer s.threadWritten(into)
	for range 50 {
		var t ThreadSummary
		err := s.deps.Store.C(colThreads).FindOne(ctx, bson.M{"_id": into}).Decode(&t)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return 0, ErrThreadNotFound
		}
		if err != nil {
			return 0, fmt.Errorf("read thread %s to merge into: %w", into, err)
		}
		if first := t.MergeFirsts[from]; first > 0 {
			return first, nil
		}
		res, err := s.deps.Store.C(colThreads).UpdateOne(ctx, bson.M{"_id": into, "post_count": t.PostCount},
			bson.M{"$set": bson.M{"post_count": t.PostCount + len(ns), "merge_firsts." + from: t.PostCount + 1,
				"merge_runs." + from: mergeRuns(ns)}})
		if err != nil {
			return 0, fmt.Errorf("number merged posts in %s: %w", into, err)
		}
		if res.MatchedCount > 0 {
			return t.PostCount + 1, nil
		}
	}
	return 0, fmt.Errorf("number merged posts in %s: the thread kept changing", into)
}

// unindex takes a post that moved out of the index, as a part of w.
func (s *Service) unindex(ctx context.Context, w *outbox.Work, id string) error {
	done := w.Part()
	if err := s.deps.Indexer.Remove(ctx, id, done); err != nil {
		done(err)
		return fmt.Errorf("unindex post %s: %w", id, err)
	}
	return nil
}

// --- Split ---

type splitWork struct {
	From       string `bson:"from"`
	New        string `bson:"new"`
	Ns         []int  `bson:"ns"` // the posts moved, in date order: the new thread's 1, 2, ...
	Title      string `bson:"title"`
	CategoryID string `bson:"category_id"`
}

// SplitThread moves the posts in.PostIDs of thread id (not its opening
// post) into a new thread titled in.Title, in date order: the first opens
// it. Their permalinks then answer where they went (Moved).
func (s *Service) SplitThread(ctx context.Context, u *account.User, id string, in ThreadSplit) (_ ThreadView, err error) {
	in.Title, in.CategoryID = strings.TrimSpace(in.Title), strings.TrimSpace(in.CategoryID)
	if err := problem.Validate(in); err != nil {
		return ThreadView{}, err
	}
	from, err := s.curated(ctx, u, authz.SplitThread, id)
	if err != nil {
		return ThreadView{}, err
	}
	if from.MergedInto != "" {
		return ThreadView{}, ErrThreadNotFound
	}
	if in.CategoryID == "" {
		in.CategoryID = from.CategoryID
	}
	cat, err := s.target(ctx, "category_id", in.CategoryID)
	if err != nil {
		return ThreadView{}, err
	}
	posts, err := s.posts(ctx, from)
	if err != nil {
		return ThreadView{}, err
	}
	var chosen []*postDoc
	seen := map[int]bool{}
	for _, pid := range in.PostIDs {
		tid, n, ok := splitPostID(strings.TrimSpace(pid))
		switch {
		case ok && tid != from.ID:
			return ThreadView{}, problem.ErrInvalid.With(map[string]string{"post_ids": fieldSplitOther})
		case !ok || posts[n] == nil:
			return ThreadView{}, problem.ErrInvalid.With(map[string]string{"post_ids": fieldSplitUnknown})
		case n == 1:
			return ThreadView{}, problem.ErrInvalid.With(map[string]string{"post_ids": fieldSplitOpening})
		}
		if !seen[n] {
			seen[n] = true
			chosen = append(chosen, posts[n])
		}
	}
	sort.Slice(chosen, func(i, j int) bool { return before(chosen[i], chosen[j]) })
	var ctr struct {
		N int64 `bson:"n"`
	}
	err = s.deps.Store.C(colCounters).FindOneAndUpdate(ctx, bson.M{"_id": "thread"}, bson.M{"$inc": bson.M{"n": 1}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&ctr)
	if err != nil {
		return ThreadView{}, fmt.Errorf("next thread id: %w", err)
	}
	plan := splitWork{From: from.ID, New: strconv.FormatInt(ctr.N, 10), Title: in.Title, CategoryID: cat.ID}
	for _, p := range chosen {
		plan.Ns = append(plan.Ns, p.N)
	}
	w, err := s.deps.Outbox.Record(ctx, kindSplit, plan)
	if err != nil {
		return ThreadView{}, err
	}
	defer func() { w.End(err) }()
	rec, err := s.deps.Audit.Begin(ctx, curationEntry(u, audit.ThreadSplit, &ThreadSummary{ID: plan.New, Title: plan.Title, CategoryID: cat.ID},
		in.Reason, map[string]any{"split_from": ""}, map[string]any{"split_from": from.ID}))
	if err != nil {
		return ThreadView{}, err
	}
	t, err := s.split(ctx, w, plan)
	rec.Done(ctx, err)
	if err != nil {
		return ThreadView{}, err
	}
	return s.threadView(ctx, u, t)
}

func (s *Service) redoSplit(ctx context.Context, w *outbox.Work) error {
	var plan splitWork
	if err := w.Entry().Decode(&plan); err != nil {
		return err
	}
	_, err := s.split(ctx, w, plan)
	if errors.Is(err, ErrThreadNotFound) {
		return nil
	}
	return err
}

// split carries out plan, each step safe to repeat: the new thread and its
// posts (a post already taken out of the old thread is read from the new
// one), where each went, the posts taken out, both threads recounted.
func (s *Service) split(ctx context.Context, w *outbox.Work, plan splitWork) (*ThreadSummary, error) {
	defer s.threadLocks.LockAll([]string{plan.From, plan.New})()
	from, ok, err := store.Get[ThreadSummary](ctx, s.deps.Store.Collection(colThreads).Ordered(), plan.From)
	if err != nil {
		return nil, fmt.Errorf("load thread %s: %w", plan.From, err)
	}
	if !ok {
		return nil, ErrThreadNotFound
	}
	old, err := s.posts(ctx, &from)
	if err != nil {
		return nil, err
	}
	nt := &ThreadSummary{ID: plan.New, CategoryID: plan.CategoryID, Title: plan.Title, Tags: []string{},
		PostCount: len(plan.Ns), BucketSize: postsPerBucket, SplitFrom: from.ID}
	moved, err := s.posts(ctx, nt)
	if err != nil {
		return nil, err
	}
	number := make(map[int]int, len(plan.Ns))
	for i, n := range plan.Ns {
		number[n] = i + 1
	}
	depth := map[int]int{}
	var posts []*postDoc
	for i, n := range plan.Ns {
		p := old[n]
		if p == nil {
			if p = moved[i+1]; p == nil {
				return nil, fmt.Errorf("split %s: post %d is in neither thread", plan.From, n)
			}
			posts = append(posts, p)
			depth[p.N] = p.Depth
			continue
		}
		q := *p
		q.N, q.ParentN, q.Depth = i+1, number[p.ParentN], 0
		if i > 0 {
			q.Depth = depth[q.ParentN] + 1 // a reply to a post left behind hangs off the new thread
		} else {
			q.ParentN = 0
		}
		depth[q.N] = q.Depth
		posts = append(posts, &q)
	}
	first, last := posts[0], posts[len(posts)-1]
	nt.AuthorID, nt.AuthorName, nt.AuthorHandle = first.Author.ID, first.Author.Name, first.Author.Handle
	nt.AdministrationName, nt.AdministrationIPA = first.Author.AdministrationName, first.Author.AdministrationIPA
	nt.CreatedAt, nt.LastActivityAt, nt.LastPosterName = first.CreatedAt, last.CreatedAt, last.Author.Name
	nt.ReplyCount = len(posts) - 1
	for _, p := range posts {
		if err := s.putPost(ctx, nt, p); err != nil {
			return nil, err
		}
	}
	if _, err := s.deps.Store.C(colThreads).UpdateOne(ctx, bson.M{"_id": nt.ID}, bson.M{"$setOnInsert": nt},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return nil, fmt.Errorf("insert split thread %s: %w", nt.ID, err)
	}
	s.threadWritten(nt.ID)
	moves := map[string]string{}
	for i, n := range plan.Ns {
		moves["p:"+postID(from.ID, n)] = postID(nt.ID, i+1)
	}
	if err := s.recordMoves(ctx, moves); err != nil {
		return nil, err
	}
	gone := make(bson.A, len(plan.Ns))
	for i, n := range plan.Ns {
		gone[i] = n
	}
	if _, err := s.deps.Store.C(colThreads).UpdateOne(ctx, bson.M{"_id": from.ID}, bson.M{"$addToSet": bson.M{"gone": bson.M{"$each": gone}}}); err != nil {
		return nil, fmt.Errorf("keep the numbers gone from %s: %w", from.ID, err)
	}
	s.threadWritten(from.ID)
	for _, n := range plan.Ns {
		if old[n] == nil {
			continue
		}
		if err := s.postBuckets.Update(ctx, from.postList(), n, bson.M{"$unset": bson.M{postLayout.Path(n, ""): ""}}); err != nil {
			return nil, fmt.Errorf("take post %d out of %s: %w", n, from.ID, err)
		}
		if err := s.unindex(ctx, w, postID(from.ID, n)); err != nil {
			return nil, err
		}
	}
	for _, p := range posts {
		s.reindex(ctx, w, nt, p)
	}
	if err := s.list(ctx, nt); err != nil {
		return nil, err
	}
	src, _, err := s.recountThread(ctx, from.ID, true)
	if err != nil {
		return nil, err
	}
	s.bumpThread(ctx, from.ID)
	for _, c := range []string{from.CategoryID, nt.CategoryID} {
		if err := s.recountCategory(ctx, c); err != nil {
			return nil, err
		}
		if nt.CategoryID == from.CategoryID {
			break
		}
	}
	s.publish(ctx, threadTopic(from.ID), "posts.moved", map[string]any{"thread_id": nt.ID, "post_ids": keys(moves)})
	s.publishThread(ctx, src)
	s.publish(ctx, categoryTopic(nt.CategoryID), "thread.created", nt.wire())
	s.publish(ctx, topicForum, "thread.created", nt.wire())
	t, err := s.thread(ctx, nt.ID)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// keys are the old post ids of moves ("p:<id>").
func keys(moves map[string]string) []string {
	out := make([]string, 0, len(moves))
	for k := range moves {
		out = append(out, strings.TrimPrefix(k, "p:"))
	}
	sort.Strings(out)
	return out
}
