package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/worker"
)

// Queue indexes in the background so that posting does not wait for the
// index: Put and Remove enqueue and return, one worker applies what is
// queued in batches. A batch of puts costs one write per postings document
// it touches rather than one per term of every post, so it gets cheaper per
// post as the load grows. Search results lag writes by the time a batch
// takes (well under a second); Flush waits for them.
type Queue struct {
	ix  *Index
	log *slog.Logger
	q   *worker.Queue[queued]
}

type queued struct {
	put    *Doc
	remove string
	done   func(error)   // put or remove: told how it went, once applied
	flush  chan struct{} // closed when everything queued before is applied
}

// Batch bounds.
const (
	queueSize   = 4096
	maxBatch    = 256
	batchLinger = 500 * time.Millisecond
	// writeChunk statements go in one command: the embedded store runs
	// every write through one connection, and a post being written should
	// not wait behind a whole batch of postings.
	writeChunk = 1
)

// Async starts the background indexer on ix; Close drains it.
func (ix *Index) Async(log *slog.Logger) *Queue {
	if log == nil {
		log = slog.Default()
	}
	q := &Queue{ix: ix, log: log.With("component", "search")}
	q.q = worker.Start(queueSize, q.run)
	return q
}

// Put queues d for indexing. It blocks only when the queue is full. done
// (when not nil) is told once the post is in the index, or why not; a
// pending-work record waits for it (see package outbox).
func (q *Queue) Put(ctx context.Context, d Doc, done func(error)) error {
	return q.send(ctx, queued{put: &d, done: done})
}

// Remove queues the removal of a post from the index; done as for Put.
func (q *Queue) Remove(ctx context.Context, postID string, done func(error)) error {
	return q.send(ctx, queued{remove: postID, done: done})
}

// Flush waits until everything queued before it is in the index.
func (q *Queue) Flush(ctx context.Context) error {
	err := q.q.Flush(ctx, func(done chan struct{}) queued { return queued{flush: done} })
	if errors.Is(err, worker.ErrClosed) {
		return errQueueClosed
	}
	return err
}

var errQueueClosed = errors.New("search: indexer closed")

func (q *Queue) send(ctx context.Context, op queued) error {
	if err := q.q.Send(ctx, op); err != nil {
		if errors.Is(err, worker.ErrClosed) {
			return errQueueClosed
		}
		return err
	}
	return nil
}

// Close applies what is queued, then stops the worker.
func (q *Queue) Close() { q.q.Close() }

func (q *Queue) run(ch <-chan queued) {
	for op := range ch {
		batch := []queued{op}
		// Linger a little so that a burst of posts shares its writes; a
		// flush (or a full batch, or closing) cuts it short.
		linger := time.NewTimer(batchLinger)
	fill:
		for len(batch) < maxBatch && batch[len(batch)-1].flush == nil {
			select {
			case op, ok := <-ch:
				if !ok {
					break fill
				}
				batch = append(batch, op)
			case <-linger.C:
				break fill
			}
		}
		linger.Stop()
		// Paced while it keeps up; a backlog is written at full speed.
		q.apply(batch, len(batch) < maxBatch && len(ch) < maxBatch)
	}
}

