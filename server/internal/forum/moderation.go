package forum

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
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

// SetPostHidden hides a post (readers see a placeholder, its author the
// post and the reason; search no longer finds it) or shows it again, and
// tells the thread's open views with post.updated. Setting what is already
// set writes nothing but the search index (so a redo after a crash heals it).
func (s *Service) SetPostHidden(ctx context.Context, id string, hidden bool, reason string) error {
	defer s.lockPost(id)()
	t, p, err := s.postByID(ctx, id)
	if err != nil {
		return err
	}
	if (p.Hidden != nil) == hidden && (!hidden || p.Hidden.Reason == reason) {
		s.syncIndex(ctx, t, p, nil)
		return nil
	}
	key := "posts." + strconv.Itoa(p.N) + ".hidden"
	update := bson.M{"$unset": bson.M{key: ""}}
	p.Hidden = nil
	if hidden {
		p.Hidden = &hiding{Reason: reason, At: s.now()}
		update = bson.M{"$set": bson.M{key: p.Hidden}}
	}
	if _, err := s.deps.Store.C(colPosts).UpdateOne(ctx, bson.M{"_id": t.bucketOf(p.N)}, update); err != nil {
		return fmt.Errorf("hide post %s: %w", id, err)
	}
	s.bumpThread(ctx, t.ID)
	s.syncIndex(ctx, t, p, nil)
	s.publish(ctx, threadTopic(t.ID), "post.updated", p.public(t.ID))
	return nil
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
	out := map[string]ModeratedPost{}
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
				out[postID(t.ID, m)] = moderated(t, p)
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
