package search

import (
	"context"
	"errors"
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"golang.org/x/sync/errgroup"
)

const (
	defaultPerPage = 20
	maxPerPage     = 100
	// maxExpansions bounds the words the last query word may stand for.
	maxExpansions = 12
	// expansionWeight ranks a prefix match below the word itself.
	expansionWeight = 0.6
	// readParallelism bounds concurrent _id reads of one query.
	readParallelism = 8
	// snippetWords is the length of the excerpt around the best match.
	snippetWords = 28
	bm25K1       = 1.2
	bm25B        = 0.75
)

// Query is a search with its filters. From and To are days (inclusive);
// the zero time leaves that end open. Author matches an author's ID or
// every word of their name.
type Query struct {
	Text              string
	CategoryID        string
	Author            string
	AdministrationIPA string
	From, To          time.Time
	Page, PerPage     int
}

// Hit is one matching post.
type Hit struct {
	ThreadID           string    `json:"thread_id"`
	PostID             string    `json:"post_id"`
	N                  int       `json:"n"`
	Title              string    `json:"title"`
	Snippet            string    `json:"snippet"` // HTML: escaped text, matches in <mark>
	Score              float64   `json:"score"`
	AuthorName         string    `json:"author_name"`
	AdministrationName string    `json:"administration_name"`
	CategoryID         string    `json:"category_id"`
	CreatedAt          time.Time `json:"created_at"`
}

