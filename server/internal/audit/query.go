package audit

import (
	"context"
	"sort"
	"strings"
	"time"
)

// holeWait is how long a number the head gave out may stay without its
// entry (another instance between its two writes) before the index stops
// waiting for it: a process killed between them leaves a hole for good,
// and its record is replayed under a new number.
const holeWait = time.Minute

// row is an entry as the index keeps it: what filters look at.
type row struct {
	n                                  int
	at                                 int64 // Unix milliseconds
	actor, action, kind, target, place string
}

// index is the compact in-memory index of the log, ordered by number.
type index struct {
	rows     []row
	ids      map[string]struct{}
	ns       map[int]struct{}
	complete int               // every number up to it is indexed or given up
	holes    map[int]time.Time // numbers missing below the head, since
	actors   map[string]Actor  // by id, as last seen
	strs     map[string]string // interned strings: actions, kinds, actor and place ids repeat
}

func newIndex() index {
	return index{ids: map[string]struct{}{}, ns: map[int]struct{}{}, holes: map[int]time.Time{},
		actors: map[string]Actor{}, strs: map[string]string{}}
}

func (x *index) has(id string) bool { _, ok := x.ids[id]; return ok }

func (x *index) intern(s string) string {
	if v, ok := x.strs[s]; ok {
		return v
	}
	x.strs[s] = s
	return s
}

func (x *index) add(e Entry) {
	r := row{n: e.N, at: e.At.UnixMilli(), actor: x.intern(e.Actor.ID), action: x.intern(e.Action),
		kind: x.intern(e.Target.Kind), target: e.Target.ID, place: x.intern(e.Place)}
	i := sort.Search(len(x.rows), func(i int) bool { return x.rows[i].n > e.N })
	x.rows = append(x.rows, row{})
	copy(x.rows[i+1:], x.rows[i:])
	x.rows[i] = r
	x.ids[e.ID] = struct{}{}
	x.ns[e.N] = struct{}{}
	x.actors[e.Actor.ID] = e.Actor
	delete(x.holes, e.N)
	if e.N == x.complete+1 {
		x.settle(e.N, time.Now())
	}
}

// settle advances complete towards head over the numbers indexed and the
// holes waited for long enough.
func (x *index) settle(head int, now time.Time) {
	for x.complete < head {
		n := x.complete + 1
		if _, ok := x.ns[n]; !ok {
			since, seen := x.holes[n]
			if !seen {
				x.holes[n] = now
			}
			if !seen || now.Sub(since) < holeWait {
				return
			}
			delete(x.holes, n)
		}
		x.complete = n
	}
}

// Filter selects entries; zero fields select everything.
type Filter struct {
	Actor  string    // actor id
	Action string    // a code ("thread.lock") or its group ("thread")
	Target string    // target id, or "kind:id"
	Place  string    // category or thread id
	From   time.Time // at or after
	To     time.Time // before
	// Moderation keeps moderation actions only (what moderators read).
	Moderation bool
}

func (f Filter) match(r *row) bool {
	switch {
	case f.Actor != "" && r.actor != f.Actor,
		f.Place != "" && r.place != f.Place,
		!f.From.IsZero() && r.at < f.From.UnixMilli(),
		!f.To.IsZero() && r.at >= f.To.UnixMilli(),
		f.Moderation && !Moderation(r.action):
		return false
	}
	if f.Action != "" && r.action != f.Action && !(strings.HasPrefix(r.action, f.Action) && r.action[len(f.Action)] == '.') {
		return false
	}
	if f.Target != "" && r.target != f.Target && r.kind+":"+r.target != f.Target {
		return false
	}
	return true
}

// Page is one page of entries, newest first.
type Page struct {
	Entries []Entry
	Total   int // entries matching the filter
	Next    int // cursor of the next page; 0: this is the last
}

// MaxLimit bounds a page.
const MaxLimit = 100

// Query returns the entries matching f numbered below cursor (0: from
// the newest), newest first, at most limit.
func (l *Log) Query(ctx context.Context, f Filter, cursor, limit int) (Page, error) {
	if limit <= 0 || limit > MaxLimit {
		limit = MaxLimit
	}
	ns, total, next, err := l.find(ctx, f, cursor, limit)
	if err != nil {
		return Page{}, err
	}
	es, err := l.entries(ctx, ns)
	if err != nil {
		return Page{}, err
	}
	return Page{Entries: es, Total: total, Next: next}, nil
}

// All returns every entry matching f, newest first, at most max (exports).
func (l *Log) All(ctx context.Context, f Filter, max int) ([]Entry, error) {
	ns, _, _, err := l.find(ctx, f, 0, max)
	if err != nil {
		return nil, err
	}
	return l.entries(ctx, ns)
}

// find scans the index: the numbers of a page, the matches in all and the
// next cursor.
func (l *Log) find(ctx context.Context, f Filter, cursor, limit int) (ns []int, total, next int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.catchUp(ctx); err != nil {
		return nil, 0, 0, err
	}
	for i := len(l.idx.rows) - 1; i >= 0; i-- {
		r := &l.idx.rows[i]
		if !f.match(r) {
			continue
		}
		total++
		if cursor > 0 && r.n >= cursor {
			continue
		}
		if len(ns) < limit {
			ns = append(ns, r.n)
		} else if next == 0 {
			next = ns[len(ns)-1]
		}
	}
	return ns, total, next, nil
}

// Actors lists everyone with an entry (moderation entries only when
// moderation), by name, for the actor filter.
func (l *Log) Actors(ctx context.Context, moderation bool) ([]Actor, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.catchUp(ctx); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := []Actor{}
	for i := range l.idx.rows {
		r := &l.idx.rows[i]
		if seen[r.actor] || moderation && !Moderation(r.action) {
			continue
		}
		seen[r.actor] = true
		out = append(out, l.idx.actors[r.actor])
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Name < out[j].Name || out[i].Name == out[j].Name && out[i].ID < out[j].ID
	})
	return out, nil
}