// apply runs a batch in order: consecutive puts together, removals and
// flushes where they stand.
func (q *Queue) apply(batch []queued, paced bool) {
	ctx := context.Background()
	if paced {
		ctx = context.WithValue(ctx, pacedKey{}, true)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var puts []Doc
	var told []func(error)
	flushPuts := func() {
		if len(puts) == 0 {
			return
		}
		err := q.ix.PutMany(ctx, puts)
		if err != nil {
			q.log.Error("index posts", "posts", len(puts), "err", err)
		}
		tell(told, err)
		puts, told = puts[:0], told[:0]
	}
	for _, op := range batch {
		switch {
		case op.put != nil:
			puts = append(puts, *op.put)
			told = append(told, op.done)
		case op.remove != "":
			flushPuts()
			err := q.ix.Remove(ctx, op.remove)
			if err != nil {
				q.log.Error("unindex post", "post", op.remove, "err", err)
			}
			tell([]func(error){op.done}, err)
		case op.flush != nil:
			flushPuts()
			close(op.flush)
		}
	}
	flushPuts()
}

func tell(dones []func(error), err error) {
	for _, done := range dones {
		if done != nil {
			done(err)
		}
	}
}

// PutMany indexes docs like Put does one by one (a later doc of the same
// post wins), with one write per postings and directory document touched.
func (ix *Index) PutMany(ctx context.Context, docs []Doc) error {
	// The last version of each post.
	last := make(map[string]int, len(docs))
	for i, d := range docs {
		if !safeKey(d.PostID) {
			return fmt.Errorf("search: post id %q cannot be a document key", d.PostID)
		}
		last[d.PostID] = i
	}
	type item struct {
		d      Doc
		old    storedDoc
		exists bool
		tf     map[string]int
		n      int
	}
	items := make([]*item, 0, len(last))
	var newDocs, newLen, lenDelta int64
	for i, d := range docs {
		if last[d.PostID] != i {
			continue
		}
		it := &item{d: d}
		err := ix.rdocs.FindOne(ctx, bson.D{{Key: "_id", Value: d.PostID}}).Decode(&it.old)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return fmt.Errorf("search: read %s: %w", d.PostID, err)
		}
		it.exists = err == nil
		it.tf, it.n = docTerms(d)
		if it.exists {
			lenDelta += int64(it.n - it.old.Len)
		} else {
			newDocs++
			newLen += int64(it.n)
		}
		items = append(items, it)
	}

	// Sequence numbers for the new posts, in one write.
	var firstSeq int64
	if newDocs > 0 {
		var st stats
		err := ix.meta.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: statsID}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: newDocs}, {Key: "docs", Value: newDocs}, {Key: "len", Value: newLen + lenDelta}, {Key: "v", Value: 1}}}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&st)
		if err != nil {
			return fmt.Errorf("search: next seq: %w", err)
		}
		firstSeq = st.Seq - newDocs + 1
	} else {
		if _, err := ix.meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: statsID}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "len", Value: lenDelta}, {Key: "v", Value: 1}}}}); err != nil {
			return fmt.Errorf("search: update stats: %w", err)
		}
	}

	docWrites := make([]mongo.WriteModel, 0, len(items))
	sets := map[string]bson.D{}   // postings id -> $set
	unsets := map[string]bson.D{} // postings id -> $unset
	var postingOrder []string
	touch := func(id string) {
		if _, ok := sets[id]; ok {
			return
		}
		if _, ok := unsets[id]; ok {
			return
		}
		postingOrder = append(postingOrder, id)
	}
	dirs := map[string]map[string][]int64{} // prefix -> term -> buckets
	var dirOrder []string
	next := firstSeq
	for _, it := range items {
		seq := it.old.Seq
		if !it.exists {
			seq = next
			next++
		}
		docWrites = append(docWrites, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: it.d.PostID}}).
			SetReplacement(stored(it.d, seq, it.tf, it.n)).SetUpsert(true))
		bucket, day := seq/bucketSize, dayOf(it.d.CreatedAt)
		for t, c := range it.tf {
			id := postingsID(t, bucket)
			touch(id)
			sets[id] = append(sets[id], bson.E{Key: "p." + it.d.PostID, Value: pack(c, it.n, day)})
			p := prefixOf(t)
			if _, ok := dirs[p]; !ok {
				dirOrder = append(dirOrder, p)
				dirs[p] = map[string][]int64{}
			}
			if bs := dirs[p][t]; !slices.Contains(bs, bucket) {
				dirs[p][t] = append(bs, bucket)
			}
		}
		for _, t := range it.old.Terms {
			if _, kept := it.tf[t]; !kept {
				id := postingsID(t, it.old.Seq/bucketSize)
				touch(id)
				unsets[id] = append(unsets[id], bson.E{Key: "p." + it.d.PostID, Value: ""})
			}
		}
	}
	// Documents first, as in Put: a retry finds them and re-sets every posting.
	if err := bulkChunks(ctx, ix.docs, docWrites); err != nil {
		return fmt.Errorf("search: store docs: %w", err)
	}
	postingWrites := make([]mongo.WriteModel, 0, len(postingOrder))
	for _, id := range postingOrder {
		up := bson.D{}
		if s := sets[id]; len(s) > 0 {
			up = append(up, bson.E{Key: "$set", Value: s})
		}
		if u := unsets[id]; len(u) > 0 {
			up = append(up, bson.E{Key: "$unset", Value: u})
		}
		m := mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: id}}).SetUpdate(up)
		if len(sets[id]) > 0 {
			m.SetUpsert(true)
		}
		postingWrites = append(postingWrites, m)
	}
	if len(postingWrites) > 0 {
		if err := bulkChunks(ctx, ix.postings, postingWrites); err != nil {
			return fmt.Errorf("search: write postings: %w", err)
		}
	}
	dirWrites := make([]mongo.WriteModel, 0, len(dirOrder))
	for _, p := range dirOrder {
		add := bson.D{}
		for t, bs := range dirs[p] {
			if len(bs) == 1 {
				add = append(add, bson.E{Key: "t." + t, Value: bs[0]})
			} else {
				add = append(add, bson.E{Key: "t." + t, Value: bson.D{{Key: "$each", Value: bs}}})
			}
		}
		dirWrites = append(dirWrites, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: p}}).
			SetUpdate(bson.D{{Key: "$addToSet", Value: add}}).SetUpsert(true))
	}
	if len(dirWrites) > 0 {
		if err := bulkChunks(ctx, ix.dirs, dirWrites); err != nil {
			return fmt.Errorf("search: write directory: %w", err)
		}
	}
	return nil
}

// bulkChunks writes models writeChunk at a time, paced on the worker's
// context.
func bulkChunks(ctx context.Context, c *mongo.Collection, models []mongo.WriteModel) error {
	var pause time.Duration
	if _, paced := ctx.Value(pacedKey{}).(bool); paced {
		pause = maxPause
	}
	return store.WriteChunks(ctx, c, models, writeChunk, pause)
}

// pacedKey marks the background worker's writes: on the embedded store they
// share one connection with every request's writes, and a batch of a few
// hundred postings written back to back made a reply arriving meanwhile
// wait behind one of them for each of its own writes (reply p95 31 ms, 20
// ms with no indexing). Paced, the worker takes at most about half of the
// connection while it has a batch. A backlog (a full batch, or a full
// batch more waiting) and imports are written at full speed.
type pacedKey struct{}

const maxPause = 5 * time.Millisecond

// PutMany indexes many posts at once (seeding, imports), in batches on the
// caller's goroutine, after what is already queued.
func (q *Queue) PutMany(ctx context.Context, docs []Doc) error {
	if err := q.Flush(ctx); err != nil {
		return err
	}
	const chunk = 1024
	for i := 0; i < len(docs); i += chunk {
		if err := q.ix.PutMany(ctx, docs[i:min(i+chunk, len(docs))]); err != nil {
			return err
		}
	}
	return nil
}
