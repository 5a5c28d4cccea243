package moderation

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/store"
)

// entry is a record's line in the queue document: what the filters and
// the sorts need.
type entry struct {
	Kind    string         `bson:"kind"`
	Place   string         `bson:"place"`
	State   string         `bson:"state"`
	Reasons map[string]int `bson:"reasons"` // open reports by reason
	Open    int            `bson:"open"`
	LastAt  time.Time      `bson:"last_at"`
}

func (r *record) entry() entry {
	e := entry{Kind: r.Kind, Place: r.Place, State: r.State, Reasons: map[string]int{}}
	for _, rep := range r.open() {
		e.Reasons[rep.Reason]++
		e.Open++
		e.LastAt = maxTime(e.LastAt, rep.At)
	}
	if e.LastAt.IsZero() {
		e.LastAt = maxTime(r.HiddenAt, r.SnapshotAt)
	}
	return e
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

type queueDoc struct {
	Items map[string]entry `bson:"items"`
}

// The queue document is read by every page, and decoding its 500 entries
// (75 KB) is most of a page's cost: each instance keeps it decoded, tagged
// with the version of the small document writeQueue bumps after each
// change (queueVersionID), and reads it again only when that moved. The
// version is read before the entries, so entries newer than their tag are
// read again next time, never older ones kept. Every write of a record is
// followed by a bump too (syncAndAnnounce), so the records a page shows
// are kept under the same tag.
const queueVersionID = "open#v"

type queueCache struct {
	mu      sync.Mutex
	version int64
	ok      bool
	items   map[string]entry // never changed once cached
	// records read at recVersion (a version read before them)
	recVersion int64
	records    map[string]record
}

// cachedRecords are the records of ids kept at version ver, and the ids
// not kept.
func (c *queueCache) cachedRecords(ver int64, ids []string) (map[string]record, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.recVersion != ver {
		return map[string]record{}, ids
	}
	got := make(map[string]record, len(ids))
	var missing []string
	for _, id := range ids {
		if r, ok := c.records[id]; ok {
			got[id] = r
		} else {
			missing = append(missing, id)
		}
	}
	return got, missing
}

// keepRecords keeps records read after version ver was read, unless a
// later version is known (they may be older than it).
func (c *queueCache) keepRecords(ver int64, recs []record) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ver < c.recVersion {
		return
	}
	if ver > c.recVersion || c.records == nil {
		c.recVersion, c.records = ver, map[string]record{}
	}
	for _, r := range recs {
		if r.ID != "" {
			c.records[r.ID] = r
		}
	}
}

// openEntries are the queue's entries now, by record id, and the version
// they were read at.
func (s *Service) openEntries(ctx context.Context) (map[string]entry, int64, error) {
	var ver struct {
		V int64 `bson:"v"`
	}
	if err := s.queue.R.FindOne(ctx, bson.M{"_id": queueVersionID}).Decode(&ver); err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, 0, errorf("read queue version: %w", err)
	}
	c := &s.qcache
	c.mu.Lock()
	if c.ok && c.version == ver.V {
		items := c.items
		c.mu.Unlock()
		return items, ver.V, nil
	}
	c.mu.Unlock()
	var doc queueDoc
	if err := s.queue.R.FindOne(ctx, bson.M{"_id": queueID}).Decode(&doc); err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, 0, errorf("read queue: %w", err)
	}
	c.mu.Lock()
	if !c.ok || ver.V >= c.version {
		c.version, c.items, c.ok = ver.V, doc.Items, true
	}
	c.mu.Unlock()
	return doc.Items, ver.V, nil
}

// Sorts of the queue.
const (
	SortNewest       = "newest"
	SortMostReported = "most_reported"
)

// Query selects a page of the queue.
type Query struct {
	State  string `json:"state" validate:"omitempty,oneof=reported hidden"`
	Kind   string `json:"kind" validate:"max=32,nocontrol"`
	Place  string `json:"place" validate:"max=200,nocontrol"`
	Reason string `json:"reason" validate:"omitempty,oneof=off_topic inappropriate duplicate personal_data spam other"`
	Sort   string `json:"sort" validate:"omitempty,oneof=newest most_reported"`
	Offset int    `json:"offset" validate:"min=0,max=100000"`
	Limit  int    `json:"limit" validate:"min=0,max=100"`
}

