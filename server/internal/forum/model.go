package forum

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/markdown"
	"github.com/cantieri/tavolo/server/internal/store/bucket"
)

// Tree layout and paging.
const (
	MaxDepth        = 4   // deeper replies are shown at this depth, with reply_to_n
	PostsPerPage    = 50  // default page of a thread
	ThreadsPerPage  = 20  // default page of a thread list
	MaxPerPage      = 100 // cap on ?per_page=
	postsPerBucket  = 10  // threads created since bucket_size was stored
	legacyBucket    = 50  // threads without bucket_size
	maxAttachments  = 10
	maxTitleRunes   = 200
	maxBodyRunes    = 50000
	maxCategoryName = 80
)

// Reaction kinds, in display order.
var ReactionKinds = []string{"utile", "anche_per_noi", "grazie", "da_approfondire"}

func validKind(k string) bool {
	for _, r := range ReactionKinds {
		if r == k {
			return true
		}
	}
	return false
}

// ThreadSummary is a thread as stored: the thread document and the category
// listing entries have this shape. Readers get it as a Thread.
type ThreadSummary struct {
	ID                 string    `bson:"_id"`
	CategoryID         string    `bson:"category_id"`
	Title              string    `bson:"title"`
	Tags               []string  `bson:"tags"`
	AuthorID           string    `bson:"author_id"`
	AuthorName         string    `bson:"author_name"`
	AuthorHandle       string    `bson:"author_handle"`
	AdministrationName string    `bson:"administration_name"`
	AdministrationIPA  string    `bson:"administration_ipa"`
	CreatedAt          time.Time `bson:"created_at"`
	LastActivityAt     time.Time `bson:"last_activity_at"`
	PostCount          int       `bson:"post_count"` // highest post number
	ReplyCount         int       `bson:"reply_count"`
	LastPosterName     string    `bson:"last_poster_name"`
	Pinned             bool      `bson:"pinned"`
	Locked             bool      `bson:"locked"`
	// PinnedUntil ends a pin by itself, ClosesAt closes the thread to
	// replies: both read at read time (at), no job runs.
	PinnedUntil *time.Time `bson:"pinned_until,omitempty"`
	ClosesAt    *time.Time `bson:"closes_at,omitempty"`
	// MergedInto is set while the thread is merged away (curation.go):
	// it takes no replies meanwhile; MergeFirst is the first number its
	// posts got in the other thread.
	MergedInto string `bson:"merged_into,omitempty"`
	MergeFirst int    `bson:"merge_first,omitempty"` // as plans stored before MergeFirsts have it
	// MergeFirsts is, on a thread others were merged into, the first number
	// each one's posts got here, written with the numbers' reservation.
	MergeFirsts map[string]int `bson:"merge_firsts,omitempty"`
	// MergeRuns is, for each of those threads, the numbers its posts had
	// there in the order they got numbers here (from MergeFirsts on), as
	// runs: first number, length. Readers' positions stay keyed by the
	// thread they read (there is no lookup of readers by thread): a view
	// translates the position in the thread merged away with these
	// (readPosition).
	MergeRuns map[string][]int `bson:"merge_runs,omitempty"`
	// SplitFrom is the thread this one was split from.
	SplitFrom string `bson:"split_from,omitempty"`
	// Gone are the numbers of posts split off into other threads: never
	// given again, not counted as unread.
	Gone []int `bson:"gone,omitempty"`
	// BucketSize is how many posts share a forum_posts document. The
	// embedded store rewrites the whole bucket for every post written, so
	// small buckets make replies cheap; reading a whole thread (a view
	// cache miss) costs a lookup per bucket. 0: legacyBucket.
	BucketSize int `bson:"bucket_size,omitempty"`
}

