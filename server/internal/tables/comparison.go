package tables

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/compare"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/randid"
)

// A comparison is a pure function of the records' versions, the viewer's
// seen versions and the language, and a version never changes: each
// version is prepared once (compare.Prepare) and kept in a bounded cache,
// so a comparison reads the store only for the table and the viewer's
// document (which rows, which versions seen) and for versions not seen yet.

// cacheBytes bounds the memory of the prepared versions kept: a version
// is ~5–10 KB (a long lezioni_apprese makes it up to ~60 KB), so 64 MB
// keep the current versions of thousands of records and some seen ones.
const cacheBytes = 64 << 20

type versionKey struct {
	id string
	n  int
}

// versionCache keeps prepared versions; when full it starts over (the
// current versions come back at the next comparisons).
type versionCache struct {
	mu    sync.RWMutex
	max   int // bytes
	bytes int
	m     map[versionKey]*compare.Prepared
}

func newVersionCache(max int) *versionCache {
	return &versionCache{max: max, m: map[versionKey]*compare.Prepared{}}
}

func (c *versionCache) get(k versionKey) *compare.Prepared {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[k]
}

func (c *versionCache) put(k versionKey, p *compare.Prepared) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		return
	}
	size := p.Size()
	if c.bytes+size > c.max {
		c.m, c.bytes = map[versionKey]*compare.Prepared{}, 0
	}
	c.m[k] = p
	c.bytes += size
}

// prepared is version n of record id, prepared.
func (s *Service) prepared(ctx context.Context, id string, n int) (*compare.Prepared, error) {
	k := versionKey{id, n}
	if p := s.cache.get(k); p != nil {
		return p, nil
	}
	v, err := s.deps.Records.VersionOf(ctx, id, n)
	if err != nil {
		return nil, err
	}
	p := compare.Prepare(&v)
	s.cache.put(k, p)
	return p, nil
}

// inputs prepares the columns of heads; seen gives the version each record
// was last seen at (nil: no marks).
func (s *Service) inputs(ctx context.Context, heads []experiences.Head, seen map[string]int) ([]compare.Input, error) {
	in := make([]compare.Input, len(heads))
	errs := make([]error, len(heads))
	var wg sync.WaitGroup
	for i, h := range heads {
		wg.Go(func() {
			now, err := s.prepared(ctx, h.ID, h.Version)
			if err != nil {
				errs[i] = err
				return
			}
			in[i] = compare.Input{Head: h, Now: now}
			switch sv := seen[h.ID]; {
			case sv == h.Version:
				in[i].Seen = now
			case sv > 0 && sv < h.Version:
				in[i].Seen, errs[i] = s.prepared(ctx, h.ID, sv)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("comparison: %w", err)
		}
	}
	return in, nil
}

// Compare is the ad-hoc comparison of ids (2..12 distinct records u may
// read; another administration's draft does not exist for a participant).
func (s *Service) Compare(ctx context.Context, u *account.User, ids []string, lang string) (compare.Comparison, error) {
	heads, err := s.adHoc(u, ids)
	if err != nil {
		return compare.Comparison{}, err
	}
	in, err := s.inputs(ctx, heads, nil)
	if err != nil {
		return compare.Comparison{}, err
	}
	return compare.Build(in, lang, compare.View{}), nil
}

// adHoc checks an ad-hoc list of records.
func (s *Service) adHoc(u *account.User, ids []string) ([]experiences.Head, error) {
	if !authz.Can(authz.ReadTable, u.Subject(), authz.Item{}) {
		return nil, problem.ErrForbidden
	}
	errs := map[string]string{}
	switch {
	case len(ids) < MinColumns:
		errs["ids"] = fieldTooFew + ":" + strconv.Itoa(MinColumns)
	case len(ids) > MaxColumns:
		errs["ids"] = fieldTooMany + ":" + strconv.Itoa(MaxColumns)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			errs["ids"] = fieldDuplicate
		}
		seen[id] = true
	}
	if len(errs) > 0 {
		return nil, problem.ErrInvalid.With(errs)
	}
	heads, unread := s.deps.Records.Heads(u, ids)
	if len(unread) > 0 {
		return nil, experiences.ErrNotFound
	}
	return heads, nil
}

// Comparison is table id's comparison for u: the records u may read (the
// others are left out), rows in u's order (else the shared one, else the
// default), u's hidden rows, and the cells changed since u last saw each
// record.
func (s *Service) Comparison(ctx context.Context, u *account.User, id, lang string) (compare.Comparison, error) {
	p, err := s.ComparisonParts(ctx, u, id, lang)
	if err != nil {
		return compare.Comparison{}, err
	}
	return compare.Apply(p.Shared(), p.Marks), nil
}

// Parts are a saved table's comparison for one viewer in two parts: the
// shared one, the same for every viewer of these versions (Key names it,
// so callers keep it, encoded, and build it once), and the viewer's marks
// (their order, hidden rows, seen versions and changed cells), computed on
// the server from their seen versions at each request.
type Parts struct {
	Key   string
	Marks compare.Marks
	in    []compare.Input
	lang  string
	order []string
}

// Shared builds the shared part: no marks, rows in the table's order.
func (p *Parts) Shared() compare.Comparison {
	in := slices.Clone(p.in)
	for i := range in {
		in[i].Seen = nil
	}
	return compare.Build(in, p.lang, compare.View{Order: p.order})
}

// ComparisonParts is Comparison in its two parts.
func (s *Service) ComparisonParts(ctx context.Context, u *account.User, id, lang string) (*Parts, error) {
	d, v, seq, err := s.tableAndViewer(ctx, u, id, authz.ReadTable)
	if err != nil {
		return nil, err
	}
	heads, _ := s.deps.Records.Heads(u, d.Experiences)
	in, err := s.inputs(ctx, heads, v.Seen)
	if err != nil {
		return nil, err
	}
	order := v.Order
	if len(order) == 0 {
		order = d.RowOrder
	}
	m := compare.MarksOf(in, lang, compare.View{Order: order, Hidden: v.Hidden})
	m.Seq = &seq
	return &Parts{Key: compare.SharedKey(d.ID, d.Version, lang, in), Marks: m, in: in, lang: lang, order: d.RowOrder}, nil
}

// tableAndViewer reads the topic's head, then the table, with u's view of
// it meanwhile.
func (s *Service) tableAndViewer(ctx context.Context, u *account.User, id string, a authz.Action) (*tableDoc, viewerDoc, int64, error) {
	var v viewerDoc
	var verr error
	var seq int64
	var wg sync.WaitGroup
	if randid.Valid(id) {
		wg.Go(func() { v, verr = s.viewer(ctx, id, u.ID) })
		// The head before the table: an update in between is replayed to
		// the client (a refetch), never missed.
		seq = s.seq(ctx, id)
	}
	d, err := s.loadFor(ctx, u, id, a)
	wg.Wait()
	if err == nil {
		err = verr
	}
	return d, v, seq, err
}
