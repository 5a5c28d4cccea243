// Package forum owns the Cantiere's forums: categories, threads, nested
// replies, edits with history, deletes with placeholders, reactions, unread
// positions, follows and drafts. Every hot read is an _id lookup of a
// document shaped for its view (see DESIGN.md, "Storage"):
//
//	forum_categories   {_id: category id, names, position, archived, counters, listing_version}
//	forum_listings     {_id: "<category id>#<shard>", threads: {"<thread id>": ThreadSummary as binary BSON}}
//	forum_threads      {_id: thread id, ...ThreadSummary, version}
//	forum_posts        {_id: "<thread id>#<bucket>", posts: {"<n>": post}}, 50 posts a bucket
//	forum_history      {_id: post id, versions: [older versions]}
//	forum_reads        {_id: "<user id>#<shard>", threads: {"<thread id>": last read n}}
//	forum_follows      {_id: user id, threads: {...}, categories: {...}}
//	forum_followers    {_id: "thread:<id>" | "category:<id>", users: {"<user id>": true}}
//	forum_drafts       {_id: "<user id>|<key>", body, updated_at}
//	forum_counters     {_id: "thread", n}
//
// Listings and read positions are maps split over a few shards by a hash of
// the thread id, so that an update rewrites a small document (shards.go).
// version and listing_version tag the per-instance view cache (cache.go).
// The buckets, shards and versioned documents are the storage kit's
// (store/bucket, store/shard, store/versioned).
// Notifications go out on a background worker (background.go); the work
// that follows a write is recorded until done (pending.go).
package forum

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/keylock"
	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/search"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/store/bucket"
	"github.com/cantieri/tavolo/server/internal/store/shard"
	"github.com/cantieri/tavolo/server/internal/store/versioned"
	"github.com/cantieri/tavolo/server/internal/ttlcache"
)

// Publisher stores an event on a topic, then fans it out (realtime hub).
type Publisher interface {
	Publish(ctx context.Context, topic, event string, data any) (seq int64, err error)
	// PublishAll publishes events in order, in one append of the topic's log.
	PublishAll(ctx context.Context, topic, event string, data []any) error
	Head(ctx context.Context, topic string) (int64, error)
}

// TopicAuthorizer takes the subscribe rule of a kind of topic.
type TopicAuthorizer interface {
	Authorize(kind string, rule func(ctx context.Context, u *account.User, id string) error)
}

// Indexer keeps the search index in step with posts.
type Indexer interface {
	// Put and Remove queue the change; done (nil or a pending-work part)
	// is told once it is applied.
	Put(ctx context.Context, d search.Doc, done func(error)) error
	Remove(ctx context.Context, postID string, done func(error)) error
}

// Notifier stores in-app notifications and pushes them live.
type Notifier interface {
	Notify(ctx context.Context, in notify.Input) error
}

// Attachments tells who uploaded a file and attaches files to posts
// (files.go).
type Attachments interface {
	Get(ctx context.Context, id string) (attachment.Attachment, error)
	Attach(ctx context.Context, ownerID string, ids []string, to attachment.Ref) error
}

// Directory resolves @handles and an administration's members (accounts).
type Directory interface {
	ResolveHandles(ctx context.Context, handles []string) (map[string]account.Mentionable, error)
	MembersOf(ctx context.Context, administrationID string) ([]string, error)
}

// Deps are the forum's collaborators; all are required.
type Deps struct {
	Store       *store.Store
	Logger      *slog.Logger
	EditWindow  time.Duration
	Publisher   Publisher
	Indexer     Indexer
	Notifier    Notifier
	Attachments Attachments
	Directory   Directory
	// Outbox records the work that follows each write until it is done
	// (pending.go).
	Outbox *outbox.Outbox
	Now    func() time.Time // nil: time.Now
	// Background sends notifications after the action returns (background.go).
	Background bool
	// Audit records moderator and admin actions (audit.go); nil: none.
	Audit *audit.Log
}

// Service is the forum's domain logic.
type Service struct {
	deps  Deps // kept private: callers go through the service's methods
	log   *slog.Logger
	cache *versioned.Cache
	// threadLocks serialise, in this process, a reply's writes from its
	// number to its category's total with a merge or a split of its thread,
	// which read the posts stored, write from what they read and recount: a
	// reply between the read and the recount left the thread's count one off
	// (the recount did not see its post, or overwrote its increment), and a
	// reply to the thread merged away was stored after its posts had left.
	// The embedded store has one writer, this process (README, "The embedded
	// store"); striped: threads sharing a stripe wait for each other briefly.
	threadLocks keylock.Stripes
	// The collections shaped by the storage kit (store/...).
	postBuckets *bucket.List[*postDoc]
	listings    *shard.Map[listedThread]
	reads       *shard.Map[int]
	categories  *versioned.Docs[*categoryDoc]
	threadDocs  *versioned.Docs[versionedThread]
	// Short-lived per-instance copies (cache.go).
	positions *ttlcache.Cache[map[string]int] // read positions shard id -> thread id -> n
	followed  *ttlcache.Cache[*followsDoc]    // user id -> follows
	bg        *outbox.Later                   // nil: notifications inline
	// postLocks serialise read-check-write changes of one post in this
	// process (edits, deletes, hiding).
	postLocks keylock.Stripes
}

// New returns the service; call Init once at start-up.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	log := d.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Service{deps: d, log: log.With("component", "forum"), cache: versioned.NewCache(cacheMaxBytes),
		postBuckets: bucket.New[*postDoc](d.Store, colPosts, postLayout),
		listings:    shard.New[listedThread](d.Store, colListings, "threads", listingShards),
		reads:       shard.New[int](d.Store, colReads, "threads", readShards),
		categories: versioned.New(d.Store, colCategories, versioned.Options[*categoryDoc]{
			Version: "listing_version", Max: 10000, TTL: stateTTL}),
		threadDocs: versioned.New(d.Store, colThreads, versioned.Options[versionedThread]{
			Version: "version", Max: 100000, TTL: threadTTL, Copy: copyThread}),
		positions: ttlcache.New[map[string]int](100000, stateTTL), followed: ttlcache.New[*followsDoc](100000, stateTTL)}
	if d.Background {
		s.bg = outbox.NewLater()
	}
	s.handlePending()
	if d.Audit != nil {
		s.observeAudit(d.Audit)
	}
	return s
}

// Init creates the default categories the first time the board starts;
// then the caller redoes the work left pending (Outbox.Recover).
func (s *Service) Init(ctx context.Context) error {
	if err := s.migrateShards(ctx); err != nil {
		return err
	}
	if err := s.migrateFileRefs(ctx); err != nil {
		return err
	}
	return s.ensureDefaultCategories(ctx)
}

const (
	colCategories = "forum_categories"
	colListings   = "forum_listings"
	colThreads    = "forum_threads"
	colPosts      = "forum_posts"
	colHistory    = "forum_history"
	colReads      = "forum_reads"
	colFollows    = "forum_follows"
	colFollowers  = "forum_followers"
	colDrafts     = "forum_drafts"
	colCounters   = "forum_counters"
)

func (s *Service) now() time.Time { return s.deps.Now().UTC().Truncate(time.Millisecond) }

// safeKey reports whether an id can be a map key in a $set path.
func safeKey(id string) bool {
	return id != "" && !strings.ContainsAny(id, ".$") && len(id) <= 64
}