// Thread is a thread as the API answers it and as the thread.created and
// thread.updated events carry it: openapi.yaml's ThreadFields. It is kept
// apart from the stored ThreadSummary so that either can change alone.
type Thread struct {
	ID                 string     `json:"id"`
	CategoryID         string     `json:"category_id"`
	Title              string     `json:"title"`
	Tags               []string   `json:"tags"`
	AuthorID           string     `json:"author_id"`
	AuthorName         string     `json:"author_name"`
	AuthorHandle       string     `json:"author_handle"`
	AdministrationName string     `json:"administration_name"`
	AdministrationIPA  string     `json:"administration_ipa"`
	CreatedAt          time.Time  `json:"created_at"`
	LastActivityAt     time.Time  `json:"last_activity_at"`
	PostCount          int        `json:"post_count"`
	ReplyCount         int        `json:"reply_count"`
	LastPosterName     string     `json:"last_poster_name"`
	Pinned             bool       `json:"pinned"`
	Locked             bool       `json:"locked"`
	PinnedUntil        *time.Time `json:"pinned_until,omitempty"`
	ClosesAt           *time.Time `json:"closes_at,omitempty"`
}

// at is the thread as it stands at now: a pin past its end is over, a
// thread past its closing date (or being merged away) takes no replies.
func (t *ThreadSummary) at(now time.Time) {
	if t.Pinned && t.PinnedUntil != nil && !now.Before(*t.PinnedUntil) {
		t.Pinned, t.PinnedUntil = false, nil
	}
	if t.ClosesAt != nil && !now.Before(*t.ClosesAt) || t.MergedInto != "" {
		t.Locked = true
	}
}

// unreadAfter is how many posts follow number last (the numbers gone excepted).
func (t *ThreadSummary) unreadAfter(last int) int {
	n := t.PostCount - last
	for _, g := range t.Gone {
		if g > last {
			n--
		}
	}
	return max(0, n)
}

// readIDs are the threads whose read positions t's view needs: t and
// the threads merged into it.
func (t *ThreadSummary) readIDs() []string {
	ids := make([]string, 0, 1+len(t.MergeRuns))
	ids = append(ids, t.ID)
	for id := range t.MergeRuns {
		ids = append(ids, id)
	}
	return ids
}

// readPosition is where a reader stands in t, who read it up to number
// last and each thread merged into it up to readIn(id): the position,
// moved on over the merged posts read that follow it without a gap, and
// the posts unread, less the merged posts above it read where they came
// from (a position is one number: a post read there, after one unread
// here, cannot move it).
func (t *ThreadSummary) readPosition(last int, readIn func(threadID string) int) (pos, unread int) {
	type source struct {
		first, read int
		runs        []int
	}
	var (
		sources   []source
		readAbove int
	)
	for id, runs := range t.MergeRuns {
		if k := readIn(id); k > 0 && t.MergeFirsts[id] > 0 {
			sources = append(sources, source{t.MergeFirsts[id], k, runs})
		}
	}
	sort.Slice(sources, func(i, j int) bool { return sources[i].first < sources[j].first })
	pos = last
	for _, s := range sources {
		x := s.first // the number here of the next post of s
		for r := 0; r+1 < len(s.runs); r += 2 {
			for n := s.runs[r]; n < s.runs[r]+s.runs[r+1]; n, x = n+1, x+1 {
				switch {
				case n > s.read || x <= pos || slices.Contains(t.Gone, x):
				case t.nextAfter(pos) == x:
					pos = x
				default:
					readAbove++
				}
			}
		}
	}
	return pos, max(0, t.unreadAfter(pos)-readAbove)
}

// nextAfter is the first number above n that was not split off.
func (t *ThreadSummary) nextAfter(n int) int {
	n++
	for slices.Contains(t.Gone, n) {
		n++
	}
	return n
}

// mergeRuns is the numbers ns as runs (first, length) of consecutive numbers.
func mergeRuns(ns []int) []int {
	var runs []int
	for i, n := range ns {
		if i > 0 && n == ns[i-1]+1 {
			runs[len(runs)-1]++
			continue
		}
		runs = append(runs, n, 1)
	}
	return runs
}

