package forum

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
const cacheMaxBytes = 64 << 20

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
	tree, flat []*cachedPost
	// gapsAt is when posts numbered up to post_count were found missing
	// (zero: none were); see threadPostsOf.
	gapsAt time.Time
}

// cachedPost is a post as the cache keeps it: its public form without the
// body and the HTML, which are most of its size and which only its
// encoding, the part a page sends, carries.
type cachedPost struct {
	Post
	raw []byte // the whole Post encoded as JSON
}

// gapTTL bounds how long a thread with missing numbers is served from the
// cache: a reply in flight has its number before its post is written.
const gapTTL = time.Second

// postSize estimates what a cached post holds on the heap: its encoding,
// the public form's fields, headers and map entries.
func postSize(p *cachedPost) int64 {
	n := int64(600 + len(p.raw))
	for _, r := range p.Reactions {
		n += int64(60 * len(r.Users))
	}
	return n + int64(200*len(p.Attachments))
}

// versionedThread is the thread document with its cache version.
type versionedThread struct {
	ThreadSummary `bson:",inline"`
	Version       int64 `bson:"version"`
}

// threadTTL is how long a SoleWriter instance keeps a thread document for
// its views. Every write to forum_threads drops the entry (threadWritten),
// so the TTL only bounds a write that forgot to. Where other instances
// write too, views read the document every time: it carries the version.
const threadTTL = time.Minute

func (s *Service) threadVersioned(ctx context.Context, id string) (*ThreadSummary, int64, error) {
	if !safeKey(id) {
		return nil, 0, ErrThreadNotFound
	}
	now := time.Now()
	cached, ok, gen := s.threadDocs.Get(id, now)
	if ok && s.SoleWriter {
		c := cached.ThreadSummary // callers change their copy, even decode into it
		c.Tags = slices.Clone(c.Tags)
		return &c, cached.Version, nil
	}
	var t versionedThread
	err := s.Store.R(colThreads).FindOne(ctx, bson.M{"_id": id}).Decode(&t)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, 0, ErrThreadNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("load thread %s: %w", id, err)
	}
	if s.SoleWriter {
		s.threadDocs.Put(id, t, now, gen)
	}
	return &t.ThreadSummary, t.Version, nil
}

// threadWritten drops the thread's cached document; call it after every
// write to forum_threads.
func (s *Service) threadWritten(id string) { s.threadDocs.Drop(id) }

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
	cached := make(map[*postDoc]*cachedPost, len(posts))
	var size int64
	complete := len(posts) == t.PostCount
	for n, p := range posts {
		cp := &cachedPost{Post: p.public(t.ID)}
		raw, err := json.Marshal(&cp.Post)
		if err != nil {
			return nil, fmt.Errorf("encode post %s: %w", cp.ID, err)
		}
		cp.raw, cp.Body, cp.HTML = raw, "", ""
		cached[p] = cp
		size += postSize(cp)
		complete = complete && n >= 1 && n <= t.PostCount
	}
	tp := &threadPosts{tree: cachedOrder(treeOrder(posts), cached), flat: cachedOrder(flatOrder(posts), cached)}
	if !complete {
		// A number lost to an interrupted write stays missing for good: such a
		// thread is re-read every gapTTL rather than on every view.
		tp.gapsAt = time.Now()
	}
	s.cache.put(key, ver, tp, size)
	return tp, nil
}

func cachedOrder(order []*postDoc, cached map[*postDoc]*cachedPost) []*cachedPost {
	out := make([]*cachedPost, len(order))
	for i, p := range order {
		out[i] = cached[p]
	}
	return out
}

// bumpThread marks the thread's posts changed, after the change.
func (s *Service) bumpThread(ctx context.Context, threadID string) {
	defer s.threadWritten(threadID)
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
	defer s.categoryWritten(categoryID)
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

// readerState is what a reader's views add on top of the shared part: the
// follows, and the shards of read positions of the threads asked for.
type readerState struct {
	shards  [readShards]map[string]int // nil: not asked for
	follows *followsDoc
}

// lastRead is the last post of the thread the reader has read; the thread
// must have been asked for.
func (r readerState) lastRead(threadID string) int {
	return r.shards[shardOf(threadID, readShards)][threadID]
}

func (s *Service) readerState(ctx context.Context, userID string, threadIDs ...string) (readerState, error) {
	var st readerState
	now := time.Now()
	fol, ok, gen := s.followed.Get(userID, now)
	if !ok {
		var err error
		if fol, err = s.follows(ctx, userID); err != nil {
			return readerState{}, err
		}
		s.followed.Put(userID, fol, now, gen)
	}
	st.follows = fol
	var (
		missing []string // shard ids
		shardNs []int
		gens    []uint64
	)
	for _, id := range threadIDs {
		k := shardOf(id, readShards)
		if st.shards[k] != nil {
			continue
		}
		key := shardID(userID, k)
		m, ok, gen := s.positions.Get(key, now)
		if !ok {
			m = map[string]int{} // marks the shard asked for; filled below
			missing, shardNs, gens = append(missing, key), append(shardNs, k), append(gens, gen)
		}
		st.shards[k] = m
	}
	if len(missing) == 0 {
		return st, nil
	}
	docs, err := loadDocs[mapDoc[int]](ctx, s, colReads, missing)
	if err != nil {
		return readerState{}, err
	}
	for i, d := range docs {
		m := d.Threads
		if m == nil {
			m = map[string]int{}
		}
		st.shards[shardNs[i]] = m
		s.positions.Put(missing[i], m, now, gens[i])
	}
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

// categoryCurrent is the category as it is now: on a SoleWriter instance
// from the cache, which every write of this instance drops
// (categoryWritten); else read.
func (s *Service) categoryCurrent(ctx context.Context, id string) (*categoryDoc, error) {
	if s.SoleWriter {
		return s.categoryShown(ctx, id)
	}
	return s.category(ctx, id)
}

// categoryWritten drops the category's cached document; call it after
// every write to forum_categories.
func (s *Service) categoryWritten(id string) { s.categories.Drop(id) }
