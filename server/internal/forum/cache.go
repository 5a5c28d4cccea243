package forum

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The thread page and the category page are assembled from documents that
// change far less often than they are read. Each instance keeps the shared
// part of those views (a thread's posts in both orders, a category's
// sorted listing) in a bounded LRU, tagged with the version it was read at.
// A view first reads the small document that carries the version (the
// thread, the category: one _id lookup it needs anyway) and uses the cached
// part only when the tags match, so an instance never serves what another
// instance has changed since. Writers change the content first and the
// version after, so content read after a version is never older than it.
//
//   - Thread posts: tagged with the thread's post_count and version. Reply
//     takes a number (post_count) before writing the post, so a thread whose
//     posts 1..post_count are not all there yet is served from the cache
//     for at most gapTTL. Edits, deletes and reactions $inc the thread's
//     version after their write.
//   - Category listing: tagged with the category's listing_version, which
//     every write of a listing entry $inc's afterwards.
//
// Per-reader fields (unread, mine, can_edit, following) are computed on top.

// cacheMaxBytes bounds the cache (an estimate of the decoded size).
const cacheMaxBytes = 32 << 20

type viewCache struct {
	mu    sync.Mutex
	ll    *list.List // front: most recently used
	m     map[string]*list.Element
	bytes int64
	max   int64
}

type cacheItem struct {
	key     string
	version [2]int64
	size    int64
	val     any
}

func newViewCache(max int64) *viewCache {
	return &viewCache{ll: list.New(), m: map[string]*list.Element{}, max: max}
}

func (c *viewCache) get(key string, version [2]int64) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return nil, false
	}
	it := e.Value.(*cacheItem)
	if it.version != version {
		return nil, false
	}
	c.ll.MoveToFront(e)
	return it.val, true
}

func (c *viewCache) put(key string, version [2]int64, val any, size int64) {
	if size > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		it := e.Value.(*cacheItem)
		// Never replace a newer version with an older one read concurrently.
		if it.version[0] > version[0] || it.version[1] > version[1] {
			return
		}
		c.bytes += size - it.size
		it.version, it.size, it.val = version, size, val
		c.ll.MoveToFront(e)
	} else {
		c.m[key] = c.ll.PushFront(&cacheItem{key: key, version: version, size: size, val: val})
		c.bytes += size
	}
	for c.bytes > c.max && c.ll.Len() > 1 {
		e := c.ll.Back()
		it := e.Value.(*cacheItem)
		c.ll.Remove(e)
		delete(c.m, it.key)
		c.bytes -= it.size
	}
}

// threadPosts is the shared part of a thread's pages.
type threadPosts struct {
	byN  map[int]*postDoc
	tree []*postDoc
	flat []*postDoc
	pub  map[int]*Post  // public form, per post number
	raw  map[int][]byte // pub encoded as JSON
	// gapsAt is when posts numbered up to post_count were found missing
	// (zero: none were); see threadPostsOf.
	gapsAt time.Time
}

// gapTTL bounds how long a thread with missing numbers is served from the
// cache: a reply in flight has its number before its post is written.
const gapTTL = time.Second

// postSize estimates what a cached post holds on the heap: the document and
// its public form (which share their strings), map entries and headers.
func postSize(p *postDoc) int64 {
	n := int64(1200 + len(p.Body) + len(p.HTML))
	for _, users := range p.Reactions {
		n += int64(80 * len(users))
	}
	return n + int64(200*len(p.Attachments))
}

// versionedThread is the thread document with its cache version.
type versionedThread struct {
	ThreadSummary `bson:",inline"`
	Version       int64 `bson:"version"`
}

func (s *Service) threadVersioned(ctx context.Context, id string) (*ThreadSummary, int64, error) {
	if !safeKey(id) {
		return nil, 0, ErrThreadNotFound
	}
	var t versionedThread
	err := s.Store.R(colThreads).FindOne(ctx, bson.M{"_id": id}).Decode(&t)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, 0, ErrThreadNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("load thread %s: %w", id, err)
	}
	return &t.ThreadSummary, t.Version, nil
}