// wire is the thread as readers get it.
func (t *ThreadSummary) wire() Thread {
	return Thread{ID: t.ID, CategoryID: t.CategoryID, Title: t.Title, Tags: t.Tags, AuthorID: t.AuthorID,
		AuthorName: t.AuthorName, AuthorHandle: t.AuthorHandle, AdministrationName: t.AdministrationName,
		AdministrationIPA: t.AdministrationIPA, CreatedAt: t.CreatedAt, LastActivityAt: t.LastActivityAt,
		PostCount: t.PostCount, ReplyCount: t.ReplyCount, LastPosterName: t.LastPosterName, Pinned: t.Pinned, Locked: t.Locked,
		PinnedUntil: t.PinnedUntil, ClosesAt: t.ClosesAt}
}

// postLayout is how forum_posts splits a thread's posts (store/bucket):
// the thread document is the list's head.
var postLayout = bucket.Layout{Field: "posts", Size: postsPerBucket, Legacy: legacyBucket}

// postList names the thread's list of posts.
func (t *ThreadSummary) postList() bucket.Ref { return bucket.Ref{Owner: t.ID, Size: t.BucketSize} }

// bucketOf is the _id of the bucket that holds post n.
func (t *ThreadSummary) bucketOf(n int) string { return postLayout.ID(t.postList(), n) }

// ThreadView is a thread with the reader's own state.
type ThreadView struct {
	Thread
	Following   bool  `json:"following"`
	UnreadCount int   `json:"unread_count"`
	LastReadN   int   `json:"last_read_n"`
	Seq         int64 `json:"seq"`
}

// author is who wrote something, copied from the session user.
type author struct {
	ID                 string `bson:"author_id"`
	Name               string `bson:"author_name"`
	Handle             string `bson:"author_handle"`
	AdministrationName string `bson:"administration_name"`
	AdministrationIPA  string `bson:"administration_ipa"`
}

func authorOf(u *account.User) author {
	return author{ID: u.ID, Name: u.Name, Handle: u.Handle, AdministrationName: u.AdministrationName, AdministrationIPA: u.AdministrationIPA}
}

type reactor struct {
	Name string    `bson:"name"`
	At   time.Time `bson:"at"`
}

// plainText is the body without markup, for the search index and
// notification excerpts.
func (p *postDoc) plainText() string {
	if p.plain == "" && p.Body != "" {
		p.plain = markdown.PlainText(p.Body)
	}
	return p.plain
}

// postDoc is a post inside its bucket.
type postDoc struct {
	plain       string                        // plainText's, from the same parse as HTML when written here
	N           int                           `bson:"n"`
	ParentN     int                           `bson:"parent_n"` // 0: the thread itself
	Depth       int                           `bson:"depth"`    // uncapped; 0 for the opening post
	Author      author                        `bson:"author,inline"`
	Body        string                        `bson:"body"`
	HTML        string                        `bson:"html"`
	Mentions    []string                      `bson:"mentions"` // handles already notified
	CreatedAt   time.Time                     `bson:"created_at"`
	EditedAt    *time.Time                    `bson:"edited_at"`
	EditorName  string                        `bson:"editor_name"`
	EditCount   int                           `bson:"edit_count"`
	Deleted     bool                          `bson:"deleted"`
	DelReason   string                        `bson:"delete_reason,omitempty"` // a moderator's, shown on the placeholder
	DeletedBy   *deletion                     `bson:"deleted_by,omitempty"`
	Hidden      *hiding                       `bson:"hidden,omitempty"` // hidden pending review (package moderation)
	Reactions   map[string]map[string]reactor `bson:"reactions"`
	Attachments []fileDoc                     `bson:"attachments"`
}

// deletion is who deleted a post and when: the post keeps its content,
// which moderators can still read (and an audit can point at).
type deletion struct {
	UserID string    `bson:"user_id"`
	Name   string    `bson:"name"`
	At     time.Time `bson:"at"`
}