// Results is one page of hits, best first.
type Results struct {
	Items   []Hit `json:"items"`
	Total   int   `json:"total"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
}

// group is one condition of a query: a post matches it when it holds any
// of the alternatives (a word and its prefix expansions, say).
type group struct {
	alts    []string
	weights []float64 // per alternative; 0 for filters, which do not score
}

type scored struct {
	postID string
	score  float64
	day    int
}

// Query runs q: every word must match (the last one also as a prefix),
// and so must every filter. Ranking is BM25 with title words boosted.
func (ix *Index) query(ctx context.Context, q Query) (Results, error) {
	res := Results{Page: max(q.Page, 1), PerPage: q.PerPage, Items: []Hit{}}
	if res.PerPage <= 0 {
		res.PerPage = defaultPerPage
	}
	res.PerPage = min(res.PerPage, maxPerPage)
	qwords := queryTerms(q.Text)
	if len(qwords) == 0 {
		return res, nil
	}

	need := map[string]bool{}
	for _, w := range qwords {
		need[prefixOf(w)] = true
	}
	filters := queryFilters(q)
	for _, f := range filters {
		for _, t := range f.alts {
			need[prefixOf(t)] = true
		}
	}
	var st stats
	dirs, err := ix.readDirs(ctx, need, &st)
	if err != nil {
		return res, err
	}
	bucketsOf := func(t string) []int64 { return dirs[prefixOf(t)][t] }

	groups := make([]group, 0, len(qwords)+len(filters))
	for i, w := range qwords {
		g := group{alts: []string{w}, weights: []float64{1}}
		if i == len(qwords)-1 {
			for _, t := range expansions(dirs[prefixOf(w)], w) {
				g.alts = append(g.alts, t)
				g.weights = append(g.weights, expansionWeight)
			}
		}
		groups = append(groups, g)
	}
	groups = append(groups, filters...)

	// Only buckets that can hold a match for every group are read.
	var candidates map[int64]bool
	for _, g := range groups {
		in := map[int64]bool{}
		for _, t := range g.alts {
			for _, b := range bucketsOf(t) {
				if candidates == nil || candidates[b] {
					in[b] = true
				}
			}
		}
		candidates = in
	}
	if len(candidates) == 0 {
		return res, nil
	}
	postings, err := ix.readPostings(ctx, groups, candidates, bucketsOf)
	if err != nil {
		return res, err
	}

	hits := rank(groups, postings, candidates, bucketsOf, st, dayRange(q))
	res.Total = len(hits)
	from := (res.Page - 1) * res.PerPage
	if from >= len(hits) {
		return res, nil
	}
	page := hits[from:min(from+res.PerPage, len(hits))]
	docs, err := ix.readDocs(ctx, page)
	if err != nil {
		return res, err
	}
	marks := map[string]bool{}
	for _, g := range groups[:len(qwords)] {
		for _, t := range g.alts {
			marks[t] = true
		}
	}
	for _, h := range page {
		d, ok := docs[h.postID]
		if !ok {
			continue // removed between the postings read and now
		}
		res.Items = append(res.Items, Hit{
			ThreadID: d.ThreadID, PostID: d.PostID, N: d.N, Title: d.Title,
			Snippet: snippet(d.Text, marks), Score: math.Round(h.score*1000) / 1000,
			AuthorName: d.AuthorName, AdministrationName: d.AdministrationName,
			CategoryID: d.CategoryID, CreatedAt: d.CreatedAt,
		})
	}
	return res, nil
}

func queryFilters(q Query) []group {
	var out []group
	if q.CategoryID != "" {
		out = append(out, group{alts: []string{catPrefix + keyValue(q.CategoryID)}, weights: []float64{0}})
	}
	if q.AdministrationIPA != "" {
		out = append(out, group{alts: []string{ipaPrefix + keyValue(fold(q.AdministrationIPA))}, weights: []float64{0}})
	}
	if q.Author != "" {
		// The author's ID, or every word of their name: each name word is a
		// condition that the ID also satisfies.
		id := authorPrefix + keyValue(q.Author)
		var names []group
		for _, w := range words(q.Author) {
			if len(w.term) > 1 {
				names = append(names, group{alts: []string{namePrefix + w.term, id}, weights: []float64{0, 0}})
			}
		}
		if len(names) == 0 {
			names = []group{{alts: []string{id}, weights: []float64{0}}}
		}
		out = append(out, names...)
	}
	return out
}

// expansions are the indexed terms starting with w (w itself excluded),
// shortest first: the likely completions of a word being typed.
func expansions(dir map[string][]int64, w string) []string {
	var out []string
	for t := range dir {
		if t != w && strings.HasPrefix(t, w) && !strings.Contains(t, ":") {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	return out[:min(len(out), maxExpansions)]
}

type dirDoc struct {
	T map[string][]int64 `bson:"t"`
}

// readDirs loads the directory documents of the given prefixes and the
// ranking statistics, concurrently.
func (ix *Index) readDirs(ctx context.Context, prefixes map[string]bool, st *stats) (map[string]map[string][]int64, error) {
	out := make(map[string]map[string][]int64, len(prefixes))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(readParallelism)
	g.Go(func() error {
		err := ix.rmeta.FindOne(gctx, bson.D{{Key: "_id", Value: statsID}}).Decode(st)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return fmt.Errorf("search: read stats: %w", err)
		}
		return nil
	})
	for p := range prefixes {
		g.Go(func() error {
			var d dirDoc
			err := ix.rdirs.FindOne(gctx, bson.D{{Key: "_id", Value: p}}).Decode(&d)
			if errors.Is(err, mongo.ErrNoDocuments) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("search: read directory %q: %w", p, err)
			}
			mu.Lock()
			out[p] = d.T
			mu.Unlock()
			return nil
		})
	}
	return out, g.Wait()
}

type postingsDoc struct {
	P map[string]int64 `bson:"p"`
}

// postingsKey names one (term, bucket) postings document.
type postingsKey struct {
	term   string
	bucket int64
}

func (ix *Index) readPostings(ctx context.Context, groups []group, candidates map[int64]bool, bucketsOf func(string) []int64) (map[postingsKey]map[string]int64, error) {
	out := map[postingsKey]map[string]int64{}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(readParallelism)
	seen := map[postingsKey]bool{}
	for _, gr := range groups {
		for _, t := range gr.alts {
			for _, b := range bucketsOf(t) {
				k := postingsKey{t, b}
				if !candidates[b] || seen[k] {
					continue
				}
				seen[k] = true
				g.Go(func() error {
					var d postingsDoc
					err := ix.rpostings.FindOne(gctx, bson.D{{Key: "_id", Value: postingsID(k.term, k.bucket)}}).Decode(&d)
					if errors.Is(err, mongo.ErrNoDocuments) {
						return nil
					}
					if err != nil {
						return fmt.Errorf("search: read postings %q: %w", postingsID(k.term, k.bucket), err)
					}
					mu.Lock()
					out[k] = d.P
					mu.Unlock()
					return nil
				})
			}
		}
	}
	return out, g.Wait()
}

// rank scores the posts matching every group with BM25. A term's document
// frequency is estimated from the buckets read, scaled to all its buckets.
func rank(groups []group, postings map[postingsKey]map[string]int64, candidates map[int64]bool,
	bucketsOf func(string) []int64, st stats, days [2]int) []scored {
	n := float64(max(st.Docs, 1))
	avgLen := float64(max(st.Len, 1)) / n
	idf := map[string]float64{}
	for _, g := range groups {
		for _, t := range g.alts {
			all := bucketsOf(t)
			count, read := 0, 0
			for _, b := range all {
				if p, ok := postings[postingsKey{t, b}]; ok {
					count += len(p)
					read++
				}
			}
			df := float64(count)
			if read > 0 {
				df *= float64(len(all)) / float64(read)
			}
			idf[t] = math.Log(1 + (n-df+0.5)/(df+0.5))
		}
	}

	var out []scored
	for b := range candidates {
		// Posts of this bucket holding the first group, then narrowed.
		var ids []string
		for _, t := range groups[0].alts {
			for id := range postings[postingsKey{t, b}] {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
	post:
		for _, id := range ids {
			score, day := 0.0, -1
			for _, g := range groups {
				best, found := 0.0, false
				for i, t := range g.alts {
					v, ok := postings[postingsKey{t, b}][id]
					if !ok {
						continue
					}
					found = true
					tf, length, d := unpack(v)
					day = d
					if g.weights[i] == 0 {
						continue
					}
					f := float64(tf)
					s := idf[t] * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*float64(length)/avgLen))
					best = max(best, s*g.weights[i])
				}
				if !found {
					continue post
				}
				score += best
			}
			if day < days[0] || day > days[1] {
				continue
			}
			out = append(out, scored{postID: id, score: score, day: day})
		}
	}
	slices.SortFunc(out, func(a, b scored) int {
		switch {
		case a.score != b.score:
			if a.score > b.score {
				return -1
			}
			return 1
		case a.day != b.day:
			return b.day - a.day
		default:
			return strings.Compare(a.postID, b.postID)
		}
	})
	return out
}

func dayRange(q Query) [2]int {
	r := [2]int{0, math.MaxInt}
	if !q.From.IsZero() {
		r[0] = dayOf(q.From)
	}
	if !q.To.IsZero() {
		r[1] = dayOf(q.To)
	}
	return r
}

func (ix *Index) readDocs(ctx context.Context, page []scored) (map[string]storedDoc, error) {
	out := make(map[string]storedDoc, len(page))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(readParallelism)
	for _, h := range page {
		g.Go(func() error {
			var d storedDoc
			err := ix.rdocs.FindOne(gctx, bson.D{{Key: "_id", Value: h.postID}}).Decode(&d)
			if errors.Is(err, mongo.ErrNoDocuments) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("search: read %s: %w", h.postID, err)
			}
			mu.Lock()
			out[h.postID] = d
			mu.Unlock()
			return nil
		})
	}
	return out, g.Wait()
}

// snippet is the stretch of text with the most marked words, HTML-escaped,
// with those words in <mark>.
func snippet(text string, marks map[string]bool) string {
	ws := words(text)
	if len(ws) == 0 {
		return ""
	}
	hit := make([]bool, len(ws))
	for i, w := range ws {
		hit[i] = marks[w.term]
	}
	best, bestCount, count := 0, -1, 0
	for i := range ws {
		if hit[i] {
			count++
		}
		if i >= snippetWords && hit[i-snippetWords] {
			count--
		}
		if start := max(i-snippetWords+1, 0); count > bestCount {
			best, bestCount = start, count
		}
	}
	// Start a little before the first match so it has context.
	for i := best; i < min(best+snippetWords, len(ws)); i++ {
		if hit[i] {
			best = max(min(best, i-3), 0)
			break
		}
	}
	last := min(best+snippetWords, len(ws)) - 1
	var b strings.Builder
	if best > 0 {
		b.WriteString("… ")
	}
	pos := ws[best].start
	for i := best; i <= last; i++ {
		b.WriteString(html.EscapeString(text[pos:ws[i].start]))
		word := html.EscapeString(text[ws[i].start:ws[i].end])
		if hit[i] {
			b.WriteString("<mark>" + word + "</mark>")
		} else {
			b.WriteString(word)
		}
		pos = ws[i].end
	}
	if last < len(ws)-1 {
		b.WriteString(" …")
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