// threadPostsOf is the thread's posts, from the cache when still current.
func (s *Service) threadPostsOf(ctx context.Context, t *ThreadSummary, version int64) (*threadPosts, error) {
	key, ver := "t:"+t.ID, [2]int64{version, int64(t.PostCount)}
	if v, ok := s.cache.get(key, ver); ok {
		if tp := v.(*threadPosts); tp.gapsAt.IsZero() || time.Since(tp.gapsAt) < gapTTL {
			return tp, nil
		}
	}
	posts, err := s.posts(ctx, t)
	if err != nil {
		return nil, err
	}
	tp := &threadPosts{byN: posts, tree: treeOrder(posts), flat: flatOrder(posts), pub: make(map[int]*Post, len(posts)), raw: make(map[int][]byte, len(posts))}
	var size int64
	complete := len(posts) == t.PostCount
	for n, p := range posts {
		pub := p.public(t.ID)
		tp.pub[n] = &pub
		raw, err := json.Marshal(&pub)
		if err != nil {
			return nil, fmt.Errorf("encode post %s: %w", pub.ID, err)
		}
		tp.raw[n] = raw
		size += postSize(p) + int64(len(raw))
		complete = complete && n >= 1 && n <= t.PostCount
	}
	if !complete {
		// A number lost to an interrupted write stays missing for good: such a
		// thread is re-read every gapTTL rather than on every view.
		tp.gapsAt = time.Now()
	}
	s.cache.put(key, ver, tp, size)
	return tp, nil
}

// bumpThread marks the thread's posts changed, after the change.
func (s *Service) bumpThread(ctx context.Context, threadID string) {
	if _, err := s.Store.C(colThreads).UpdateOne(ctx, bson.M{"_id": threadID}, bson.M{"$inc": bson.M{"version": 1}}); err != nil {
		// The cached posts of other instances may stay stale until the next change.
		s.log.Error("bump thread version", "thread", threadID, "err", err)
	}
}

// sortedListing is a category's threads, pinned first then by activity,
// from the cache when the category's listing_version still matches.
func (s *Service) sortedListing(ctx context.Context, cat *categoryDoc) ([]ThreadSummary, error) {
	key, ver := "c:"+cat.ID, [2]int64{cat.ListingVersion, 0}
	if v, ok := s.cache.get(key, ver); ok {
		return v.([]ThreadSummary), nil
	}
	ts, err := s.listing(ctx, cat.ID)
	if err != nil {
		return nil, err
	}
	sortThreads(ts, true)
	s.cache.put(key, ver, ts, int64(len(ts))*700)
	return ts, nil
}

// bumpListing marks the category's listing changed, after the change.
func (s *Service) bumpListing(ctx context.Context, categoryID string) error {
	_, err := s.Store.C(colCategories).UpdateOne(ctx, bson.M{"_id": categoryID}, bson.M{"$inc": bson.M{"listing_version": 1}},
		options.UpdateOne())
	if err != nil {
		return fmt.Errorf("bump listing of %s: %w", categoryID, err)
	}
	return nil
}

// Per-reader documents (read positions, follows) and the category shown on
// a thread page are small but read on every page. Each instance keeps them
// for at most stateTTL: its own writes drop them at once, another
// instance's writes show within stateTTL (as with the session cache).
const stateTTL = 2 * time.Second

// readerState is what a reader's views add on top of the shared part.
type readerState struct {
	reads   map[string]int
	follows *followsDoc
}

func (s *Service) readerState(ctx context.Context, userID string) (readerState, error) {
	now := time.Now()
	if st, ok, _ := s.readers.Get(userID, now); ok {
		return st, nil
	}
	_, _, gen := s.readers.Get(userID, now)
	reads, err := s.reads(ctx, userID)
	if err != nil {
		return readerState{}, err
	}
	fol, err := s.follows(ctx, userID)
	if err != nil {
		return readerState{}, err
	}
	st := readerState{reads: reads, follows: fol}
	s.readers.Put(userID, st, now, gen)
	return st, nil
}

// categoryShown is the category as a thread page shows it (its counters
// may lag by stateTTL); writes check the category itself.
func (s *Service) categoryShown(ctx context.Context, id string) (*categoryDoc, error) {
	now := time.Now()
	c, ok, gen := s.categories.Get(id, now)
	if ok {
		return c, nil
	}
	c, err := s.category(ctx, id)
	if err != nil {
		return nil, err
	}
	s.categories.Put(id, c, now, gen)
	return c, nil
}
