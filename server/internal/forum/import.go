package forum

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/markdown"
	"github.com/cantieri/tavolo/server/internal/search"
)

// ImportThread is a thread with its replies, for Import.
type ImportThread struct {
	CategoryID string
	Title      string
	Tags       []string
	Author     *account.User
	Body       string
	Replies    []ImportReply
}

// ImportReply is a reply of an imported thread; ParentN 0 answers the thread.
type ImportReply struct {
	Author  *account.User
	Body    string
	ParentN int
}

// BulkIndexer indexes many posts at once (search.Queue); an Indexer
// without it gets one Put per post.
type BulkIndexer interface {
	PutMany(ctx context.Context, docs []search.Doc) error
}

// importChunk documents go in one insert.
const importChunk = 500

// Import loads whole threads with bulk writes, for seeding (the benchmark,
// demo data): the documents are built in memory and inserted, listings,
// counters, read positions and follows written once per document, and the
// posts indexed in bulk. It publishes no events and sends no notifications.
// The posts are dated from now backwards, one second apart. It returns the
// new thread ids in order.
func (s *Service) Import(ctx context.Context, threads []ImportThread) ([]string, error) {
	if len(threads) == 0 {
		return nil, nil
	}
	cats := map[string]*categoryDoc{}
	total := 0
	for i, t := range threads {
		if t.Author == nil || strings.TrimSpace(t.Title) == "" || strings.TrimSpace(t.Body) == "" {
			return nil, fmt.Errorf("import thread %d: author, title and body are required", i)
		}
		if cats[t.CategoryID] == nil {
			c, err := s.category(ctx, t.CategoryID)
			if err != nil {
				return nil, fmt.Errorf("import thread %d: %w", i, err)
			}
			cats[t.CategoryID] = c
		}
		for j, r := range t.Replies {
			if r.Author == nil || strings.TrimSpace(r.Body) == "" || r.ParentN < 0 || r.ParentN > j+1 {
				return nil, fmt.Errorf("import thread %d, reply %d: author and body required, parent before it", i, j)
			}
			if !safeKey(r.Author.ID) {
				return nil, fmt.Errorf("import thread %d, reply %d: bad author id", i, j)
			}
		}
		total += 1 + len(t.Replies)
	}
	var ctr struct {
		N int64 `bson:"n"`
	}
	err := s.deps.Store.C(colCounters).FindOneAndUpdate(ctx, bson.M{"_id": "thread"}, bson.M{"$inc": bson.M{"n": len(threads)}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&ctr)
	if err != nil {
		return nil, fmt.Errorf("import: thread ids: %w", err)
	}
	first := ctr.N - int64(len(threads)) + 1

	start := s.now().Add(-time.Duration(total) * time.Second)
	clock := 0
	tick := func() time.Time { clock++; return start.Add(time.Duration(clock) * time.Second) }

	ids := make([]string, len(threads))
	var (
		threadDocs, bucketDocs, followerDocs []any
		docs                                 []search.Doc
		listings                             = s.listings.Batch("$set")
		reads                                = s.reads.Batch("$max")
		follows                              = map[string]bson.M{} // user -> $set
		catInc                               = map[string][2]int{}
		catLast                              = map[string]time.Time{}
	)
	for i, in := range threads {
		id := strconv.FormatInt(first+int64(i), 10)
		ids[i] = id
		title := strings.TrimSpace(in.Title)
		posts := make([]*postDoc, 0, 1+len(in.Replies))
		mk := func(n int, u *account.User, body string, parent *postDoc) *postDoc {
			body = strings.TrimSpace(body)
			doc := markdown.Parse(body)
			p := &postDoc{N: n, Depth: 0, Author: authorOf(u), Body: body, HTML: doc.HTML(nil), plain: doc.PlainText(), Mentions: []string{},
				CreatedAt: tick(), EditorName: u.Name, Reactions: map[string]map[string]reactor{}, Attachments: []fileDoc{}}
			if parent != nil {
				p.Depth = 1
				if parent.N > 1 {
					p.ParentN, p.Depth = parent.N, parent.Depth+1
				}
			}
			return p
		}
		posts = append(posts, mk(1, in.Author, in.Body, nil))
		for j, r := range in.Replies {
			parent := posts[0]
			if r.ParentN > 0 {
				parent = posts[r.ParentN-1]
			}
			posts = append(posts, mk(j+2, r.Author, r.Body, parent))
		}
		last := posts[len(posts)-1]
		t := ThreadSummary{
			ID: id, CategoryID: in.CategoryID, Title: title, Tags: normTags(in.Tags),
			AuthorID: in.Author.ID, AuthorName: in.Author.Name, AuthorHandle: in.Author.Handle,
			AdministrationName: in.Author.AdministrationName, AdministrationIPA: in.Author.AdministrationIPA,
			CreatedAt: posts[0].CreatedAt, LastActivityAt: last.CreatedAt, PostCount: len(posts), ReplyCount: len(posts) - 1,
			LastPosterName: last.Author.Name, BucketSize: postsPerBucket,
		}
		threadDocs = append(threadDocs, t)
		items := make(map[int]*postDoc, len(posts))
		for _, p := range posts {
			items[p.N] = p
			reads.Add(p.Author.ID, id, p.N) // posts go up in number: the last is the highest
			docs = append(docs, search.Doc{
				PostID: postID(id, p.N), ThreadID: id, N: p.N, Title: title, Text: p.plainText(),
				CategoryID: in.CategoryID, AuthorID: p.Author.ID, AuthorName: p.Author.Name,
				AdministrationIPA: p.Author.AdministrationIPA, AdministrationName: p.Author.AdministrationName, CreatedAt: p.CreatedAt,
			})
		}
		bucketDocs = append(bucketDocs, s.postBuckets.Docs(t.postList(), items)...)
		listings.Add(in.CategoryID, id, listedThread(t))
		if follows[in.Author.ID] == nil {
			follows[in.Author.ID] = bson.M{}
		}
		follows[in.Author.ID]["threads."+id] = true
		followerDocs = append(followerDocs, bson.M{"_id": "thread:" + id, "users": bson.M{in.Author.ID: true}})
		c := catInc[in.CategoryID]
		catInc[in.CategoryID] = [2]int{c[0] + 1, c[1] + len(posts)}
		if last.CreatedAt.After(catLast[in.CategoryID]) {
			catLast[in.CategoryID] = last.CreatedAt
		}
	}

	// Posts before threads, as CreateThread does: a thread is never visible without its posts.
	for _, w := range []struct {
		col  string
		docs []any
	}{{colPosts, bucketDocs}, {colThreads, threadDocs}, {colFollowers, followerDocs}} {
		for i := 0; i < len(w.docs); i += importChunk {
			if _, err := s.deps.Store.C(w.col).InsertMany(ctx, w.docs[i:min(i+importChunk, len(w.docs))]); err != nil {
				return nil, fmt.Errorf("import %s: %w", w.col, err)
			}
		}
	}
	if err := s.deps.Store.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	up := options.UpdateOne().SetUpsert(true)
	if _, err := listings.Write(ctx); err != nil {
		return nil, fmt.Errorf("import listings: %w", err)
	}
	for cat, inc := range catInc {
		defer s.categoryWritten(cat)
		if _, err := s.deps.Store.C(colCategories).UpdateOne(ctx, bson.M{"_id": cat}, bson.M{
			"$inc": bson.M{"thread_count": inc[0], "post_count": inc[1], "listing_version": 1},
			"$max": bson.M{"last_activity_at": catLast[cat]}}); err != nil {
			return nil, fmt.Errorf("import counters of %s: %w", cat, err)
		}
	}
	written, err := reads.Write(ctx)
	for _, shard := range written {
		s.positions.Drop(shard)
	}
	if err != nil {
		return nil, fmt.Errorf("import read positions: %w", err)
	}
	for user, set := range follows {
		if _, err := s.deps.Store.C(colFollows).UpdateOne(ctx, bson.M{"_id": user}, bson.M{"$set": set}, up); err != nil {
			return nil, fmt.Errorf("import follows: %w", err)
		}
		s.followed.Drop(user)
	}
	if err := s.deps.Store.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	if bulk, ok := s.deps.Indexer.(BulkIndexer); ok {
		if err := bulk.PutMany(ctx, docs); err != nil {
			return nil, fmt.Errorf("import: index: %w", err)
		}
		return ids, nil
	}
	var errs []error
	for _, d := range docs {
		if err := s.deps.Indexer.Put(ctx, d, nil); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("import: index: %w", err)
	}
	return ids, nil
}
