package forum

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Reported posts are moderated by package moderation, which reads them
// with ModerationPost and hides them with SetPostHidden; a moderator's
// delete is DeletePost.

// ModeratedPost is a post as the moderation reads it.
type ModeratedPost struct {
	ThreadID, ThreadTitle, CategoryID string
	N                                 int
	AuthorID, AuthorName              string
	Text                              string // plain text
	Deleted, Hidden                   bool
	HiddenReason                      string
}

// ModerationPost reads a post for the moderation (any active user may
// read every thread: the caller has checked the reporter).
func (s *Service) ModerationPost(ctx context.Context, id string) (ModeratedPost, error) {
	t, p, err := s.postByID(ctx, id)
	if err != nil {
		return ModeratedPost{}, err
	}
	return moderated(t, p), nil
}

// PostHiding is a post to hide, with the reason shown to its author, or
// to show again.
type PostHiding struct {
	ID     string
	Hidden bool
	Reason string
}

// SetPostHidden hides a post or shows it again (see SetPostsHidden).
func (s *Service) SetPostHidden(ctx context.Context, id string, hidden bool, reason string) error {
	return s.SetPostsHidden(ctx, []PostHiding{{ID: id, Hidden: hidden, Reason: reason}})
}

// SetPostsHidden hides posts (readers see a placeholder, their authors the
// post and the reason; search no longer finds them) or shows them again,
// and tells the threads' open views with post.updated. The posts of a
// bucket change in one write of it and each thread's version moves once:
// a bulk action on 100 posts is a few writes, not 300. Setting what is
// already set writes nothing but the search index (so a redo after a
// crash heals it). A post that does not exist fails with ErrPostNotFound;
// the others are still set.
func (s *Service) SetPostsHidden(ctx context.Context, hs []PostHiding) error {
	ids := make([]string, len(hs))
	byThread := map[string][]PostHiding{}
	var errs []error
	for i, h := range hs {
		ids[i] = h.ID
		tid, _, ok := splitPostID(h.ID)
		if !ok {
			errs = append(errs, fmt.Errorf("hide post %s: %w", h.ID, ErrPostNotFound))
			continue
		}
		byThread[tid] = append(byThread[tid], h)
	}
	defer s.postLocks.LockAll(ids)()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for tid, hs := range byThread {
		wg.Go(func() {
			if err := s.setHiddenIn(ctx, tid, hs); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// setHiddenIn sets the hidden flags of posts of thread tid.
func (s *Service) setHiddenIn(ctx context.Context, tid string, hs []PostHiding) error {
	t, err := s.thread(ctx, tid)
	if errors.Is(err, ErrThreadNotFound) {
		return fmt.Errorf("hide posts of %s: %w", tid, ErrPostNotFound)
	}
	if err != nil {
		return err
	}
	ns := make([]int, 0, len(hs))
	for _, h := range hs {
		_, n, _ := splitPostID(h.ID)
		ns = append(ns, n)
	}
	posts, err := s.postsAt(ctx, t, ns)
	if err != nil {
		return err
	}
	var missing []error
	var changed []*postDoc
	updates := map[int]bson.M{} // post number → its update
	for i, h := range hs {
		p := posts[ns[i]]
		if p == nil {
			missing = append(missing, fmt.Errorf("hide post %s: %w", h.ID, ErrPostNotFound))
			continue
		}
		if (p.Hidden != nil) == h.Hidden && (!h.Hidden || p.Hidden.Reason == h.Reason) {
			s.syncIndex(ctx, t, p, nil)
			continue
		}
		key := postLayout.Path(p.N, "hidden")
		p.Hidden = nil
		updates[p.N] = bson.M{"$unset": bson.M{key: ""}}
		if h.Hidden {
			p.Hidden = &hiding{Reason: h.Reason, At: s.now()}
			updates[p.N] = bson.M{"$set": bson.M{key: p.Hidden}}
		}
		changed = append(changed, p)
	}
	if err := s.postBuckets.UpdateMany(ctx, t.postList(), updates); err != nil {
		return fmt.Errorf("hide posts of %s: %w", t.ID, err)
	}
	if len(changed) > 0 {
		s.bumpThread(ctx, t.ID)
	}
	events := make([]any, len(changed))
	for i, p := range changed {
		s.syncIndex(ctx, t, p, nil)
		events[i] = p.public(t.ID)
	}
	s.publishAll(ctx, threadTopic(t.ID), "post.updated", events)
	return errors.Join(missing...)
}

// ModerationPosts reads many posts for the moderation's queue: each
// bucket once, however many of its posts are asked for, the threads in
// parallel (a queue page spans several). Posts that do not exist are
// missing from the map.
func (s *Service) ModerationPosts(ctx context.Context, ids []string) (map[string]ModeratedPost, error) {
	byThread := map[string][]int{}
	for _, id := range ids {
		if tid, n, ok := splitPostID(id); ok {
			byThread[tid] = append(byThread[tid], n)
		}
	}
	var mu sync.Mutex
	out := make(map[string]ModeratedPost, len(ids))
	var wg sync.WaitGroup
	errs := make(chan error, len(byThread))
	for tid, ns := range byThread {
		wg.Go(func() {
			found, err := s.moderationPostsOf(ctx, tid, ns)
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			maps.Copy(out, found)
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	if err := errors.Join(all...); err != nil {
		return nil, err
	}
	return out, nil
}

// moderationPostsOf reads posts ns of thread tid, each bucket once.
func (s *Service) moderationPostsOf(ctx context.Context, tid string, ns []int) (map[string]ModeratedPost, error) {
	t, err := s.thread(ctx, tid)
	if errors.Is(err, ErrThreadNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	posts, err := s.postsAt(ctx, t, ns)
	if err != nil {
		return nil, err
	}
	out := make(map[string]ModeratedPost, len(posts))
	for n, p := range posts {
		out[postID(t.ID, n)] = moderated(t, p)
	}
	return out, nil
}

// postsAt reads posts ns of thread t, each bucket once; those that do not
// exist are missing from the map.
func (s *Service) postsAt(ctx context.Context, t *ThreadSummary, ns []int) (map[int]*postDoc, error) {
	out := map[int]*postDoc{}
	read := map[int]bool{}
	for _, n := range ns {
		first := postLayout.First(t.postList(), n)
		if read[first] {
			continue
		}
		read[first] = true
		posts, err := s.postBuckets.Load(ctx, t.postList(), first, first)
		if err != nil {
			return nil, fmt.Errorf("load posts of %s: %w", t.ID, err)
		}
		for _, m := range ns {
			if p := posts[m]; p != nil {
				out[m] = p
			}
		}
	}
	return out, nil
}

func moderated(t *ThreadSummary, p *postDoc) ModeratedPost {
	out := ModeratedPost{ThreadID: t.ID, ThreadTitle: t.Title, CategoryID: t.CategoryID, N: p.N, AuthorID: p.Author.ID,
		AuthorName: p.Author.Name, Text: p.plainText(), Deleted: p.Deleted, Hidden: p.Hidden != nil}
	if p.Hidden != nil {
		out.HiddenReason = p.Hidden.Reason
	}
	return out
}
