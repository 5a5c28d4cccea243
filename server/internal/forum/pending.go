package forum

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/store"
)

// The work that follows a stored write (the thread's counters, listing and
// category totals, the search index, notifications) survives a crash
// through the outbox: each action records an entry before its first write
// and the entry goes once that work is done. After a crash, the entry's
// redo rebuilds the work from what is stored:
//   - kindPosted (a reply or a new thread): the thread's counters and
//     listing entry and its category's totals are recomputed from the posts
//     stored, then the author's posts since the entry are indexed and their
//     notifications sent (notify skips whoever was told already).
//   - kindPostChanged (edit, delete, retitle): the index is made to match
//     the stored post. The people an edit newly mentions are not told
//     again: the stored post no longer says which mentions were new.
const (
	kindPosted      = "forum.posted"
	kindPostChanged = "forum.post_changed"
)

type postedWork struct {
	ThreadID string    `bson:"thread_id"`
	AuthorID string    `bson:"author_id"`
	Since    time.Time `bson:"since"` // the forum's clock before the post was written
}

type postChangedWork struct {
	PostID  string   `bson:"post_id,omitempty"`
	PostIDs []string `bson:"post_ids,omitempty"` // a bulk delete's, of one thread
}

func (s *Service) handlePending() {
	s.deps.Outbox.Handle(kindPosted, s.redoPosted)
	s.deps.Outbox.Handle(kindPostChanged, s.redoPostChanged)
	s.deps.Outbox.Handle(kindMoved, s.redoMoved)
	s.deps.Outbox.Handle(kindMerged, s.redoMerged)
	s.deps.Outbox.Handle(kindSplit, s.redoSplit)
}

// followUp indexes a stored post and notifies the people concerned in the
// background, each a part of w. redo is zero on the request's own path and
// the entry's time when redone.
func (s *Service) followUp(ctx context.Context, w *outbox.Work, d *delivery, parent *postDoc, recipients []string) {
	s.index(ctx, d.t, d.p, w.Part())
	s.bg.Part(ctx, w, func(ctx context.Context) error {
		if d.p.N == 1 {
			notified := s.notifyMentions(ctx, d, recipients)
			s.notifyFollowers(ctx, d, "category:"+d.t.CategoryID, "followed_category", notified)
		} else {
			notified := s.notifyReply(ctx, d, parent)
			notified = append(notified, s.notifyMentions(ctx, d, recipients)...)
			s.notifyFollowers(ctx, d, "thread:"+d.t.ID, "followed_thread", notified)
		}
		return d.err
	})
}

// redoPosted finishes a reply or a new thread cut off by a crash.
func (s *Service) redoPosted(ctx context.Context, w *outbox.Work) error {
	var in postedWork
	if err := w.Entry().Decode(&in); err != nil {
		return err
	}
	t, posts, err := s.recount(ctx, in.ThreadID)
	if errors.Is(err, ErrThreadNotFound) {
		return nil // the thread was never stored: nothing follows
	}
	if err != nil {
		return err
	}
	for _, p := range posts {
		if p.Author.ID != in.AuthorID || p.CreatedAt.Before(in.Since) || p.Deleted {
			continue
		}
		_, recipients, err := s.render(ctx, p.Body, nil)
		if err != nil {
			return err
		}
		d := &delivery{actor: &account.User{ID: p.Author.ID, Name: p.Author.Name}, t: t, p: p, redo: in.Since}
		s.followUp(ctx, w, d, posts[p.ParentN], recipients)
	}
	return nil
}

// recount sets the thread's counters and latest activity from the posts
// stored, rewrites its listing entry and its category's totals. It runs
// at start-up, before any request: nothing writes the thread meanwhile.
func (s *Service) recount(ctx context.Context, threadID string) (*ThreadSummary, map[int]*postDoc, error) {
	t, posts, err := s.recountThread(ctx, threadID, false)
	if err != nil {
		return nil, nil, err
	}
	return t, posts, s.recountCategory(ctx, t.CategoryID)
}