// hiding is why and when a post was hidden by the moderation: readers
// see a placeholder, its author the post and the reason.
type hiding struct {
	Reason string    `bson:"reason"`
	At     time.Time `bson:"at"`
}

// Attachment is a file listed on a post as readers get it (openapi.yaml's
// Attachment).
type Attachment struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
	Image       bool   `json:"image"`
}

// fileDoc is a file listed on a post as the post keeps it: a copy of the
// upload's description taken when the post listed it.
type fileDoc struct {
	ID          string `bson:"id"`
	Name        string `bson:"name"`
	ContentType string `bson:"content_type"`
	Size        int64  `bson:"size"`
	URL         string `bson:"url"`
	Image       bool   `bson:"image"`
}

func (f fileDoc) wire() Attachment {
	return Attachment{ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, URL: f.URL, Image: f.Image}
}

// ReactionSummary is who reacted with one kind.
type ReactionSummary struct {
	Count int       `json:"count"`
	Users []UserRef `json:"users"`
}

// UserRef names a user.
type UserRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Post is a post as every reader sees it (and as live events carry it).
type Post struct {
	ID                 string                     `json:"id"`
	ThreadID           string                     `json:"thread_id"`
	N                  int                        `json:"n"`
	ParentID           string                     `json:"parent_id"`
	ReplyToN           int                        `json:"reply_to_n"`
	Depth              int                        `json:"depth"`
	AuthorID           string                     `json:"author_id"`
	AuthorName         string                     `json:"author_name"`
	AuthorHandle       string                     `json:"author_handle"`
	AdministrationName string                     `json:"administration_name"`
	AdministrationIPA  string                     `json:"administration_ipa"`
	Body               string                     `json:"body"`
	HTML               string                     `json:"html"`
	CreatedAt          time.Time                  `json:"created_at"`
	EditedAt           *time.Time                 `json:"edited_at"`
	EditCount          int                        `json:"edit_count"`
	Deleted            bool                       `json:"deleted"`
	DeleteReason       string                     `json:"delete_reason,omitempty"`
	Hidden             bool                       `json:"hidden,omitempty"`        // hidden by the moderation: a placeholder
	HiddenReason       string                     `json:"hidden_reason,omitempty"` // to its author only
	Reactions          map[string]ReactionSummary `json:"reactions"`
	Attachments        []Attachment               `json:"attachments"`
}

// PostView is a post with the reader's own state.
type PostView struct {
	Post
	Mine    []string `json:"mine"`
	CanEdit bool     `json:"can_edit"`

	// raw is Post encoded, when the post comes from the view cache (read
	// only); Post then has no Body and HTML: only raw carries them.
	raw []byte
}

// MarshalJSON splices the reader's fields into the cached encoding of the
// post when there is one: a thread page then encodes little per request.
func (v PostView) MarshalJSON() ([]byte, error) {
	return v.appendJSON(make([]byte, 0, len(v.raw)+64))
}

func (v PostView) appendJSON(out []byte) ([]byte, error) {
	type plain PostView // without MarshalJSON
	if len(v.raw) < 2 || v.raw[len(v.raw)-1] != '}' {
		b, err := json.Marshal(plain(v))
		return append(out, b...), err
	}
	out = append(out, v.raw[:len(v.raw)-1]...)
	out = append(out, `,"mine":[`...)
	for i, k := range v.Mine {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendQuote(out, k) // reaction kinds are plain ASCII words
	}
	out = append(out, `],"can_edit":`...)
	out = strconv.AppendBool(out, v.CanEdit)
	return append(out, '}'), nil
}

func postID(threadID string, n int) string { return threadID + "-" + strconv.Itoa(n) }

// splitPostID parses "<thread id>-<n>".
func splitPostID(id string) (threadID string, n int, ok bool) {
	i := strings.LastIndexByte(id, '-')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil || n < 1 || !safeKey(id[:i]) {
		return "", 0, false
	}
	return id[:i], n, true
}

