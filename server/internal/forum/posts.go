package forum

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/markdown"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/store"
)

// NewPost is a reply to the thread or to one of its posts.
type NewPost struct {
	Body          string   `json:"body" validate:"required,notblank,max=50000,nocontrol"`
	ParentID      string   `json:"parent_id" validate:"max=80"`
	AttachmentIDs []string `json:"attachment_ids" validate:"max=10,dive,required,max=64"`
}

// PostEdit replaces a post's body.
type PostEdit struct {
	Body string `json:"body" validate:"required,notblank,max=50000,nocontrol"`
}

// Version is an older version of a post as the API answers it
// (openapi.yaml's Version).
type Version struct {
	N          int       `json:"n"`
	Body       string    `json:"body"`
	HTML       string    `json:"html"`
	EditedAt   time.Time `json:"edited_at"`
	EditorName string    `json:"editor_name"`
}

// versionDoc is an older version as forum_history keeps it. Its fields
// keep this order: $addToSet compares whole documents.
type versionDoc struct {
	N          int       `bson:"n"`
	Body       string    `bson:"body"`
	HTML       string    `bson:"html"`
	EditedAt   time.Time `bson:"edited_at"`
	EditorName string    `bson:"editor_name"`
}

// historyDoc is a post's older versions, oldest first, keyed by post id.
type historyDoc struct {
	Versions []versionDoc `bson:"versions"`
}

// Permalink is a post with the tree page that holds it.
type Permalink struct {
	Post PostView `json:"post"`
	Page int      `json:"page"`
}

// putPost writes a post into its bucket; rewriting the same number is harmless.
func (s *Service) putPost(ctx context.Context, t *ThreadSummary, p *postDoc) error {
	if err := s.postBuckets.Put(ctx, t.postList(), p.N, p); err != nil {
		return fmt.Errorf("write post %s: %w", postID(t.ID, p.N), err)
	}
	return nil
}

func (s *Service) post(ctx context.Context, t *ThreadSummary, n int) (*postDoc, error) {
	p, ok, err := s.postBuckets.Get(ctx, t.postList(), n)
	if err != nil {
		return nil, fmt.Errorf("load post %s: %w", postID(t.ID, n), err)
	}
	if !ok || p == nil {
		return nil, ErrPostNotFound
	}
	return p, nil
}

