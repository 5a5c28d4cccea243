package forum

import (
	"cmp"
	"context"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/search"
)

const topicForum = "forum"

func threadTopic(id string) string   { return "thread:" + id }
func categoryTopic(id string) string { return "category:" + id }

// RegisterTopics sets who may subscribe to the forum's topics: the table's
// SubscribeForum; a thread in an archived category stays readable.
func (s *Service) RegisterTopics(a TopicAuthorizer) {
	may := func(u *account.User, st authz.State) error {
		if !authz.Can(authz.SubscribeForum, u.Subject(), authz.Item{State: st}) {
			return problem.ErrForbidden
		}
		return nil
	}
	a.Authorize("forum", func(ctx context.Context, u *account.User, id string) error {
		return may(u, 0)
	})
	a.Authorize("category", func(ctx context.Context, u *account.User, id string) error {
		if err := may(u, 0); err != nil {
			return err
		}
		c, err := s.category(ctx, id)
		if err != nil {
			return err
		}
		return may(u, categoryState(c))
	})
	a.Authorize("thread", func(ctx context.Context, u *account.User, id string) error {
		if err := may(u, 0); err != nil {
			return err
		}
		t, err := s.thread(ctx, id)
		if err != nil {
			return err
		}
		return may(u, t.state())
	})
}

// head is a topic's latest seq, read before a view's data so that the
// client subscribing with since=head misses nothing. A failure reads as 0,
// which makes the client replay or refetch rather than miss events.
func (s *Service) head(ctx context.Context, topic string) int64 {
	seq, err := s.deps.Publisher.Head(ctx, topic)
	if err != nil {
		s.log.Error("read topic head", "topic", topic, "err", err)
		return 0
	}
	return seq
}

// publish sends an event after the write it describes succeeded. A failed
// publish does not undo the write: readers catch up on their next fetch.
func (s *Service) publish(ctx context.Context, topic, event string, data any) {
	if _, err := s.deps.Publisher.Publish(ctx, topic, event, data); err != nil {
		s.log.Error("publish", "topic", topic, "event", event, "err", err)
	}
}

// publishAll sends events of one kind on one topic after the writes they
// describe (a bulk action's), in one append of the topic's log.
func (s *Service) publishAll(ctx context.Context, topic, event string, data []any) {
	if len(data) == 0 {
		return
	}
	if err := s.deps.Publisher.PublishAll(ctx, topic, event, data); err != nil {
		s.log.Error("publish", "topic", topic, "event", event, "n", len(data), "err", err)
	}
}

// publishThread tells the thread's readers and the thread lists.
func (s *Service) publishThread(ctx context.Context, t *ThreadSummary) {
	w := t.wire()
	s.publish(ctx, threadTopic(t.ID), "thread.updated", w)
	s.publish(ctx, categoryTopic(t.CategoryID), "thread.updated", w)
	s.publish(ctx, topicForum, "thread.updated", w)
}

// index puts a post into the search index; a failure is logged, the post
// stays, and done (the pending work's part, or nil) is told.
func (s *Service) index(ctx context.Context, t *ThreadSummary, p *postDoc, done func(error)) {
	d := search.Doc{
		PostID: postID(t.ID, p.N), ThreadID: t.ID, N: p.N, Title: t.Title, Text: p.plainText(),
		CategoryID: t.CategoryID, AuthorID: p.Author.ID, AuthorName: p.Author.Name,
		AdministrationIPA: p.Author.AdministrationIPA, AdministrationName: p.Author.AdministrationName, CreatedAt: p.CreatedAt,
	}
	if err := s.deps.Indexer.Put(ctx, d, done); err != nil {
		s.log.Error("index post", "post", d.PostID, "err", err)
		if done != nil {
			done(err)
		}
	}
}

// notify sends one kind of notification to users other than the actor and
// returns who was notified.
func (s *Service) notify(ctx context.Context, d *delivery, kind string, users, skip []string) []string {
	skipped := map[string]bool{d.actor.ID: true}
	for _, id := range skip {
		skipped[id] = true
	}
	var to []string
	for _, id := range users {
		if !skipped[id] {
			skipped[id] = true
			to = append(to, id)
		}
	}
	if len(to) == 0 {
		return nil
	}
	t, p := d.t, d.p
	err := s.deps.Notifier.Notify(ctx, notify.Input{
		UserIDs: to, Kind: kind, ThreadID: t.ID, PostID: postID(t.ID, p.N), ThreadTitle: t.Title,
		ActorID: d.actor.ID, ActorName: d.actor.Name, Excerpt: s.excerpt(p), Redo: d.redo,
	})
	if err != nil {
		s.log.Error("notify", "kind", kind, "post", postID(t.ID, p.N), "err", err)
		d.err = cmp.Or(d.err, err)
	}
	return to
}

// notifyReply tells the author of the post replied to (or of the thread).
func (s *Service) notifyReply(ctx context.Context, d *delivery, parent *postDoc) []string {
	to := d.t.AuthorID
	if parent != nil {
		to = parent.Author.ID
	}
	return s.notify(ctx, d, "reply", []string{to}, nil)
}

func (s *Service) notifyMentions(ctx context.Context, d *delivery, users []string) []string {
	return s.notify(ctx, d, "mention", users, nil)
}

// notifyFollowers tells the followers of key ("thread:<id>", "category:<id>")
// who were not notified otherwise.
func (s *Service) notifyFollowers(ctx context.Context, d *delivery, key, kind string, skip []string) {
	users, err := s.followers(ctx, key)
	if err != nil {
		s.log.Error("load followers", "key", key, "err", err)
		d.err = cmp.Or(d.err, err)
		return
	}
	s.notify(ctx, d, kind, users, skip)
}
