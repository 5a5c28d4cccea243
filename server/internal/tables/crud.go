package tables

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/compare"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/randid"
	"github.com/cantieri/tavolo/server/internal/store"
)

// tableDoc is a table as stored.
type tableDoc struct {
	ID          string    `bson:"_id"`
	Name        string    `bson:"name"`
	Description string    `bson:"description"`
	Owner       ownerDoc  `bson:"owner"`
	Experiences []string  `bson:"experiences"`
	RowOrder    []string  `bson:"row_order"`
	RoomID      string    `bson:"room_id,omitempty"`
	Version     int       `bson:"version"`
	CreatedAt   time.Time `bson:"created_at"`
	UpdatedAt   time.Time `bson:"updated_at"`
}

type ownerDoc struct {
	ID                 string `bson:"id"`
	Name               string `bson:"name"`
	AdministrationID   string `bson:"administration_id"`
	AdministrationName string `bson:"administration_name"`
}

func (d *tableDoc) item() authz.Item { return authz.Item{OwnerID: d.Owner.ID} }

// viewerDoc is one user's view of one table.
type viewerDoc struct {
	ID     string         `bson:"_id"`
	Order  []string       `bson:"order"`
	Hidden []string       `bson:"hidden"`
	Seen   map[string]int `bson:"seen"`
}

// NewTable is POST /tables' body.
type NewTable struct {
	Name        string   `json:"name" validate:"required,notblank,max=120,nocontrol"`
	Description string   `json:"description" validate:"max=2000,nocontrol"`
	Experiences []string `json:"experiences" validate:"dive,max=64"`
}

// Patch changes a table made at BaseVersion; nil fields stay as they are.
type Patch struct {
	BaseVersion int       `json:"base_version" validate:"min=1"`
	Name        *string   `json:"name" validate:"omitempty,notblank,max=120,nocontrol"`
	Description *string   `json:"description" validate:"omitempty,max=2000,nocontrol"`
	Experiences *[]string `json:"experiences" validate:"omitempty,dive,max=64"`
	RowOrder    *[]string `json:"row_order" validate:"omitempty,max=200,dive,max=64"`
}

// RowPrefs are a viewer's own rows: their order (empty: the shared one)
// and the rows they hide.
type RowPrefs struct {
	Order  []string `json:"order" validate:"max=200,dive,max=64"`
	Hidden []string `json:"hidden" validate:"max=200,dive,max=64"`
}

// Owner is who made a table.
type Owner struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	AdministrationName string `json:"administration_name"`
}

