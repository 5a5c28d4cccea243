package forum

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// NewThread opens a thread.
type NewThread struct {
	CategoryID    string   `json:"category_id" validate:"required,max=64"`
	Title         string   `json:"title" validate:"required,min=3,max=200,nocontrol"`
	Body          string   `json:"body" validate:"required,notblank,max=50000,nocontrol"`
	Tags          []string `json:"tags" validate:"max=5,dive,min=2,max=30,nocontrol"`
	AttachmentIDs []string `json:"attachment_ids" validate:"max=10,dive,required,max=64"`
	// Key, set by other services (never from a request), makes the creation
	// idempotent: a thread already opened with this key is answered instead
	// of a second one (a caller redoing its work after a crash).
	Key string `json:"-"`
}

// ThreadPatch changes a thread; nil fields stay as they are.
type ThreadPatch struct {
	Title  *string   `json:"title" validate:"omitnil,min=3,max=200,nocontrol"`
	Tags   *[]string `json:"tags" validate:"omitnil,max=5,dive,min=2,max=30,nocontrol"`
	Locked *bool     `json:"locked"`
	Pinned *bool     `json:"pinned"`
	// PinnedUntil pins the thread until a date (locked false or pinned
	// false clear the dates); ClosesAt closes it to replies at a date.
	PinnedUntil *time.Time `json:"pinned_until"`
	ClosesAt    *time.Time `json:"closes_at"`
	// Reason is a moderator's, for the audit log.
	Reason string `json:"reason" validate:"max=500,nocontrol"`
}

// ThreadList is a page of thread summaries.
type ThreadList struct {
	Category *Category    `json:"category,omitempty"`
	Items    []ThreadView `json:"items"`
	Page     int          `json:"page"`
	PerPage  int          `json:"per_page"`
	Total    int          `json:"total"`
	Seq      int64        `json:"seq"`
}

// ThreadPage is a page of a thread.
type ThreadPage struct {
	Thread   ThreadView `json:"thread"`
	Category Category   `json:"category"`
	Posts    []PostView `json:"posts"`
	View     string     `json:"view"`
	Page     int        `json:"page"`
	PerPage  int        `json:"per_page"`
	Total    int        `json:"total"`
	Seq      int64      `json:"seq"`
}