// recountThread sets a thread's reply count and latest activity from the
// posts stored, and its post count unless keepCount (numbers that moved
// away are never given out again: their permalinks answer where the posts
// went), then rewrites its listing entry.
func (s *Service) recountThread(ctx context.Context, id string, keepCount bool) (*ThreadSummary, map[int]*postDoc, error) {
	t, ok, err := store.Get[ThreadSummary](ctx, s.deps.Store.Collection(colThreads).Ordered(), id)
	if err != nil {
		return nil, nil, fmt.Errorf("load thread %s: %w", id, err)
	}
	if !ok {
		return nil, nil, ErrThreadNotFound
	}
	posts, err := s.posts(ctx, &t)
	if err != nil {
		return nil, nil, err
	}
	var last *postDoc // the latest, by date (a merge brings older posts in)
	top := 0
	for _, p := range posts {
		if last == nil || before(last, p) {
			last = p
		}
		top = max(top, p.N)
	}
	if last == nil {
		return nil, nil, ErrThreadNotFound
	}
	set := bson.M{"reply_count": len(posts) - 1, "last_activity_at": last.CreatedAt, "last_poster_name": last.Author.Name}
	if !keepCount {
		set["post_count"] = top
	}
	defer s.threadWritten(id)
	t = ThreadSummary{}
	err = s.deps.Store.C(colThreads).FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$set": set, "$inc": bson.M{"version": 1}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&t)
	if err != nil {
		return nil, nil, fmt.Errorf("recount thread %s: %w", id, err)
	}
	t.at(s.now())
	if err := s.list(ctx, &t); err != nil {
		return nil, nil, err
	}
	return &t, posts, nil
}

// recountCategory sets a category's thread and post totals from its listing.
func (s *Service) recountCategory(ctx context.Context, id string) error {
	ts, err := s.listing(ctx, id)
	if err != nil {
		return err
	}
	posts := 0
	for _, t := range ts {
		posts += t.ReplyCount + 1
	}
	defer s.categoryWritten(id)
	if _, err := s.deps.Store.C(colCategories).UpdateOne(ctx, bson.M{"_id": id}, bson.M{
		"$set": bson.M{"thread_count": len(ts), "post_count": posts}, "$inc": bson.M{"listing_version": 1}}); err != nil {
		return fmt.Errorf("recount category %s: %w", id, err)
	}
	return nil
}

// redoPostChanged makes the index match posts edited, deleted or retitled.
func (s *Service) redoPostChanged(ctx context.Context, w *outbox.Work) error {
	var in postChangedWork
	if err := w.Entry().Decode(&in); err != nil {
		return err
	}
	ids := in.PostIDs
	if in.PostID != "" {
		ids = append(ids, in.PostID)
	}
	for _, id := range ids {
		t, p, err := s.postByID(ctx, id)
		if errors.Is(err, ErrPostNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		s.reindex(ctx, w, t, p)
	}
	return nil
}

// reindex puts the post into the index as it is stored, or takes it out.
func (s *Service) reindex(ctx context.Context, w *outbox.Work, t *ThreadSummary, p *postDoc) {
	s.syncIndex(ctx, t, p, w.Part())
}

// syncIndex puts p in the search index, or takes it out when it is
// deleted or hidden by the moderation: only what readers may see is found.
func (s *Service) syncIndex(ctx context.Context, t *ThreadSummary, p *postDoc, done func(error)) {
	if !p.Deleted && p.Hidden == nil {
		s.index(ctx, t, p, done)
		return
	}
	if err := s.deps.Indexer.Remove(ctx, postID(t.ID, p.N), done); err != nil {
		s.log.Error("unindex post", "post", postID(t.ID, p.N), "err", err)
		if done != nil {
			done(err)
		}
	}
}

// delivery is the notifying of one post: who acted, where, and the first
// failure (which keeps the pending work for a redo).
type delivery struct {
	actor *account.User
	t     *ThreadSummary
	p     *postDoc
	redo  time.Time // notify.Input.Redo
	err   error
}