// public is the post without per-reader fields; deleted posts keep only
// their place in the tree and their author.
func (p *postDoc) public(threadID string) Post {
	if p.Deleted || p.Hidden != nil {
		return p.header(threadID)
	}
	return p.whole(threadID)
}

// own is a hidden post as its author sees it: the content and the reason.
func (p *postDoc) own(threadID string) Post {
	out := p.whole(threadID)
	if p.Hidden != nil && !p.Deleted {
		out.HiddenReason = p.Hidden.Reason
	}
	return out
}

// header is what a deleted post's placeholder shows: no content.
func (p *postDoc) header(threadID string) Post {
	out := Post{
		ID: postID(threadID, p.N), ThreadID: threadID, N: p.N, Depth: min(p.Depth, MaxDepth),
		AuthorID: p.Author.ID, AuthorName: p.Author.Name, AuthorHandle: p.Author.Handle,
		AdministrationName: p.Author.AdministrationName, AdministrationIPA: p.Author.AdministrationIPA,
		CreatedAt: p.CreatedAt, EditedAt: p.EditedAt, EditCount: p.EditCount, Deleted: p.Deleted, DeleteReason: p.DelReason,
		Hidden:    p.Hidden != nil && !p.Deleted,
		Reactions: map[string]ReactionSummary{}, Attachments: []Attachment{},
	}
	if p.ParentN > 0 {
		out.ParentID = postID(threadID, p.ParentN)
		out.ReplyToN = p.ParentN
	}
	return out
}

// whole is the post with its content, deleted or not (public shows a
// deleted one's header only; moderators read the whole, Deleted).
func (p *postDoc) whole(threadID string) Post {
	out := p.header(threadID)
	out.Body, out.HTML = p.Body, p.HTML
	for _, f := range p.Attachments {
		out.Attachments = append(out.Attachments, f.wire())
	}
	for kind, users := range p.Reactions {
		if len(users) == 0 {
			continue
		}
		refs := make([]UserRef, 0, len(users))
		for id, r := range users {
			refs = append(refs, UserRef{ID: id, Name: r.Name})
		}
		sort.Slice(refs, func(i, j int) bool {
			a, b := users[refs[i].ID], users[refs[j].ID]
			if !a.At.Equal(b.At) {
				return a.At.Before(b.At)
			}
			return refs[i].ID < refs[j].ID
		})
		out.Reactions[kind] = ReactionSummary{Count: len(refs), Users: refs}
	}
	return out
}

// view adds the reader's state; a hidden post's author sees it whole.
func (s *Service) view(u *account.User, threadID string, p *postDoc) PostView {
	pub := p.public(threadID)
	if pub.Hidden && p.Author.ID == u.ID {
		pub = p.own(threadID)
	}
	return s.viewOf(u, &pub)
}

// viewOf adds the reader's state to a post's public form (shared, read only).
func (s *Service) viewOf(u *account.User, pub *Post) PostView {
	v := PostView{Post: *pub, Mine: []string{}}
	if pub.Deleted || pub.Hidden {
		return v
	}
	for _, kind := range ReactionKinds {
		if slices.ContainsFunc(pub.Reactions[kind].Users, func(r UserRef) bool { return r.ID == u.ID }) {
			v.Mine = append(v.Mine, kind)
		}
	}
	v.CanEdit = s.mayEdit(u, pub.Deleted, pub.AuthorID, pub.CreatedAt) == nil
	return v
}

// mayEdit is nil when u may change the body of a post by authorID.
func (s *Service) mayEdit(u *account.User, deleted bool, authorID string, createdAt time.Time) error {
	ownOnly, err := check(authz.EditPost, u, authz.Item{OwnerID: authorID, State: postState(deleted)}, ErrNotAuthor, ErrNotAuthor, ErrPostDeleted)
	if err == nil && ownOnly && s.deps.Now().After(createdAt.Add(s.deps.EditWindow)) {
		return ErrEditWindowClosed
	}
	return err
}