// postByID loads a post and its thread from "<thread id>-<n>".
func (s *Service) postByID(ctx context.Context, id string) (*ThreadSummary, *postDoc, error) {
	tid, n, ok := splitPostID(id)
	if !ok {
		return nil, nil, ErrPostNotFound
	}
	t, err := s.thread(ctx, tid)
	if errors.Is(err, ErrThreadNotFound) {
		return nil, nil, ErrPostNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := s.post(ctx, t, n)
	return t, p, err
}

// posts reads every bucket of a thread, one _id lookup per bucket, in parallel.
func (s *Service) posts(ctx context.Context, t *ThreadSummary) (map[int]*postDoc, error) {
	out, err := s.postBuckets.Load(ctx, t.postList(), 0, t.PostCount)
	if err != nil {
		return nil, fmt.Errorf("load posts of %s: %w", t.ID, err)
	}
	return out, nil
}

// attachments checks that every id names a file the author uploaded.
func (s *Service) attachments(ctx context.Context, u *account.User, ids []string) ([]fileDoc, error) {
	files, err := attachment.Owned(ctx, s.deps.Attachments, u.ID, ids)
	if errors.Is(err, attachment.ErrNotOwned) {
		return nil, problem.ErrInvalid.With(map[string]string{"attachment_ids": fieldAttachment})
	}
	if err != nil {
		return nil, err
	}
	out := make([]fileDoc, len(files))
	for i, a := range files {
		out[i] = fileDoc{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, URL: a.URL, Image: a.Image}
	}
	return out, nil
}

// rendered is a body as a post stores it, from one parse of its markdown.
type rendered struct {
	html     string
	mentions []string // handles
	plain    string   // for the search index and notification excerpts
}

// render resolves the body's mentions and renders it. It also returns the
// users to notify who were not in already.
func (s *Service) render(ctx context.Context, body string, already []string) (r rendered, recipients []string, err error) {
	doc := markdown.Parse(body)
	handles := doc.Mentions()
	links := map[string]string{}
	if len(handles) > 0 {
		found, err := s.deps.Directory.ResolveHandles(ctx, handles)
		if err != nil {
			return rendered{}, nil, fmt.Errorf("resolve mentions: %w", err)
		}
		old := map[string]bool{}
		for _, h := range already {
			old[h] = true
		}
		for h, m := range found {
			if m.Kind == account.KindAdministration {
				links[h] = "/administrations/" + m.Handle
			} else {
				links[h] = "/users/" + m.Handle
			}
			if old[h] {
				continue
			}
			if m.Kind != account.KindAdministration {
				recipients = append(recipients, m.ID)
				continue
			}
			members, err := s.deps.Directory.MembersOf(ctx, m.ID)
			if err != nil {
				return rendered{}, nil, fmt.Errorf("members of %s: %w", m.Handle, err)
			}
			recipients = append(recipients, members...)
		}
	}
	return rendered{html: doc.HTML(links), mentions: handles, plain: doc.PlainText()}, recipients, nil
}

// Reply adds a post to a thread, under parent_id or directly under the thread.
func (s *Service) Reply(ctx context.Context, u *account.User, threadID string, in NewPost) (_ PostView, err error) {
	in.ParentID = strings.TrimSpace(in.ParentID) // the body is kept byte for byte
	if err := problem.Validate(in); err != nil {
		return PostView{}, err
	}
	t, err := s.thread(ctx, threadID)
	if err != nil {
		return PostView{}, err
	}
	if _, err := check(authz.Reply, u, authz.Item{State: t.state()}, errForbidden, errForbidden, ErrThreadLocked); err != nil {
		return PostView{}, err
	}
	if _, err := s.writableCategory(ctx, u, authz.Reply, t.CategoryID); err != nil {
		return PostView{}, err
	}
	parent, err := s.parent(ctx, t, in.ParentID)
	if err != nil {
		return PostView{}, err
	}
	files, err := s.attachments(ctx, u, in.AttachmentIDs)
	if err != nil {
		return PostView{}, err
	}
	r, recipients, err := s.render(ctx, in.Body, nil)
	if err != nil {
		return PostView{}, err
	}

	w, err := s.deps.Outbox.Record(ctx, kindPosted, postedWork{ThreadID: t.ID, AuthorID: u.ID, Since: s.now()})
	if err != nil {
		return PostView{}, err
	}
	defer func() { w.End(err) }() // a failure keeps the work for a recount (pending.go)

	// Take the next number and move the thread's activity in one write.
	// The filter is the _id alone: the embedded store looks anything else
	// up by scanning the whole collection. So the lock is checked again on
	// the document as updated; a thread locked in between loses the number
	// (a gap the tree tolerates) and gets its reply count back.
	// The thread's lock holds from the number to the category's total: a
	// merge or split reads and recounts the thread around them.
	unlock := sync.OnceFunc(s.threadLocks.Lock(t.ID))
	defer unlock()
	now := s.now()
	defer s.threadWritten(t.ID)
	err = s.deps.Store.C(colThreads).FindOneAndUpdate(ctx, bson.M{"_id": t.ID}, bson.M{
		"$inc": bson.M{"post_count": 1, "reply_count": 1},
		"$set": bson.M{"last_activity_at": now, "last_poster_name": u.Name},
	}, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(t)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return PostView{}, ErrThreadNotFound
	}
	if err != nil {
		return PostView{}, fmt.Errorf("number reply in %s: %w", threadID, err)
	}
	t.at(now)
	if !authz.Can(authz.Reply, u.Subject(), authz.Item{State: t.state()}) { // locked meanwhile
		if _, err := s.deps.Store.C(colThreads).UpdateOne(ctx, bson.M{"_id": t.ID}, bson.M{"$inc": bson.M{"reply_count": -1}}); err != nil {
			s.log.Error("give back reply count", "thread", t.ID, "err", err)
		}
		return PostView{}, ErrThreadLocked
	}
	p := &postDoc{N: t.PostCount, Depth: 1, Author: authorOf(u), Body: in.Body, HTML: r.html, Mentions: r.mentions, plain: r.plain,
		CreatedAt: now, EditorName: u.Name, Reactions: map[string]map[string]reactor{}, Attachments: files}
	if parent != nil {
		p.ParentN, p.Depth = parent.N, parent.Depth+1
	}
	if err := s.attachFiles(ctx, u, postID(t.ID, p.N), files, in.Body); err != nil {
		return PostView{}, err
	}
	if err := s.putPost(ctx, t, p); err != nil {
		return PostView{}, err
	}
	if err := s.list(ctx, t); err != nil {
		return PostView{}, err
	}
	defer s.categoryWritten(t.CategoryID)
	if _, err := s.deps.Store.C(colCategories).UpdateOne(ctx, bson.M{"_id": t.CategoryID}, bson.M{
		"$inc": bson.M{"post_count": 1, "listing_version": 1}, "$max": bson.M{"last_activity_at": now}}); err != nil {
		return PostView{}, fmt.Errorf("count post: %w", err)
	}
	unlock()
	if err := s.markRead(ctx, u.ID, t.ID, p.N); err != nil {
		return PostView{}, err
	}

	s.publish(ctx, threadTopic(t.ID), "post.created", p.public(t.ID))
	s.publishThread(ctx, t)
	s.followUp(ctx, w, &delivery{actor: u, t: t, p: p}, parent, recipients)
	return s.view(u, t.ID, p), nil
}

// parent resolves parent_id: "" or the opening post mean the thread itself.
func (s *Service) parent(ctx context.Context, t *ThreadSummary, id string) (*postDoc, error) {
	if id == "" {
		return nil, nil
	}
	tid, n, ok := splitPostID(id)
	if !ok {
		return nil, problem.ErrInvalid.With(map[string]string{"parent_id": fieldParentUnknown})
	}
	if tid != t.ID {
		return nil, problem.ErrInvalid.With(map[string]string{"parent_id": fieldParentElsewhere})
	}
	p, err := s.post(ctx, t, n)
	if errors.Is(err, ErrPostNotFound) {
		return nil, problem.ErrInvalid.With(map[string]string{"parent_id": fieldParentUnknown})
	}
	if err != nil {
		return nil, err
	}
	if p.Deleted {
		return nil, problem.ErrInvalid.With(map[string]string{"parent_id": fieldParentDeleted})
	}
	if p.N == 1 {
		return nil, nil
	}
	return p, nil
}

// EditPost replaces a post's body, keeping the old version in its history.
func (s *Service) EditPost(ctx context.Context, u *account.User, id string, in PostEdit) (_ PostView, err error) {
	if err := problem.Validate(in); err != nil {
		return PostView{}, err
	}
	unlock := s.postLocks.Lock(id)
	defer unlock()
	t, p, err := s.postByID(ctx, id)
	if err != nil {
		return PostView{}, err
	}
	if err := s.mayEdit(u, p.Deleted, p.Author.ID, p.CreatedAt); err != nil {
		return PostView{}, err
	}
	r, recipients, err := s.render(ctx, in.Body, p.Mentions)
	if err != nil {
		return PostView{}, err
	}
	w, err := s.deps.Outbox.Record(ctx, kindPostChanged, postChangedWork{PostID: id})
	if err != nil {
		return PostView{}, err
	}
	defer func() { w.End(err) }()
	if err := s.attachFiles(ctx, u, id, nil, in.Body); err != nil {
		return PostView{}, err
	}
	// The old version goes to the history first, with $addToSet so a retry
	// or a lost race adds nothing twice; the edit itself only applies to
	// the version it was made from.
	old := versionDoc{N: p.EditCount + 1, Body: p.Body, HTML: p.HTML, EditedAt: p.CreatedAt, EditorName: p.EditorName}
	if p.EditedAt != nil {
		old.EditedAt = *p.EditedAt
	}
	if _, err := s.deps.Store.C(colHistory).UpdateOne(ctx, bson.M{"_id": id},
		bson.M{"$addToSet": bson.M{"versions": old}}, options.UpdateOne().SetUpsert(true)); err != nil {
		return PostView{}, fmt.Errorf("keep history of %s: %w", id, err)
	}
	// The edit applies only to the version it was made from; the post's lock
	// holds the read-check-write together (bucket.List.UpdateIf).
	now := s.now()
	key := postLayout.Path(p.N, "")
	matched, err := s.postBuckets.UpdateIf(ctx, t.postList(), p.N, bson.M{"edit_count": p.EditCount, "deleted": false},
		bson.M{"$set": bson.M{key + ".body": in.Body, key + ".html": r.html, key + ".mentions": r.mentions,
			key + ".edited_at": now, key + ".editor_name": u.Name}, "$inc": bson.M{key + ".edit_count": 1}})
	if err != nil {
		return PostView{}, fmt.Errorf("edit post %s: %w", id, err)
	}
	if !matched {
		return PostView{}, ErrEditConflict
	}
	s.bumpThread(ctx, t.ID)
	p.Body, p.HTML, p.Mentions, p.plain, p.EditedAt, p.EditorName, p.EditCount = in.Body, r.html, r.mentions, r.plain, &now, u.Name, p.EditCount+1

	s.reindex(ctx, w, t, p)
	s.publish(ctx, threadTopic(t.ID), "post.updated", p.public(t.ID))
	s.later(ctx, func(ctx context.Context) { s.notifyMentions(ctx, &delivery{actor: u, t: t, p: p}, recipients) })
	return s.view(u, t.ID, p), nil
}

// PostDeletion is what a deleter may say: a moderator's reason, shown on
// the placeholder to the author and every reader.
type PostDeletion struct {
	Reason string `json:"reason" validate:"max=500,nocontrol"`
}

// DeletePost leaves a placeholder where the post was, so replies keep their
// place. Readers see only the placeholder; the stored post keeps its text,
// files, reactions and history for moderators (DeletedPost, History).
// Deleting twice is harmless.
func (s *Service) DeletePost(ctx context.Context, u *account.User, id string, in PostDeletion) error {
	return s.DeletePosts(ctx, u, []string{id}, in)[0]
}

// DeletePosts deletes posts as DeletePost does, each with its own outcome
// (errs[i] for ids[i]): a moderator's bulk action. The posts of a thread
// share one pending-work record and one audit append, those of a bucket
// one write of it, and the thread's version moves once.
func (s *Service) DeletePosts(ctx context.Context, u *account.User, ids []string, in PostDeletion) (errs []error) {
	errs = make([]error, len(ids))
	in.Reason = strings.TrimSpace(in.Reason)
	if err := problem.Validate(in); err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	byThread := map[string][]int{} // positions in ids
	for i, id := range ids {
		tid, _, ok := splitPostID(id)
		if !ok {
			errs[i] = ErrPostNotFound
			continue
		}
		byThread[tid] = append(byThread[tid], i)
	}
	defer s.postLocks.LockAll(ids)()
	var wg sync.WaitGroup
	for tid, at := range byThread {
		wg.Go(func() {
			e := s.deleteIn(ctx, u, tid, ids, at, in.Reason)
			for j, i := range at {
				errs[i] = e[j]
			}
		})
	}
	wg.Wait()
	return errs
}

// deleteIn deletes posts ids[at...] of thread tid, under their locks.
func (s *Service) deleteIn(ctx context.Context, u *account.User, tid string, ids []string, at []int, reason string) []error {
	errs := make([]error, len(at))
	fail := func(err error) []error {
		for j := range errs {
			if errs[j] == nil {
				errs[j] = err
			}
		}
		return errs
	}
	t, err := s.thread(ctx, tid)
	if errors.Is(err, ErrThreadNotFound) {
		return fail(ErrPostNotFound)
	}
	if err != nil {
		return fail(err)
	}
	ns := make([]int, len(at))
	for j, i := range at {
		_, ns[j], _ = splitPostID(ids[i])
	}
	posts, err := s.postsAt(ctx, t, ns)
	if err != nil {
		return fail(err)
	}
	var del []*postDoc
	var entries []audit.Entry
	for j, n := range ns {
		p := posts[n]
		if p == nil {
			errs[j] = ErrPostNotFound
			continue
		}
		if p.Deleted || slices.Contains(del, p) {
			continue
		}
		it := authz.Item{OwnerID: p.Author.ID}
		if _, err := check(authz.DeletePost, u, it, ErrNotAuthor, ErrNotAuthor, ErrNotAuthor); err != nil {
			errs[j] = err
			continue
		}
		if reason != "" && !authz.Can(authz.GiveDeleteReason, u.Subject(), it) {
			errs[j] = problem.ErrInvalid.With(map[string]string{"reason": fieldDeleteReason})
			continue
		}
		del = append(del, p)
		entries = append(entries, postDeletion(u, t, p, reason)...)
	}
	if len(del) == 0 {
		return errs
	}
	delIDs := make([]string, len(del))
	for i, p := range del {
		delIDs[i] = postID(t.ID, p.N)
	}
	w, err := s.deps.Outbox.Record(ctx, kindPostChanged, postChangedWork{PostIDs: delIDs})
	if err != nil {
		return fail(err)
	}
	err = s.writeDeletions(ctx, w, u, t, del, entries, reason)
	w.End(err)
	if err != nil {
		return fail(err)
	}
	return errs
}

// writeDeletions stores the deletion of posts del of t (one write per
// bucket, the audit entries with them), then reindexes them under w and
// announces them.
func (s *Service) writeDeletions(ctx context.Context, w *outbox.Work, u *account.User, t *ThreadSummary, del []*postDoc, entries []audit.Entry, reason string) (err error) {
	rec, err := s.deps.Audit.Begin(ctx, entries...)
	if err != nil {
		return err
	}
	by := &deletion{UserID: u.ID, Name: u.Name, At: s.now()}
	updates := make(map[int]bson.M, len(del))
	for _, p := range del {
		key := postLayout.Path(p.N, "")
		updates[p.N] = bson.M{"$set": bson.M{key + ".deleted": true, key + ".delete_reason": reason, key + ".deleted_by": by}}
	}
	err = s.postBuckets.UpdateMany(ctx, t.postList(), updates)
	rec.Done(ctx, err)
	if err != nil {
		return fmt.Errorf("delete posts of %s: %w", t.ID, err)
	}
	s.bumpThread(ctx, t.ID)
	events := make([]any, len(del))
	for i, p := range del {
		p.Deleted, p.DelReason, p.DeletedBy = true, reason, by
		s.reindex(ctx, w, t, p)
		events[i] = p.public(t.ID)
	}
	s.publishAll(ctx, threadTopic(t.ID), "post.deleted", events)
	return nil
}

// DeletedPost is a deleted post as it was, for moderators and admins.
type DeletedPost struct {
	Post
	DeletedByID   string     `json:"deleted_by_id"`
	DeletedByName string     `json:"deleted_by_name"`
	DeletedAt     *time.Time `json:"deleted_at"`
}

// Deleted returns what a deleted post said, to moderators and admins only.
// Posts deleted before deletes kept their content come back empty.
func (s *Service) Deleted(ctx context.Context, u *account.User, id string) (DeletedPost, error) {
	if !authz.Can(authz.ReadDeletedPost, u.Subject(), authz.Item{}) {
		return DeletedPost{}, ErrModeratorOnly
	}
	t, p, err := s.postByID(ctx, id)
	if err != nil {
		return DeletedPost{}, err
	}
	if !p.Deleted {
		return DeletedPost{}, ErrPostNotDeleted
	}
	out := DeletedPost{Post: p.whole(t.ID)}
	if p.DeletedBy != nil {
		out.DeletedByID, out.DeletedByName, out.DeletedAt = p.DeletedBy.UserID, p.DeletedBy.Name, &p.DeletedBy.At
	}
	return out, nil
}

// History lists a post's older versions, newest first; a deleted post's
// only to moderators and admins.
func (s *Service) History(ctx context.Context, u *account.User, id string) ([]Version, error) {
	_, p, err := s.postByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := check(authz.ReadPostHistory, u, authz.Item{OwnerID: p.Author.ID, State: postState(p.Deleted)},
		errForbidden, errForbidden, ErrPostDeleted); err != nil {
		return nil, err
	}
	d, _, err := store.Get[historyDoc](ctx, s.deps.Store.Collection(colHistory), id)
	if err != nil {
		return nil, fmt.Errorf("load history of %s: %w", id, err)
	}
	out := make([]Version, 0, len(d.Versions))
	for i := len(d.Versions) - 1; i >= 0; i-- {
		v := d.Versions[i]
		out = append(out, Version{N: v.N, Body: v.Body, HTML: v.HTML, EditedAt: v.EditedAt, EditorName: v.EditorName})
	}
	return out, nil
}

// React adds (on) or removes u's reaction of a kind; repeating is harmless.
func (s *Service) React(ctx context.Context, u *account.User, id, kind string, on bool) (PostView, error) {
	if !validKind(kind) {
		return PostView{}, problem.ErrInvalid.With(map[string]string{"kind": fieldReactionKind})
	}
	if !safeKey(u.ID) {
		return PostView{}, fmt.Errorf("user id %q cannot key a reaction", u.ID)
	}
	t, p, err := s.postByID(ctx, id)
	if err != nil {
		return PostView{}, err
	}
	if _, err := check(authz.React, u, authz.Item{OwnerID: p.Author.ID, State: postState(p.Deleted)}, errForbidden, errForbidden, ErrPostDeleted); err != nil {
		return PostView{}, err
	}
	_, had := p.Reactions[kind][u.ID]
	if had == on {
		return s.view(u, t.ID, p), nil
	}
	path := postLayout.Path(p.N, "reactions."+kind+"."+u.ID)
	update := bson.M{"$unset": bson.M{path: ""}}
	if on {
		update = bson.M{"$set": bson.M{path: reactor{Name: u.Name, At: s.now()}}}
	}
	if err := s.postBuckets.Update(ctx, t.postList(), p.N, update); err != nil {
		return PostView{}, fmt.Errorf("react to %s: %w", id, err)
	}
	s.bumpThread(ctx, t.ID)
	if p, err = s.post(ctx, t, p.N); err != nil {
		return PostView{}, err
	}
	s.publish(ctx, threadTopic(t.ID), "reaction.changed", p.public(t.ID))
	return s.view(u, t.ID, p), nil
}

// PostPage is a post with the tree page that holds it (permalinks).
func (s *Service) PostPage(ctx context.Context, u *account.User, id string, perPage int) (Permalink, error) {
	t, p, err := s.postByID(ctx, id)
	if err != nil {
		return Permalink{}, s.moved(ctx, err, "p", id)
	}
	_, perPage = normPage(1, perPage, PostsPerPage)
	posts, err := s.posts(ctx, t)
	if err != nil {
		return Permalink{}, err
	}
	page := 1
	for i, q := range treeOrder(posts) {
		if q.N == p.N {
			page = i/perPage + 1
			break
		}
	}
	return Permalink{Post: s.view(u, t.ID, p), Page: page}, nil
}
