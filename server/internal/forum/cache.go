package forum

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/cantieri/tavolo/server/internal/store/shard"
	"github.com/cantieri/tavolo/server/internal/store/versioned"
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
	own *Post  // a hidden post as its author sees it
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

// threadTTL is how long the sole writer keeps a thread document for its
// views (store/versioned). Every write to forum_threads drops the entry
// (threadWritten), so the TTL only bounds a write that forgot to. Where
// other instances write too, views read the document every time: it
// carries the version.
const threadTTL = time.Minute

// copyThread copies a kept thread document: callers change their copy,
// even decode into it.
func copyThread(t versionedThread) versionedThread {
	t.Tags, t.Gone = slices.Clone(t.Tags), slices.Clone(t.Gone)
	return t
}

func (s *Service) threadVersioned(ctx context.Context, id string) (*ThreadSummary, int64, error) {
	if !safeKey(id) {
		return nil, 0, ErrThreadNotFound
	}
	t, ok, err := s.threadDocs.Current(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, ErrThreadNotFound
	}
	t.ThreadSummary.at(s.now())
	return &t.ThreadSummary, t.Version, nil
}

// threadWritten drops the thread's cached document; call it after every
// write to forum_threads.
func (s *Service) threadWritten(id string) { s.threadDocs.Written(id) }

// threadPostsOf is the thread's posts, from the cache when still current.
func (s *Service) threadPostsOf(ctx context.Context, t *ThreadSummary, version int64) (*threadPosts, error) {
	key, ver := "t:"+t.ID, versioned.Version{version, int64(t.PostCount)}
	if v, ok := s.cache.Get(key, ver); ok {
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
	complete := len(posts)+len(t.Gone) == t.PostCount
	for n, p := range posts {
		cp := &cachedPost{Post: p.public(t.ID)}
		raw, err := json.Marshal(&cp.Post)
		if err != nil {
			return nil, fmt.Errorf("encode post %s: %w", cp.ID, err)
		}
		cp.raw, cp.Body, cp.HTML = raw, "", ""
		if cp.Hidden {
			own := p.own(t.ID)
			cp.own = &own
		}
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
	s.cache.Put(key, ver, tp, size)
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
	if err := s.threadDocs.Bump(ctx, threadID); err != nil {
		// The cached posts of other instances may stay stale until the next change.
		s.log.Error("bump thread version", "thread", threadID, "err", err)
	}
}

// sortedListing is a category's threads, pinned first then by activity,
// from the cache when the category's listing_version still matches.
func (s *Service) sortedListing(ctx context.Context, cat *categoryDoc) ([]ThreadSummary, error) {
	key, ver := "c:"+cat.ID, versioned.Version{cat.ListingVersion, 0}
	if v, ok := s.cache.Get(key, ver); ok {
		return s.pinsEnded(v.([]ThreadSummary)), nil
	}
	ts, err := s.listing(ctx, cat.ID)
	if err != nil {
		return nil, err
	}
	sortThreads(ts, true)
	s.cache.Put(key, ver, ts, int64(len(ts))*700)
	return ts, nil
}

// pinsEnded is a cached sorted listing as it stands now: when a pin has
// ended since (pinned threads come first), a re-sorted copy.
func (s *Service) pinsEnded(ts []ThreadSummary) []ThreadSummary {
	now := s.now()
	for i := 0; i < len(ts) && ts[i].Pinned; i++ {
		if ts[i].PinnedUntil != nil && !now.Before(*ts[i].PinnedUntil) {
			out := slices.Clone(ts)
			for j := range out {
				out[j].at(now)
			}
			sortThreads(out, true)
			return out
		}
	}
	return ts
}

// bumpListing marks the category's listing changed, after the change.
func (s *Service) bumpListing(ctx context.Context, categoryID string) error {
	return s.categories.Bump(ctx, categoryID)
}

// Per-reader documents (read positions, follows) and the category shown on
// a thread page are small but read on every page. Each instance keeps them
// for at most stateTTL: its own writes drop them at once, another
// instance's writes show within stateTTL (as with the session cache).
const stateTTL = 2 * time.Second

// readerState is what a reader's views add on top of the shared part: the
// follows, and the shards of read positions of the threads asked for.
type readerState struct {
	reads   *shard.Map[int]
	shards  [readShards]map[string]int // nil: not asked for
	follows *followsDoc
}

// lastRead is the last post of the thread the reader has read; the thread
// must have been asked for.
func (r readerState) lastRead(threadID string) int {
	return r.shards[r.reads.Of(threadID)][threadID]
}

func (s *Service) readerState(ctx context.Context, userID string, threadIDs ...string) (readerState, error) {
	st := readerState{reads: s.reads}
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
		k := s.reads.Of(id)
		if st.shards[k] != nil {
			continue
		}
		key := s.reads.ID(userID, k)
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
	maps, err := s.reads.Load(ctx, missing)
	if err != nil {
		return readerState{}, err
	}
	for i, m := range maps {
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
	return categoryFrom(ctx, id, s.categories.Recent)
}

// categoryCurrent is the category as it is now: on the sole writer from
// the cache, which every write of this instance drops (categoryWritten);
// else read (store/versioned).
func (s *Service) categoryCurrent(ctx context.Context, id string) (*categoryDoc, error) {
	return categoryFrom(ctx, id, s.categories.Current)
}

func categoryFrom(ctx context.Context, id string, get func(context.Context, string) (*categoryDoc, bool, error)) (*categoryDoc, error) {
	if !safeKey(id) {
		return nil, ErrCategoryNotFound
	}
	c, ok, err := get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrCategoryNotFound
	}
	return c, nil
}

// categoryWritten drops the category's cached document; call it after
// every write to forum_categories.
func (s *Service) categoryWritten(id string) { s.categories.Written(id) }