// PerPage is a queue page's default size.
const PerPage = 20

// Person names a user on the wire.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ReportView is one report as moderators read it.
type ReportView struct {
	Reporter Person    `json:"reporter"`
	Reason   string    `json:"reason"`
	Text     string    `json:"text"`
	At       time.Time `json:"at"`
	Snapshot string    `json:"snapshot"`
}

// Decision is a moderator's last action on the item.
type Decision struct {
	Action string    `json:"action"`
	By     Person    `json:"by"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// QueueItem is one record of the queue, with its context.
type QueueItem struct {
	ID         string         `json:"id"`
	Kind       string         `json:"kind"`
	ItemID     string         `json:"item_id"`
	State      string         `json:"state"`
	Place      string         `json:"place"`
	PlaceLabel string         `json:"place_label"`
	Link       string         `json:"link"`
	Author     Person         `json:"author"`
	Snapshot   string         `json:"snapshot"`
	SnapshotAt time.Time      `json:"snapshot_at"`
	Current    *string        `json:"current"` // null: the item is gone
	Open       int            `json:"open_reports"`
	Total      int            `json:"total_reports"`
	Reasons    map[string]int `json:"reasons"`
	LastAt     time.Time      `json:"last_report_at"`
	HiddenAt   *time.Time     `json:"hidden_at,omitempty"`
	AutoHidden bool           `json:"auto_hidden"`
	Warnings   int            `json:"warnings"`
	Decision   *Decision      `json:"decision,omitempty"`
	Reports    []ReportView   `json:"reports"`
}

// Page is a page of the queue; Seq is the moderation topic's head read
// before it, so a client subscribing with since=Seq misses nothing.
type Page struct {
	Items    []QueueItem `json:"items"`
	Total    int         `json:"total"` // matching the filters
	Reported int         `json:"reported"`
	Hidden   int         `json:"hidden"`
	Offset   int         `json:"offset"`
	Limit    int         `json:"limit"`
	Seq      int64       `json:"seq"`
}

// Queue returns a page of the queue to a moderator.
func (s *Service) Queue(ctx context.Context, u *account.User, q Query) (Page, error) {
	if err := problem.Validate(q); err != nil {
		return Page{}, err
	}
	if !authz.Can(authz.ReviewQueue, u.Subject(), authz.Item{}) {
		return Page{}, ErrModerator
	}
	if q.Limit == 0 {
		q.Limit = PerPage
	}
	if q.State == "" {
		q.State = StateReported
	}
	seq, err := s.deps.Publisher.Head(ctx, Topic)
	if err != nil {
		return Page{}, errorf("topic head: %w", err)
	}
	open, ver, err := s.openEntries(ctx)
	if err != nil {
		return Page{}, err
	}
	type line struct {
		id string
		e  entry
	}
	out := Page{Items: []QueueItem{}, Offset: q.Offset, Limit: q.Limit, Seq: seq}
	var lines []line
	for id, e := range open {
		switch e.State {
		case StateReported:
			out.Reported++
		case StateHidden:
			out.Hidden++
		}
		if e.State != q.State || (q.Kind != "" && e.Kind != q.Kind) || (q.Place != "" && e.Place != q.Place) ||
			(q.Reason != "" && e.Reasons[q.Reason] == 0) {
			continue
		}
		lines = append(lines, line{id, e})
	}
	slices.SortFunc(lines, func(a, b line) int {
		if q.Sort == SortMostReported && a.e.Open != b.e.Open {
			return b.e.Open - a.e.Open
		}
		if c := b.e.LastAt.Compare(a.e.LastAt); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	out.Total = len(lines)
	lines = lines[min(q.Offset, len(lines)):]
	lines = lines[:min(q.Limit, len(lines))]
	ids := make([]string, len(lines))
	for i, l := range lines {
		ids[i] = l.id
	}
	items, err := s.items(ctx, ids, ver)
	if err != nil {
		return Page{}, err
	}
	out.Items = items
	return out, nil
}

// items reads the records of ids (kept at the queue's version ver, or
// read), in that order, with their items' text now.
func (s *Service) items(ctx context.Context, ids []string, ver int64) ([]QueueItem, error) {
	if len(ids) == 0 {
		return []QueueItem{}, nil
	}
	got, missing := s.qcache.cachedRecords(ver, ids)
	if len(missing) > 0 {
		// _id reads in parallel: the embedded store pushes down no $in.
		read, err := store.Load[record](ctx, s.records, missing)
		if err != nil {
			return nil, errorf("read records: %w", err)
		}
		s.qcache.keepRecords(ver, read)
		for _, r := range read {
			got[r.ID] = r
		}
	}
	out := make([]QueueItem, 0, len(ids))
	byKind := map[string][]int{} // positions in out of each kind's items
	for _, id := range ids {
		if r, ok := got[id]; ok && r.ID != "" {
			byKind[r.Kind] = append(byKind[r.Kind], len(out))
			out = append(out, r.wire())
		}
	}
	// The items' current text, a kind at a time (posts of one thread share
	// their buckets: a batch reads each once).
	var errs []error
	s.forKinds(byKind, func(j int) string { return out[j].ItemID }, nil, func(res Resolver, at []int, itemIDs []string) {
		now, err := currents(ctx, res, itemIDs)
		if err != nil {
			errs = append(errs, err)
			return
		}
		for _, j := range at {
			if it, ok := now[out[j].ItemID]; ok && !it.Deleted {
				text := clip(it.Text)
				out[j].Current = &text
				out[j].PlaceLabel, out[j].Link = it.PlaceLabel, it.Link
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// BatchResolver is a resolver that reads many items at once (cheaper than
// one by one); items gone are missing from the map.
type BatchResolver interface {
	CurrentMany(ctx context.Context, ids []string) (map[string]Item, error)
}

// currents reads the items of ids now, in a batch when the resolver can.
func currents(ctx context.Context, res Resolver, ids []string) (map[string]Item, error) {
	if b, ok := res.(BatchResolver); ok {
		return b.CurrentMany(ctx, ids)
	}
	out := make([]Item, len(ids))
	found := make([]bool, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, id := range ids {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i], found[i], errs[i] = res.Current(ctx, id)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	m := make(map[string]Item, len(ids))
	for i, id := range ids {
		if found[i] {
			m[id] = out[i]
		}
	}
	return m, nil
}

// wire is the record as moderators read it.
func (r *record) wire() QueueItem {
	e := r.entry()
	out := QueueItem{ID: r.ID, Kind: r.Kind, ItemID: r.ItemID, State: r.State, Place: r.Place, PlaceLabel: r.PlaceLabel,
		Link: r.Link, Author: Person{ID: r.AuthorID, Name: r.AuthorName}, Snapshot: r.Snapshot, SnapshotAt: r.SnapshotAt,
		Open: e.Open, Total: len(r.Reports), Reasons: e.Reasons, LastAt: e.LastAt, AutoHidden: r.AutoHidden,
		Warnings: r.Warnings, Reports: make([]ReportView, 0, len(r.Reports))}
	if !r.HiddenAt.IsZero() && r.State == StateHidden {
		at := r.HiddenAt
		out.HiddenAt = &at
	}
	if d := r.Decision; d != nil {
		out.Decision = &Decision{Action: d.Action, By: Person{ID: d.ByID, Name: d.ByName}, Reason: d.Reason, At: d.At}
	}
	for i := len(r.Reports) - 1; i >= 0; i-- { // newest first
		rep := r.Reports[i]
		out.Reports = append(out.Reports, ReportView{Reporter: Person{ID: rep.ReporterID, Name: rep.ReporterName},
			Reason: rep.Reason, Text: rep.Text, At: rep.At, Snapshot: rep.Snapshot})
	}
	return out
}
