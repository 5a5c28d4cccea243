// Package search is the board's full-text search over thread titles and
// posts: an inverted index kept in MongoDB and read only by _id, so it runs
// unchanged on MongoDB and on the embedded FerretDB (which has no $text).
//
// Layout (every read and write is an _id operation, every document bounded):
//
//	search_docs     {_id: post_id, the Doc fields, seq, len, terms}   one per post
//	search_postings {_id: "<term>|<bucket>", p: {post_id: packed}}    bucket = seq / bucketSize
//	search_dirs     {_id: "<first 3 runes>", t: {term: [buckets]}}     which buckets hold a term;
//	                                                                   also the autocomplete dictionary
//	search_meta     {_id: "stats", seq, docs, len}                     sequence and ranking statistics
//
// A post's seq never changes, so its postings stay in one bucket, a bucket
// holds at most bucketSize posts, and a query reads only the buckets that
// hold every one of its terms.
package search

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/store"
)

const (
	// bucketSize posts share a postings bucket: large enough that a common
	// term needs few reads, small enough that updating a bucket stays cheap
	// (FerretDB rewrites the whole document; a 1,000-key one costs ~20 ms).
	bucketSize = 256
	// titleBoost counts a title word as this many body words.
	titleBoost = 3
)

// Doc is what the forum indexes for one post. Title is the thread's; it is
// searchable through the opening post (N == 1) and shown on every hit.
type Doc struct {
	PostID, ThreadID   string
	N                  int
	Title, Text        string // Text: plain text (markdown.PlainText)
	CategoryID         string
	AuthorID           string
	AuthorName         string
	AdministrationIPA  string
	AdministrationName string
	CreatedAt          time.Time
}

// Index reads and writes the search collections.
type Index struct {
	docs, postings, dirs, meta *mongo.Collection
	// Queries read through these, in parallel (the embedded store
	// serialises everything on the write connection).
	rdocs, rpostings, rdirs, rmeta *mongo.Collection

	results resultsCache // recent answers, checked against the stats (cache.go)
}

// New returns the index on st.
func New(st *store.Store) *Index {
	return &Index{
		docs: st.C("search_docs"), postings: st.C("search_postings"), dirs: st.C("search_dirs"), meta: st.C("search_meta"),
		rdocs: st.R("search_docs"), rpostings: st.R("search_postings"), rdirs: st.R("search_dirs"), rmeta: st.R("search_meta"),
	}
}

// storedDoc is a search_docs document.
type storedDoc struct {
	PostID             string    `bson:"_id"`
	ThreadID           string    `bson:"thread_id"`
	N                  int       `bson:"n"`
	Title              string    `bson:"title"`
	Text               string    `bson:"text"`
	CategoryID         string    `bson:"category_id"`
	AuthorID           string    `bson:"author_id"`
	AuthorName         string    `bson:"author_name"`
	AdministrationIPA  string    `bson:"administration_ipa"`
	AdministrationName string    `bson:"administration_name"`
	CreatedAt          time.Time `bson:"created_at"`
	Seq                int64     `bson:"seq"`
	Len                int       `bson:"len"`
	Terms              []string  `bson:"terms"` // so an edit or a removal can unset old postings
}

type stats struct {
	Seq  int64 `bson:"seq"`
	Docs int64 `bson:"docs"`
	Len  int64 `bson:"len"`
}

const statsID = "stats"

// Put indexes d, replacing what an earlier Put of the same post indexed.
// It is safe to retry: every step is an idempotent _id write.
func (ix *Index) Put(ctx context.Context, d Doc) error {
	return ix.PutMany(ctx, []Doc{d})
}

// docTerms are a post's terms with their weights (title words boosted,
// filters as pseudo-terms of weight 0) and its length for ranking.
func docTerms(d Doc) (map[string]int, int) {
	tf, n := terms(d.Text)
	if d.N == 1 {
		title, tn := terms(d.Title)
		for t, c := range title {
			tf[t] += titleBoost * c
		}
		n += tn
	}
	for _, t := range filterTerms(d) {
		tf[t] += 0 // present, but never part of the score
	}
	return tf, n
}

func stored(d Doc, seq int64, tf map[string]int, n int) storedDoc {
	list := make([]string, 0, len(tf))
	for t := range tf {
		list = append(list, t)
	}
	return storedDoc{
		PostID: d.PostID, ThreadID: d.ThreadID, N: d.N, Title: d.Title, Text: d.Text,
		CategoryID: d.CategoryID, AuthorID: d.AuthorID, AuthorName: d.AuthorName,
		AdministrationIPA: d.AdministrationIPA, AdministrationName: d.AdministrationName,
		CreatedAt: d.CreatedAt.UTC(), Seq: seq, Len: n, Terms: list,
	}
}