func normTags(tags []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// thread is the thread as it is now (cache.go: threadVersioned); the
// caller owns the copy.
func (s *Service) thread(ctx context.Context, id string) (*ThreadSummary, error) {
	t, _, err := s.threadVersioned(ctx, id)
	return t, err
}

// writableCategory asks the table whether u may do a (write) in the
// category in its current state: archived ones take no new content.
func (s *Service) writableCategory(ctx context.Context, u *account.User, a authz.Action, id string) (*categoryDoc, error) {
	c, err := s.categoryCurrent(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := check(a, u, authz.Item{State: categoryState(c)}, errForbidden, errForbidden, ErrCategoryArchived); err != nil {
		return nil, err
	}
	return c, nil
}

// CreateThread opens a thread with its first post. The sequence is safe to
// interrupt: the post is written before the thread becomes visible.
func (s *Service) CreateThread(ctx context.Context, u *account.User, in NewThread) (_ ThreadView, _ PostView, err error) {
	in.Title, in.Tags = strings.TrimSpace(in.Title), normTags(in.Tags)
	if err := problem.Validate(in); err != nil {
		return ThreadView{}, PostView{}, err
	}
	cat, err := s.category(ctx, in.CategoryID)
	if errors.Is(err, ErrCategoryNotFound) {
		return ThreadView{}, PostView{}, problem.ErrInvalid.With(map[string]string{"category_id": fieldUnknownCategory})
	}
	if err != nil {
		return ThreadView{}, PostView{}, err
	}
	if _, err := check(authz.CreateThread, u, authz.Item{State: categoryState(cat)}, errForbidden, errForbidden, ErrCategoryArchived); err != nil {
		return ThreadView{}, PostView{}, err
	}
	files, err := s.attachments(ctx, u, in.AttachmentIDs)
	if err != nil {
		return ThreadView{}, PostView{}, err
	}
	r, recipients, err := s.render(ctx, in.Body, nil)
	if err != nil {
		return ThreadView{}, PostView{}, err
	}
	if t, ok, err := s.threadByKey(ctx, in.Key); err != nil || ok {
		return ThreadView{Thread: t.wire()}, PostView{}, err
	}
	var ctr struct {
		N int64 `bson:"n"`
	}
	err = s.deps.Store.C(colCounters).FindOneAndUpdate(ctx, bson.M{"_id": "thread"}, bson.M{"$inc": bson.M{"n": 1}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&ctr)
	if err != nil {
		return ThreadView{}, PostView{}, fmt.Errorf("next thread id: %w", err)
	}
	if err := s.keyThread(ctx, in.Key, strconv.FormatInt(ctr.N, 10)); err != nil {
		return ThreadView{}, PostView{}, err
	}
	// Recorded once the id is known: a crash before leaves an unused id.
	w, err := s.deps.Outbox.Record(ctx, kindPosted, postedWork{ThreadID: strconv.FormatInt(ctr.N, 10), AuthorID: u.ID, Since: s.now()})
	if err != nil {
		return ThreadView{}, PostView{}, err
	}
	defer func() { w.End(err) }()
	now := s.now()
	t := ThreadSummary{
		ID: strconv.FormatInt(ctr.N, 10), CategoryID: cat.ID, Title: in.Title, Tags: in.Tags,
		AuthorID: u.ID, AuthorName: u.Name, AuthorHandle: u.Handle,
		AdministrationName: u.AdministrationName, AdministrationIPA: u.AdministrationIPA,
		CreatedAt: now, LastActivityAt: now, PostCount: 1, LastPosterName: u.Name, BucketSize: postsPerBucket,
	}
	p := &postDoc{N: 1, Author: authorOf(u), Body: in.Body, HTML: r.html, Mentions: r.mentions, plain: r.plain, CreatedAt: now,
		EditorName: u.Name, Reactions: map[string]map[string]reactor{}, Attachments: files}
	if err := s.attachFiles(ctx, u, postID(t.ID, p.N), files, in.Body); err != nil {
		return ThreadView{}, PostView{}, err
	}
	if err := s.putPost(ctx, &t, p); err != nil {
		return ThreadView{}, PostView{}, err
	}
	if _, err := s.deps.Store.C(colThreads).InsertOne(ctx, t); err != nil {
		return ThreadView{}, PostView{}, fmt.Errorf("insert thread: %w", err)
	}
	if err := s.list(ctx, &t); err != nil {
		return ThreadView{}, PostView{}, err
	}
	defer s.categoryWritten(cat.ID)
	if _, err := s.deps.Store.C(colCategories).UpdateOne(ctx, bson.M{"_id": cat.ID}, bson.M{
		"$inc": bson.M{"thread_count": 1, "post_count": 1, "listing_version": 1}, "$max": bson.M{"last_activity_at": now}}); err != nil {
		return ThreadView{}, PostView{}, fmt.Errorf("count thread: %w", err)
	}
	if err := s.follow(ctx, u.ID, kindThread, t.ID, true); err != nil {
		return ThreadView{}, PostView{}, err
	}
	if err := s.markRead(ctx, u.ID, t.ID, 1); err != nil {
		return ThreadView{}, PostView{}, err
	}

	seq := s.head(ctx, threadTopic(t.ID))
	s.publish(ctx, categoryTopic(cat.ID), "thread.created", t.wire())
	s.publish(ctx, topicForum, "thread.created", t.wire())
	nt := t
	s.followUp(ctx, w, &delivery{actor: u, t: &nt, p: p}, nil, recipients)

	view := ThreadView{Thread: t.wire(), Following: true, LastReadN: 1, Seq: seq}
	return view, s.view(u, t.ID, p), nil
}

// list writes the thread's entry in its category listing.
func (s *Service) list(ctx context.Context, t *ThreadSummary) error {
	if err := s.listings.Set(ctx, t.CategoryID, t.ID, listedThread(*t)); err != nil {
		return fmt.Errorf("list thread %s: %w", t.ID, err)
	}
	return nil
}

// listedThread is a summary as its listing stores it: one BSON document
// encoded into a binary field. The embedded store decodes and re-encodes the
// whole listing, field by field, on every update (a reply rewrites its
// category's listing), so one opaque field per thread instead of sixteen
// cuts that work several times over. Listings written as sub-documents
// (before this encoding) still read.
type listedThread ThreadSummary

func (l listedThread) MarshalBSONValue() (byte, []byte, error) {
	raw, err := bson.Marshal(ThreadSummary(l))
	if err != nil {
		return 0, nil, err
	}
	return byte(bson.TypeBinary), bsoncore.AppendBinary(nil, 0, raw), nil
}

func (l *listedThread) UnmarshalBSONValue(typ byte, data []byte) error {
	switch bson.Type(typ) {
	case bson.TypeEmbeddedDocument:
		return bson.Unmarshal(data, (*ThreadSummary)(l))
	case bson.TypeBinary:
		_, raw, _, ok := bsoncore.ReadBinary(data)
		if !ok {
			return errors.New("listed thread: malformed binary")
		}
		return bson.Unmarshal(raw, (*ThreadSummary)(l))
	}
	return fmt.Errorf("listed thread: unexpected BSON type %v", bson.Type(typ))
}

func (s *Service) listing(ctx context.Context, categoryID string) ([]ThreadSummary, error) {
	shards, err := s.listings.All(ctx, categoryID)
	if err != nil {
		return nil, err
	}
	out := []ThreadSummary{}
	now := s.now()
	for _, m := range shards {
		for _, t := range m {
			ts := ThreadSummary(t)
			ts.at(now)
			out = append(out, ts)
		}
	}
	return out, nil
}

// sortThreads puts pinned threads first (when pinnedFirst), then the most
// recently active.
func sortThreads(ts []ThreadSummary, pinnedFirst bool) {
	sort.Slice(ts, func(i, j int) bool {
		a, b := ts[i], ts[j]
		if pinnedFirst && a.Pinned != b.Pinned {
			return a.Pinned
		}
		if !a.LastActivityAt.Equal(b.LastActivityAt) {
			return a.LastActivityAt.After(b.LastActivityAt)
		}
		return a.ID > b.ID
	})
}

// CategoryThreads is a page of a category's threads: pinned first, then by
// last activity.
func (s *Service) CategoryThreads(ctx context.Context, u *account.User, categoryID string, page, perPage int, lang string) (ThreadList, error) {
	seq := s.head(ctx, categoryTopic(categoryID))
	cat, err := s.categoryCurrent(ctx, categoryID)
	if err != nil {
		return ThreadList{}, err
	}
	ts, err := s.sortedListing(ctx, cat)
	if err != nil {
		return ThreadList{}, err
	}
	list, err := s.threadList(ctx, u, ts, page, perPage)
	if err != nil {
		return ThreadList{}, err
	}
	cv := cat.view(lang)
	if rs, err := s.readerState(ctx, u.ID); err == nil {
		cv.Following = rs.follows.Categories[cat.ID]
	}
	list.Category, list.Seq = &cv, seq
	return list, nil
}

// LatestThreads is a page of the most recently active threads of every category.
func (s *Service) LatestThreads(ctx context.Context, u *account.User, page, perPage int) (ThreadList, error) {
	seq := s.head(ctx, topicForum)
	shards, err := s.listings.Scan(ctx)
	if err != nil {
		return ThreadList{}, fmt.Errorf("load listings: %w", err)
	}
	var ts []ThreadSummary
	now := s.now()
	for _, m := range shards {
		for _, t := range m {
			t := ThreadSummary(t)
			t.at(now)
			ts = append(ts, t)
		}
	}
	sortThreads(ts, false)
	list, err := s.threadList(ctx, u, ts, page, perPage)
	list.Seq = seq
	return list, err
}

func (s *Service) threadList(ctx context.Context, u *account.User, ts []ThreadSummary, page, perPage int) (ThreadList, error) {
	page, perPage = normPage(page, perPage, ThreadsPerPage)
	shown := paginate(ts, page, perPage)
	ids := make([]string, 0, len(shown))
	for _, t := range shown {
		ids = append(ids, t.readIDs()...)
	}
	rs, err := s.readerState(ctx, u.ID, ids...)
	if err != nil {
		return ThreadList{}, err
	}
	items := []ThreadView{}
	for _, t := range shown {
		items = append(items, personal(t, rs))
	}
	return ThreadList{Items: items, Page: page, PerPage: perPage, Total: len(ts)}, nil
}

// personal is t with the reader's state, asked for t.readIDs().
func personal(t ThreadSummary, rs readerState) ThreadView {
	last, unread := t.readPosition(rs.lastRead(t.ID), rs.lastRead)
	return ThreadView{Thread: t.wire(), Following: rs.follows.Threads[t.ID], LastReadN: last, UnreadCount: unread}
}

// Thread is a page of a thread in tree or flat order.
func (s *Service) Thread(ctx context.Context, u *account.User, id, view string, page, perPage int, lang string) (ThreadPage, error) {
	if view != ViewFlat {
		view = ViewTree
	}
	page, perPage = normPage(page, perPage, PostsPerPage)
	seq := s.head(ctx, threadTopic(id))
	t, version, err := s.threadVersioned(ctx, id)
	if err != nil {
		return ThreadPage{}, s.moved(ctx, err, "t", id)
	}
	cat, err := s.categoryShown(ctx, t.CategoryID)
	if err != nil {
		return ThreadPage{}, err
	}
	tp, err := s.threadPostsOf(ctx, t, version)
	if err != nil {
		return ThreadPage{}, err
	}
	ordered := tp.flat
	if view == ViewTree {
		ordered = tp.tree
	}
	out := ThreadPage{Category: cat.view(lang), View: view, Page: page, PerPage: perPage, Total: len(ordered), Seq: seq}
	pageOf := paginate(ordered, page, perPage)
	out.Posts = make([]PostView, 0, len(pageOf))
	for _, p := range pageOf {
		if p.own != nil && p.AuthorID == u.ID {
			out.Posts = append(out.Posts, s.viewOf(u, p.own))
			continue
		}
		v := s.viewOf(u, &p.Post)
		v.raw = p.raw
		out.Posts = append(out.Posts, v)
	}
	rs, err := s.readerState(ctx, u.ID, t.readIDs()...)
	if err != nil {
		return ThreadPage{}, err
	}
	out.Thread = personal(*t, rs)
	out.Category.Following = rs.follows.Categories[cat.ID]
	out.Thread.Seq = seq
	return out, nil
}

// UpdateThread changes the title or tags (author within the edit window, or
// a moderator) and the locked or pinned flags (moderators).
func (s *Service) UpdateThread(ctx context.Context, u *account.User, id string, p ThreadPatch) (_ ThreadView, err error) {
	if p.Title != nil {
		*p.Title = strings.TrimSpace(*p.Title)
	}
	if p.Tags != nil {
		*p.Tags = normTags(*p.Tags)
	}
	if err := problem.Validate(p); err != nil {
		return ThreadView{}, err
	}
	t, err := s.thread(ctx, id)
	if err != nil {
		return ThreadView{}, err
	}
	it := authz.Item{OwnerID: t.AuthorID, State: t.state()}
	if p.Locked != nil || p.Pinned != nil || p.PinnedUntil != nil || p.ClosesAt != nil {
		if _, err := check(authz.ModerateThread, u, it, ErrModeratorOnly, ErrModeratorOnly, ErrModeratorOnly); err != nil {
			return ThreadView{}, err
		}
	}
	set, unset, err := s.schedule(t, &p)
	if err != nil {
		return ThreadView{}, err
	}
	if p.Title != nil || p.Tags != nil {
		ownOnly, err := check(authz.EditThread, u, it, ErrNotAuthor, ErrNotAuthor, ErrNotAuthor)
		if err != nil {
			return ThreadView{}, err
		}
		if ownOnly && s.deps.Now().After(t.CreatedAt.Add(s.deps.EditWindow)) {
			return ThreadView{}, ErrEditWindowClosed
		}
		if p.Title != nil {
			set["title"] = *p.Title
		}
		if p.Tags != nil {
			set["tags"] = *p.Tags
		}
	}
	if p.Locked != nil {
		set["locked"] = *p.Locked
	}
	if p.Pinned != nil {
		set["pinned"] = *p.Pinned
	}
	if len(set) > 0 || len(unset) > 0 {
		var w *outbox.Work
		if p.Title != nil { // the opening post is indexed with the title
			if w, err = s.deps.Outbox.Record(ctx, kindPostChanged, postChangedWork{PostID: postID(id, 1)}); err != nil {
				return ThreadView{}, err
			}
			defer func() { w.End(err) }()
		}
		defer s.threadWritten(id)
		rec, err := s.deps.Audit.Begin(ctx, threadChanges(u, t, p)...)
		if err != nil {
			return ThreadView{}, err
		}
		update := bson.M{"$set": set}
		if len(unset) > 0 {
			update["$unset"] = unset
		}
		*t = ThreadSummary{} // decoding keeps the fields the document no longer has
		err = s.deps.Store.C(colThreads).FindOneAndUpdate(ctx, bson.M{"_id": id}, update,
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(t)
		t.at(s.now())
		rec.Done(ctx, err)
		if err != nil {
			return ThreadView{}, fmt.Errorf("update thread %s: %w", id, err)
		}
		if err := s.list(ctx, t); err != nil {
			return ThreadView{}, err
		}
		if err := s.bumpListing(ctx, t.CategoryID); err != nil {
			return ThreadView{}, err
		}
		if w != nil {
			first, err := s.post(ctx, t, 1)
			if err != nil {
				return ThreadView{}, err
			}
			s.reindex(ctx, w, t, first)
		}
		s.publishThread(ctx, t)
	}
	rs, err := s.readerState(ctx, u.ID, t.readIDs()...)
	if err != nil {
		return ThreadView{}, err
	}
	v := personal(*t, rs)
	v.Seq = s.head(ctx, threadTopic(id))
	return v, nil
}

// excerpt is a post's plain text on one line, for notifications (notify
// cuts it to length).
func (s *Service) excerpt(p *postDoc) string {
	return strings.Join(strings.Fields(p.plainText()), " ")
}

// EncodeJSON encodes the page like encoding/json does, but copies the
// cached encodings of its posts as they are instead of re-validating them
// (json.Marshal compacts what every Marshaler returns, byte by byte).
func (p ThreadPage) EncodeJSON() ([]byte, error) {
	// ThreadPage without its posts (keep in step with ThreadPage).
	h := struct {
		Thread   ThreadView `json:"thread"`
		Category Category   `json:"category"`
		View     string     `json:"view"`
		Page     int        `json:"page"`
		PerPage  int        `json:"per_page"`
		Total    int        `json:"total"`
		Seq      int64      `json:"seq"`
	}{p.Thread, p.Category, p.View, p.Page, p.PerPage, p.Total, p.Seq}
	hj, err := json.Marshal(h)
	if err != nil || len(hj) < 2 {
		return nil, err
	}
	size := len(hj) + 16
	for _, v := range p.Posts {
		size += len(v.raw) + 64
	}
	b := append(make([]byte, 0, size), hj[:len(hj)-1]...)
	b = append(b, `,"posts":[`...)
	for i, v := range p.Posts {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = v.appendJSON(b); err != nil {
			return nil, err
		}
	}
	return append(b, "]}"...), nil
}