// Table is a table as readers see it.
type Table struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Owner       Owner     `json:"owner"`
	Experiences []string  `json:"experiences"`
	RowOrder    []string  `json:"row_order"`
	RoomID      string    `json:"room_id"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Seq         int64     `json:"seq"`
	CanEdit     bool      `json:"can_edit"`
}

// List is GET /tables.
type List struct {
	Items []Table `json:"items"`
}

// anyReader stands for every active participant: the table as published
// on its topic names only the records everyone may read.
var anyReader = &account.User{ID: "-", Role: account.RoleParticipant, AdministrationStatus: account.StatusApproved}

// view is d as u sees it (nil: as every reader may): its columns are the
// records u may read (a moderator may have put another administration's
// draft in it).
func (s *Service) view(u *account.User, d *tableDoc, seq int64) Table {
	reader := u
	if reader == nil {
		reader = anyReader
	}
	heads, _ := s.deps.Records.Heads(reader, d.Experiences)
	cols := make([]string, len(heads))
	for i, h := range heads {
		cols[i] = h.ID
	}
	return Table{ID: d.ID, Name: d.Name, Description: d.Description,
		Owner:       Owner{ID: d.Owner.ID, Name: d.Owner.Name, AdministrationName: d.Owner.AdministrationName},
		Experiences: cols, RowOrder: nonNil(d.RowOrder), RoomID: d.RoomID, Version: d.Version,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Seq: seq,
		CanEdit: u != nil && authz.Can(authz.EditTable, u.Subject(), d.item())}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// seq is the table topic's head (0 when unknown: clients catch up).
func (s *Service) seq(ctx context.Context, id string) int64 {
	n, err := s.deps.Live.Head(ctx, Topic(id))
	if err != nil {
		s.log.Error("read topic head", "table", id, "err", err)
		return 0
	}
	return n
}

// checkRecords validates a table's columns: 2..12 distinct records u may
// read. field names the list in the errors.
func (s *Service) checkRecords(u *account.User, field string, ids []string) error {
	errs := map[string]string{}
	switch {
	case len(ids) < MinColumns:
		errs[field] = fieldTooFew + ":" + strconv.Itoa(MinColumns)
	case len(ids) > MaxColumns:
		errs[field] = fieldTooMany + ":" + strconv.Itoa(MaxColumns)
	}
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			errs[fmt.Sprintf("%s[%d]", field, i)] = fieldDuplicate
		}
		seen[id] = true
	}
	if len(errs) == 0 {
		_, unread := s.deps.Records.Heads(u, ids)
		for i, id := range ids {
			if slices.Contains(unread, id) {
				errs[fmt.Sprintf("%s[%d]", field, i)] = fieldNoRecord
			}
		}
	}
	if len(errs) > 0 {
		return problem.ErrInvalid.With(errs)
	}
	return nil
}

// checkRows validates a list of row keys: known, each once.
func checkRows(field string, keys []string, errs map[string]string) {
	seen := map[string]bool{}
	for i, k := range keys {
		p := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case !compare.Known(k):
			errs[p] = fieldNoRow
		case seen[k]:
			errs[p] = fieldDuplicate
		}
		seen[k] = true
	}
}

// Create stores a table owned by u and opens its room (through the
// outbox: a crash after the write still gets it).
func (s *Service) Create(ctx context.Context, u *account.User, in NewTable) (Table, error) {
	if !authz.Can(authz.CreateTable, u.Subject(), authz.Item{}) {
		return Table{}, problem.ErrForbidden
	}
	in.Name = strings.TrimSpace(in.Name)
	if err := s.checkRecords(u, "experiences", in.Experiences); err != nil {
		return Table{}, err
	}
	now := s.now()
	d := &tableDoc{ID: randid.New(), Name: in.Name, Description: in.Description,
		Owner:       ownerDoc{ID: u.ID, Name: u.Name, AdministrationID: u.AdministrationID, AdministrationName: u.AdministrationName},
		Experiences: slices.Clone(in.Experiences), RowOrder: []string{}, Version: 1, CreatedAt: now, UpdatedAt: now}
	w, err := s.deps.Outbox.Record(ctx, kindRoom, roomWork{TableID: d.ID})
	if err != nil {
		return Table{}, err
	}
	defer s.docs.Written(d.ID)
	if _, err := s.tables.W.InsertOne(ctx, d); err != nil {
		w.End(nil) // nothing written: nothing to redo
		return Table{}, fmt.Errorf("insert table: %w", err)
	}
	// The table before the index: an index entry without its table would
	// be skipped, a table without its entry never listed; the redo lists it.
	err = s.finishCreate(ctx, d)
	w.End(err)
	if err != nil {
		s.log.Error("finish table", "table", d.ID, "err", err)
	}
	return s.view(u, d, s.seq(ctx, d.ID)), nil
}

// Get is a table as u sees it.
func (s *Service) Get(ctx context.Context, u *account.User, id string) (Table, error) {
	d, err := s.loadFor(ctx, u, id, authz.ReadTable)
	if err != nil {
		return Table{}, err
	}
	return s.view(u, d, s.seq(ctx, d.ID)), nil
}

func (s *Service) load(ctx context.Context, id string, fresh bool) (*tableDoc, error) {
	if !randid.Valid(id) {
		return nil, ErrNotFound
	}
	var d tableDoc
	var ok bool
	var err error
	if fresh {
		d, ok, err = store.Get[tableDoc](ctx, s.tables.Ordered(), id)
	} else {
		d, ok, err = s.docs.Current(ctx, id)
	}
	if err != nil {
		return nil, fmt.Errorf("load table %s: %w", id, err)
	}
	if !ok {
		return nil, ErrNotFound
	}
	return &d, nil
}

// loadFor loads a table u may act on with a.
func (s *Service) loadFor(ctx context.Context, u *account.User, id string, a authz.Action) (*tableDoc, error) {
	if !authz.Can(authz.ReadTable, u.Subject(), authz.Item{}) {
		return nil, problem.ErrForbidden
	}
	d, err := s.load(ctx, id, a == authz.EditTable)
	if err != nil {
		return nil, err
	}
	if !authz.Can(a, u.Subject(), d.item()) {
		if a == authz.EditTable {
			return nil, ErrForbidden
		}
		return nil, problem.ErrForbidden
	}
	return d, nil
}

// List is every table, newest first.
func (s *Service) List(ctx context.Context, u *account.User) (List, error) {
	if !authz.Can(authz.ReadTable, u.Subject(), authz.Item{}) {
		return List{}, problem.ErrForbidden
	}
	type indexDoc struct {
		IDs []string `bson:"ids"`
	}
	idx, _, err := store.Get[indexDoc](ctx, s.index, indexID)
	if err != nil {
		return List{}, fmt.Errorf("list tables: %w", err)
	}
	docs, err := store.Load[tableDoc](ctx, s.tables, idx.IDs)
	if err != nil {
		return List{}, fmt.Errorf("list tables: %w", err)
	}
	out := List{Items: make([]Table, 0, len(docs))}
	for i := range docs {
		if docs[i].ID != "" { // an entry whose table a crash cut off
			out.Items = append(out.Items, s.view(u, &docs[i], 0))
		}
	}
	slices.SortStableFunc(out.Items, func(a, b Table) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// Update changes a table made at in.BaseVersion: owner, moderators and
// admins only; an older base is a conflict and writes nothing.
func (s *Service) Update(ctx context.Context, u *account.User, id string, in Patch) (Table, error) {
	if !randid.Valid(id) {
		return Table{}, ErrNotFound
	}
	defer s.lock(id)()
	d, err := s.loadFor(ctx, u, id, authz.EditTable)
	if err != nil {
		return Table{}, err
	}
	if in.BaseVersion != d.Version {
		return Table{}, ErrVersionConflict
	}
	errs := map[string]string{}
	if in.RowOrder != nil {
		checkRows("row_order", *in.RowOrder, errs)
	}
	if len(errs) > 0 {
		return Table{}, problem.ErrInvalid.With(errs)
	}
	set, before, after := bson.M{}, map[string]any{}, map[string]any{}
	change := func(field string, was, now any) {
		set[field], before[field], after[field] = now, was, now
	}
	if in.Experiences != nil {
		if err := s.checkRecords(u, "experiences", *in.Experiences); err != nil {
			return Table{}, err
		}
		was := d.Experiences
		d.Experiences = slices.Clone(*in.Experiences)
		change("experiences", was, d.Experiences)
	}
	if in.Name != nil {
		was := d.Name
		d.Name = strings.TrimSpace(*in.Name)
		change("name", was, d.Name)
	}
	if in.Description != nil {
		was := d.Description
		d.Description = *in.Description
		change("description", was, d.Description)
	}
	if in.RowOrder != nil {
		was := d.RowOrder
		d.RowOrder = slices.Clone(*in.RowOrder)
		change("row_order", was, d.RowOrder)
	}
	if len(set) == 0 {
		return s.view(u, d, s.seq(ctx, id)), nil
	}
	d.Version++
	d.UpdatedAt = s.now()
	change("version", in.BaseVersion, d.Version)
	set["updated_at"] = d.UpdatedAt
	// A moderator or an admin changing another's table is logged.
	var entries []audit.Entry
	if u.ID != d.Owner.ID {
		entries = append(entries, audit.Entry{Actor: u.AuditActor(), Action: audit.TableEdit,
			Target: audit.Target{Kind: "table", ID: id, Label: d.Name}, Before: before, After: after})
	}
	rec, err := s.deps.Audit.Begin(ctx, entries...)
	if err != nil {
		return Table{}, err
	}
	w, err := s.deps.Outbox.Record(ctx, kindPush, pushWork{TableID: id})
	if err != nil {
		rec.Done(ctx, err)
		return Table{}, err
	}
	matched, err := s.deps.Store.UpdateIf(ctx, colTables, id, bson.M{"version": in.BaseVersion}, bson.M{"$set": set})
	// Dropped before table.updated goes out below: a viewer's refetch it
	// brings must not read the kept document from before the write.
	s.docs.Written(id)
	if err == nil && !matched {
		err = ErrVersionConflict // another instance changed it first
	}
	rec.Done(ctx, err)
	if err != nil {
		w.End(nil)
		if errors.Is(err, ErrVersionConflict) {
			return Table{}, err
		}
		return Table{}, fmt.Errorf("update table: %w", err)
	}
	if s.afterWrite != nil {
		if err := s.afterWrite(); err != nil {
			w.End(err)
			return s.view(u, d, 0), nil
		}
	}
	seq, err := s.push(ctx, d)
	w.End(err)
	return s.view(u, d, seq), nil
}

// Prefs are u's own rows of table id.
func (s *Service) Prefs(ctx context.Context, u *account.User, id string) (RowPrefs, error) {
	if _, err := s.loadFor(ctx, u, id, authz.ReadTable); err != nil {
		return RowPrefs{}, err
	}
	v, err := s.viewer(ctx, id, u.ID)
	if err != nil {
		return RowPrefs{}, err
	}
	return RowPrefs{Order: nonNil(v.Order), Hidden: nonNil(v.Hidden)}, nil
}

// SetPrefs stores u's own rows of table id.
func (s *Service) SetPrefs(ctx context.Context, u *account.User, id string, in RowPrefs) (RowPrefs, error) {
	if _, err := s.loadFor(ctx, u, id, authz.ReadTable); err != nil {
		return RowPrefs{}, err
	}
	errs := map[string]string{}
	checkRows("order", in.Order, errs)
	checkRows("hidden", in.Hidden, errs)
	if len(errs) > 0 {
		return RowPrefs{}, problem.ErrInvalid.With(errs)
	}
	in.Order, in.Hidden = nonNil(in.Order), nonNil(in.Hidden)
	defer s.viewerWritten(viewerID(id, u.ID))
	if _, err := s.viewers.W.UpdateOne(ctx, bson.M{"_id": viewerID(id, u.ID)}, bson.M{"$set": bson.M{"order": in.Order, "hidden": in.Hidden}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return RowPrefs{}, fmt.Errorf("table %s: store prefs: %w", id, err)
	}
	return in, nil
}

// MarkSeen records the current version of each record of table id that u
// may read as seen by u.
func (s *Service) MarkSeen(ctx context.Context, u *account.User, id string) error {
	d, err := s.loadFor(ctx, u, id, authz.ReadTable)
	if err != nil {
		return err
	}
	heads, _ := s.deps.Records.Heads(u, d.Experiences)
	if len(heads) == 0 {
		return nil
	}
	set := bson.M{}
	for _, h := range heads {
		set["seen."+h.ID] = h.Version
	}
	defer s.viewerWritten(viewerID(id, u.ID))
	if _, err := s.viewers.W.UpdateOne(ctx, bson.M{"_id": viewerID(id, u.ID)}, bson.M{"$set": set},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return fmt.Errorf("table %s: store seen: %w", id, err)
	}
	return nil
}

func (s *Service) viewer(ctx context.Context, tableID, userID string) (viewerDoc, error) {
	key := viewerID(tableID, userID)
	now := time.Now()
	_, none, gen := s.noViewer.Get(key, now)
	if none {
		return viewerDoc{}, nil
	}
	v, ok, err := s.viewing.Current(ctx, key)
	if err != nil {
		return viewerDoc{}, fmt.Errorf("table %s: load viewer: %w", tableID, err)
	}
	if !ok && s.deps.Store.SoleWriter() {
		s.noViewer.Put(key, struct{}{}, now, gen)
	}
	return v, nil
}

// viewerWritten drops what is kept of viewer document id, after a write.
func (s *Service) viewerWritten(id string) {
	s.viewing.Written(id)
	s.noViewer.Drop(id)
}