// Rebuild replaces the whole index with docs, written with bulk inserts:
// for a first indexing, a re-index after the tokenizer changed, or seeding.
// Building 20,000 posts this way takes seconds where Put would take
// minutes, since every Put updates one document per term.
func (ix *Index) Rebuild(ctx context.Context, docs []Doc) error {
	for _, c := range []*mongo.Collection{ix.docs, ix.postings, ix.dirs, ix.meta} {
		if err := c.Drop(ctx); err != nil {
			return fmt.Errorf("search: drop %s: %w", c.Name(), err)
		}
	}
	postings := map[string]bson.D{}
	dirs := map[string]map[string][]int64{}
	st := stats{}
	storedDocs := make([]any, 0, len(docs))
	for _, d := range docs {
		if !safeKey(d.PostID) {
			return fmt.Errorf("search: post id %q cannot be a document key", d.PostID)
		}
		st.Seq++
		tf, n := docTerms(d)
		st.Docs++
		st.Len += int64(n)
		storedDocs = append(storedDocs, stored(d, st.Seq, tf, n))
		bucket, day := st.Seq/bucketSize, dayOf(d.CreatedAt)
		for t, c := range tf {
			id := postingsID(t, bucket)
			postings[id] = append(postings[id], bson.E{Key: d.PostID, Value: pack(c, n, day)})
			p := prefixOf(t)
			if dirs[p] == nil {
				dirs[p] = map[string][]int64{}
			}
			if b := dirs[p][t]; len(b) == 0 || b[len(b)-1] != bucket {
				dirs[p][t] = append(b, bucket)
			}
		}
	}
	postingDocs := make([]any, 0, len(postings))
	for id, p := range postings {
		postingDocs = append(postingDocs, bson.D{{Key: "_id", Value: id}, {Key: "p", Value: p}})
	}
	dirDocs := make([]any, 0, len(dirs))
	for p, t := range dirs {
		dirDocs = append(dirDocs, bson.D{{Key: "_id", Value: p}, {Key: "t", Value: t}})
	}
	for _, w := range []struct {
		c    *mongo.Collection
		docs []any
	}{{ix.docs, storedDocs}, {ix.postings, postingDocs}, {ix.dirs, dirDocs}} {
		for i := 0; i < len(w.docs); i += 1000 {
			if _, err := w.c.InsertMany(ctx, w.docs[i:min(i+1000, len(w.docs))]); err != nil {
				return fmt.Errorf("search: load %s: %w", w.c.Name(), err)
			}
		}
	}
	if _, err := ix.meta.InsertOne(ctx, bson.D{{Key: "_id", Value: statsID}, {Key: "seq", Value: st.Seq},
		{Key: "docs", Value: st.Docs}, {Key: "len", Value: st.Len}}); err != nil {
		return fmt.Errorf("search: store stats: %w", err)
	}
	return nil
}

// Remove takes a post out of the index (a deleted post). Removing a post
// that is not indexed is not an error. Directory entries stay: a bucket
// listed for a term it no longer holds costs one read, never a wrong hit.
func (ix *Index) Remove(ctx context.Context, postID string) error {
	var old storedDoc
	err := ix.docs.FindOne(ctx, bson.D{{Key: "_id", Value: postID}}).Decode(&old)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("search: read %s: %w", postID, err)
	}
	if len(old.Terms) > 0 {
		models := make([]mongo.WriteModel, 0, len(old.Terms))
		for _, t := range old.Terms {
			models = append(models, unsetPosting(t, old.Seq/bucketSize, postID))
		}
		if _, err := ix.postings.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
			return fmt.Errorf("search: unset postings of %s: %w", postID, err)
		}
	}
	if _, err := ix.docs.DeleteOne(ctx, bson.D{{Key: "_id", Value: postID}}); err != nil {
		return fmt.Errorf("search: delete %s: %w", postID, err)
	}
	if _, err := ix.meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: statsID}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "docs", Value: -1}, {Key: "len", Value: -old.Len}, {Key: "v", Value: 1}}}}); err != nil {
		return fmt.Errorf("search: update stats: %w", err)
	}
	return nil
}

func unsetPosting(term string, bucket int64, postID string) mongo.WriteModel {
	return mongo.NewUpdateOneModel().
		SetFilter(bson.D{{Key: "_id", Value: postingsID(term, bucket)}}).
		SetUpdate(bson.D{{Key: "$unset", Value: bson.D{{Key: "p." + postID, Value: ""}}}})
}

func postingsID(term string, bucket int64) string {
	return term + "|" + strconv.FormatInt(bucket, 10)
}

// Filters are indexed as pseudo-terms (a ":" never occurs in a word), so a
// filter narrows the buckets to read exactly like a word does.
const (
	catPrefix    = "c:"
	authorPrefix = "a:"
	namePrefix   = "n:"
	ipaPrefix    = "i:"
)

func filterTerms(d Doc) []string {
	out := []string{catPrefix + keyValue(d.CategoryID), authorPrefix + keyValue(d.AuthorID)}
	if d.AdministrationIPA != "" {
		out = append(out, ipaPrefix+keyValue(fold(d.AdministrationIPA)))
	}
	for _, w := range words(d.AuthorName) {
		if len(w.term) > 1 {
			out = append(out, namePrefix+w.term)
		}
	}
	return out
}

// keyValue makes an ID usable inside a field path: IDs made of safe
// characters stay readable, anything else is hex-encoded.
func keyValue(id string) string {
	if safeKey(id) && !strings.Contains(id, "|") {
		return strings.ToLower(id)
	}
	return "x" + hex.EncodeToString([]byte(id))
}

// safeKey reports whether s can be a field name in a $set path.
func safeKey(s string) bool {
	return s != "" && len(s) <= 128 && !strings.ContainsAny(s, ".$\x00")
}

// A posting packs what ranking and the date filter need into one integer,
// so a bucket is a flat map of numbers (FerretDB also rejects nested
// arrays): term frequency (16 bits), document length (20 bits), day (16 bits).
const (
	dayBits = 16
	lenBits = 20
)

var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func dayOf(t time.Time) int {
	d := int(t.Sub(epoch).Hours() / 24)
	return min(max(d, 0), 1<<dayBits-1)
}

func pack(tf, length, day int) int64 {
	tf = min(tf, 1<<16-1)
	length = min(length, 1<<lenBits-1)
	return int64(tf)<<(lenBits+dayBits) | int64(length)<<dayBits | int64(day)
}

func unpack(v int64) (tf, length, day int) {
	return int(v >> (lenBits + dayBits)), int(v>>dayBits) & (1<<lenBits - 1), int(v) & (1<<dayBits - 1)
}
