package moderation

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/store"
)

// Moderators' actions on records.
const (
	ActDismiss = "dismiss" // the reports are unfounded: the item stays (or shows again)
	ActHide    = "hide"    // hide the item
	ActRestore = "restore" // show a hidden item again
	ActDelete  = "delete"  // delete the item
	ActWarn    = "warn"    // tell the author, change nothing
)

// MaxBulk is how many records one action may name.
const MaxBulk = 100

// auditTarget is the kind of the audit entries' targets: records.
const auditTarget = "moderation"

// Action is a moderator's action on one or more records.
type Action struct {
	Action string   `json:"action" validate:"required,oneof=dismiss hide restore delete warn"`
	IDs    []string `json:"ids" validate:"required,min=1,max=100,dive,required,max=240"`
	Reason string   `json:"reason" validate:"required,notblank,max=500,nocontrol"`
}

// Skipped is a record an action left alone, and why (a stable code).
type Skipped struct {
	ID   string `json:"id"`
	Code string `json:"code"` // not_found, already_handled, item_deleted
}

// Result says what an action did.
type Result struct {
	Done    []string  `json:"done"`
	Skipped []Skipped `json:"skipped"`
}

// target is a record an action will change, and to what.
type target struct {
	r     *record
	state string // the state after; "" keeps it (warn)
}

// Act applies an action to records. Each changed record gets an audit
// entry (actor, action, target, reason, before and after); records
// another moderator handled meanwhile, or gone, are skipped and listed.
func (s *Service) Act(ctx context.Context, u *account.User, in Action) (_ Result, err error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if err := problem.Validate(in); err != nil {
		return Result{}, err
	}
	if !authz.Can(authz.ModerateItem, u.Subject(), authz.Item{}) {
		return Result{}, ErrModerator
	}
	ids := slices.Compact(slices.Sorted(slices.Values(in.IDs)))
	out := Result{Done: []string{}, Skipped: []Skipped{}}
	if len(ids) > inlineSync && in.Action != ActDelete {
		return s.actLater(ctx, u, in, ids)
	}
	var targets []target
	recs, err := s.actionable(ctx, ids, in.Action)
	if err != nil {
		return Result{}, err
	}
	for i, r := range recs {
		if r.code != "" {
			out.Skipped = append(out.Skipped, Skipped{ID: ids[i], Code: r.code})
			continue
		}
		targets = append(targets, target{r: r.r, state: after(in.Action, r.r.State)})
	}
	if len(targets) == 0 {
		return out, nil
	}
	changed := make([]string, len(targets))
	for i, t := range targets {
		changed[i] = t.r.ID
	}
	w, err := s.deps.Outbox.Record(ctx, syncKind, syncWork{IDs: changed})
	if err != nil {
		return Result{}, err
	}
	background := false // the sync went to the background, which ends w
	defer func() {
		if !background {
			w.End(err)
		}
	}()
	entries := make([]audit.Entry, len(targets))
	for i, t := range targets {
		entries[i] = auditEntry(u, in, t)
	}
	rec, err := s.deps.Audit.Begin(ctx, entries...)
	if err != nil {
		return Result{}, err
	}
	// The records' writes overlap (the store queues them): a bulk action
	// of 100 is one round trip's wait, not 100.
	oks, errs := s.applyAll(ctx, u, in, targets)
	var failed []error
	var told []*record
	for i, t := range targets {
		switch {
		case errs[i] != nil:
			failed = append(failed, errs[i])
			out.Skipped = append(out.Skipped, Skipped{ID: t.r.ID, Code: "failed"})
		case !oks[i]:
			out.Skipped = append(out.Skipped, Skipped{ID: t.r.ID, Code: "already_handled"})
		default:
			out.Done = append(out.Done, t.r.ID)
			told = append(told, t.r)
		}
	}
	s.tellAuthors(ctx, in, told)
	// An entry is appended when its record holds its after values: all of
	// them when every write went through, the stored ones otherwise.
	var partial error
	if len(out.Done) < len(targets) {
		partial = errors.New("moderation: some records changed meanwhile")
	}
	rec.Done(ctx, partial)
	if len(changed) <= inlineSync {
		if err := s.syncAndAnnounce(ctx, changed); err != nil {
			return out, err
		}
		return out, errors.Join(failed...)
	}
	// A bulk action: the queue (one write) and the moderators' topic now;
	// the items, the authors and the rest in the background, under the
	// outbox record (a crash redoes them at the next start).
	if err := s.requeue(ctx, targets, out.Done); err != nil {
		return out, err
	}
	background = true
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Minute)
		defer cancel()
		err := s.syncAndAnnounce(ctx, changed)
		if err != nil {
			s.log.Error("bulk action's sync; redone at the next start", "err", err)
		}
		w.End(err)
	}()
	return out, errors.Join(failed...)
}

// actLater is a bulk action (but a delete, whose items' deletes may each
// fail): decided now, written later. Under the records' locks it reads
// them, decides each (done, or skipped as Act would), records the
// decisions in the outbox with the audit entries, updates the queue
// document and answers; the records' writes and their sync follow in the
// background, still under the locks for the writes (no other action or
// sync of them meanwhile). A crash before they are done redoes them at
// the next start from the outbox record (redo). So the answer waits for
// a handful of writes, not one per record. On MongoDB with several
// instances the locks are this instance's: a record another instance
// changes between the decision and its write keeps that change (the
// write is conditional) and the failure is logged.
func (s *Service) actLater(ctx context.Context, u *account.User, in Action, ids []string) (_ Result, err error) {
	out := Result{Done: []string{}, Skipped: []Skipped{}}
	unlock := s.locks.LockAll(ids)
	locked := true
	defer func() {
		if locked {
			unlock()
		}
	}()
	recs, err := s.actionable(ctx, ids, in.Action)
	if err != nil {
		return Result{}, err
	}
	d := decision{Action: in.Action, ByID: u.ID, ByName: u.Name, Reason: in.Reason, At: s.now()}
	p := &pendingAction{Decision: d}
	var targets []target
	var told []*record
	for i, r := range recs {
		if r.code != "" {
			out.Skipped = append(out.Skipped, Skipped{ID: ids[i], Code: r.code})
			continue
		}
		t := target{r: r.r, state: after(in.Action, r.r.State)}
		targets = append(targets, t)
		told = append(told, t.r)
		p.Targets = append(p.Targets, pendingTarget{ID: t.r.ID, From: t.r.State, To: t.state})
		out.Done = append(out.Done, t.r.ID)
	}
	if len(targets) == 0 {
		return out, nil
	}
	w, err := s.deps.Outbox.Record(ctx, syncKind, syncWork{IDs: out.Done, Action: p})
	if err != nil {
		return Result{}, err
	}
	entries := make([]audit.Entry, len(targets))
	for i, t := range targets {
		entries[i] = auditEntry(u, in, t)
	}
	rec, err := s.deps.Audit.Begin(ctx, entries...)
	if err != nil {
		w.End(nil) // nothing decided yet: nothing to redo
		return Result{}, err
	}
	// From here the decisions stand: the outbox record writes the records,
	// now or at the next start, so the entries hold.
	rec.Done(ctx, nil)
	s.tellAuthors(ctx, in, told)
	if err := s.requeue(ctx, targets, out.Done); err != nil {
		s.log.Error("bulk action's queue (the sync writes it again)", "err", err)
	}
	locked = false
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Minute)
		defer cancel()
		err := s.applyPending(ctx, p)
		unlock()
		if err == nil {
			err = s.syncAndAnnounce(ctx, out.Done)
		}
		if err != nil {
			s.log.Error("bulk action's writes; redone at the next start", "err", err)
		}
		w.End(err)
	}()
	return out, nil
}

// pendingAction is a bulk action's decision on records, as its outbox
// record keeps it until the records hold it.
type pendingAction struct {
	Decision decision        `bson:"decision"`
	Targets  []pendingTarget `bson:"targets"`
}

// pendingTarget is a record's state before and after a pending action.
type pendingTarget struct {
	ID   string `bson:"id"`
	From string `bson:"from"`
	To   string `bson:"to"`
}

// applyPending writes a pending action's decision on its records, under
// their locks (the caller's): a record still in the state decided from,
// and without the decision yet (a redo writes nothing twice: a warning's
// count), gets it.
func (s *Service) applyPending(ctx context.Context, p *pendingAction) error {
	ids := make([]string, len(p.Targets))
	for i, t := range p.Targets {
		ids[i] = t.ID
	}
	recs, err := store.Load[record](ctx, s.records, ids)
	if err != nil {
		return errorf("read records: %w", err)
	}
	var write []int
	for i, t := range p.Targets {
		r := recs[i]
		if r.Decision != nil && r.Decision.At.Equal(p.Decision.At) {
			continue // written before a crash
		}
		if r.ID == "" || r.State != t.From {
			s.log.Warn("bulk action: record changed before its write", "record", t.ID)
			continue
		}
		write = append(write, i)
	}
	errs := make([]error, len(write))
	parallel(len(write), func(j int) {
		t := p.Targets[write[j]]
		if _, err := s.records.W.UpdateOne(ctx, s.ifState(t.ID, t.From), recordUpdate(t.To, p.Decision)); err != nil {
			errs[j] = errorf("update record %s: %w", t.ID, err)
		}
	})
	return errors.Join(errs...)
}

// ifState is the filter of a write to record id checked, under its lock,
// to be in state: on MongoDB the state is in the filter too (another
// instance may have changed it); the embedded store, where this process
// is the only writer, would scan the whole collection for it (README,
// "embedded store"), and the lock is the check.
func (s *Service) ifState(id, state string) bson.M {
	if s.deps.Store.SoleWriter() {
		return bson.M{"_id": id}
	}
	return bson.M{"_id": id, "state": state}
}

// inlineSync is how many records an action syncs before answering: the
// actor's next read then sees the items changed. A bulk action's sync
// (a write or three per item) would take seconds on a loaded embedded
// store, so beyond it the answer comes once the queue has changed.
const inlineSync = 10

// requeue updates the queue document for the records done (one write)
// and tells the moderators, ahead of their sync.
func (s *Service) requeue(ctx context.Context, targets []target, done []string) error {
	now := s.now()
	var recs []*record
	for _, t := range targets {
		if !slices.Contains(done, t.r.ID) {
			continue
		}
		r := *t.r
		r.State = t.state
		if t.state != t.r.State { // reviewed now: no open report (as apply wrote)
			r.ReviewedAt = now
		}
		recs = append(recs, &r)
	}
	if err := s.writeQueue(ctx, recs, nil); err != nil {
		return err
	}
	if _, err := s.deps.Publisher.Publish(ctx, Topic, EventQueueChanged, QueueChanged{IDs: done}); err != nil {
		s.log.Error("publish queue change", "err", err)
	}
	return nil
}

// parallel runs fn(0..n-1) on up to 8 goroutines.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			fn(i)
		})
	}
	wg.Wait()
}

// verdict is a record read for an action, and why it is skipped ("": it
// is not).
type verdict struct {
	r    *record
	code string
}

// actionable reads the records (in parallel, through the readers: not
// behind the writes queued on the writer, such as an earlier bulk
// action's sync) and says whether the action applies to each. It is a
// first look: each record's write checks its state again.
func (s *Service) actionable(ctx context.Context, ids []string, action string) ([]verdict, error) {
	out := make([]verdict, len(ids))
	var valid []string
	var at []int
	for i, id := range ids {
		if _, _, ok := splitRecordID(id); !ok {
			out[i].code = "not_found"
			continue
		}
		valid = append(valid, id)
		at = append(at, i)
	}
	recs, err := store.Load[record](ctx, s.records, valid)
	if err != nil {
		return nil, errorf("read records: %w", err)
	}
	for j, i := range at {
		var r *record
		if recs[j].ID != "" {
			r = &recs[j]
		}
		out[i].r, out[i].code = r, applies(r, action)
	}
	return out, nil
}

// applies says why an action does not apply to a record ("": it does).
func applies(r *record, action string) string {
	if r == nil {
		return "not_found"
	}
	if r.State == StateDeleted {
		return "item_deleted"
	}
	switch action {
	case ActDismiss:
		if !r.queued() {
			return "already_handled"
		}
	case ActHide:
		if r.State == StateHidden {
			return "already_handled"
		}
	case ActRestore:
		if r.State != StateHidden {
			return "already_handled"
		}
	}
	return ""
}

// after is a record's state after an action.
func after(action, state string) string {
	switch action {
	case ActDismiss:
		return StateDismissed
	case ActHide:
		return StateHidden
	case ActRestore:
		return StateRestored
	case ActDelete:
		return StateDeleted
	}
	return state
}

// BatchDeleter is a resolver that deletes many items at once (a bulk
// action): errs[i] is the outcome of ids[i].
type BatchDeleter interface {
	DeleteMany(ctx context.Context, u *account.User, ids []string, reason string) (errs []error)
}

// applyAll changes the records of targets under their locks, each provided
// its state is still the one read (oks[i] false: another moderator acted
// first); a delete deletes the items first, a kind at a time (in one
// batch when the resolver can), and a record whose item failed is left.
func (s *Service) applyAll(ctx context.Context, u *account.User, in Action, targets []target) (oks []bool, errs []error) {
	oks, errs = make([]bool, len(targets)), make([]error, len(targets))
	ids := make([]string, len(targets))
	for i, t := range targets {
		ids[i] = t.r.ID
	}
	defer s.locks.LockAll(ids)()
	now, err := store.Load[record](ctx, s.records, ids)
	if err != nil {
		for i := range errs {
			errs[i] = errorf("read records: %w", err)
		}
		return oks, errs
	}
	byKind := map[string][]int{} // the targets still as read, by kind
	for i, t := range targets {
		if now[i].ID != "" && now[i].State == t.r.State {
			byKind[t.r.Kind] = append(byKind[t.r.Kind], i)
		}
	}
	if in.Action == ActDelete {
		s.forKinds(byKind, func(i int) string { return targets[i].r.ItemID }, errs, func(res Resolver, at []int, itemIDs []string) {
			for j, err := range deleteItems(ctx, res, u, itemIDs, in.Reason) {
				errs[at[j]] = err
			}
		})
	}
	d := decision{Action: in.Action, ByID: u.ID, ByName: u.Name, Reason: in.Reason, At: s.now()}
	var write []int
	for _, at := range byKind {
		for _, i := range at {
			if errs[i] == nil {
				write = append(write, i)
			}
		}
	}
	parallel(len(write), func(j int) {
		t := targets[write[j]]
		res, err := s.records.W.UpdateOne(ctx, s.ifState(t.r.ID, t.r.State), recordUpdate(t.state, d))
		if err != nil {
			errs[write[j]] = errorf("update record %s: %w", t.r.ID, err)
			return
		}
		oks[write[j]] = res.MatchedCount > 0
	})
	return oks, errs
}

// deleteItems deletes items of res as the moderator u, in one batch when
// it can; errs[i] is the outcome of ids[i].
func deleteItems(ctx context.Context, res Resolver, u *account.User, ids []string, reason string) []error {
	if b, ok := res.(BatchDeleter); ok {
		return b.DeleteMany(ctx, u, ids, reason)
	}
	errs := make([]error, len(ids))
	parallel(len(ids), func(i int) { errs[i] = res.Delete(ctx, u, ids[i], reason) })
	return errs
}

// recordUpdate is the write of decision d on a record, whose state is
// then state.
func recordUpdate(state string, d decision) bson.M {
	set := bson.M{"state": state, "decision": d}
	switch d.Action {
	case ActDismiss, ActRestore, ActDelete:
		set["reviewed_at"] = d.At
	case ActHide:
		set["reviewed_at"], set["hidden_at"], set["auto_hidden"], set["author_told"] = d.At, d.At, false, true
		set["hide_reason"] = d.Reason
	case ActWarn:
		return bson.M{"$set": bson.M{"decision": d}, "$inc": bson.M{"warnings": 1}}
	}
	return bson.M{"$set": set}
}

// tellAuthors tells each author of the records what a moderator did and
// why: once per author and action, about their first record (a bulk
// action on a spammer's 100 posts is one notification, not 100). The
// action stands if a notification fails: it is logged.
func (s *Service) tellAuthors(ctx context.Context, in Action, recs []*record) {
	kind := map[string]string{ActHide: notify.KindModerationHidden, ActDelete: notify.KindModerationDeleted,
		ActWarn: notify.KindModerationWarning}[in.Action]
	if kind == "" {
		return
	}
	seen := map[string]bool{}
	for _, r := range recs {
		if seen[r.AuthorID] {
			continue
		}
		seen[r.AuthorID] = true
		if err := s.tell(ctx, r, kind, in.Reason, time.Time{}); err != nil {
			s.log.Error("tell the author", "record", r.ID, "err", err)
		}
	}
}

// auditActions are the audit log's codes of the actions.
var auditActions = map[string]string{ActDismiss: audit.ModerationDismiss, ActHide: audit.ModerationHide,
	ActRestore: audit.ModerationRestore, ActDelete: audit.ModerationDelete, ActWarn: audit.ModerationWarn}

// auditEntry is the entry of an action on one record.
func auditEntry(u *account.User, in Action, t target) audit.Entry {
	label := t.r.PlaceLabel
	if ex := excerpt(t.r.Snapshot); ex != "" {
		label += ": " + ex
	}
	e := audit.Entry{Actor: u.AuditActor(), Action: auditActions[in.Action],
		Target: audit.Target{Kind: auditTarget, ID: t.r.ID, Label: label}, Place: t.r.Place, Reason: in.Reason,
		Before: map[string]any{"state": t.r.State}, After: map[string]any{"state": t.state}}
	if in.Action == ActWarn {
		e.Before, e.After = map[string]any{"warnings": t.r.Warnings}, map[string]any{"warnings": t.r.Warnings + 1}
	}
	return e
}

func excerpt(s string) string {
	const n = 80
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// observe reads a record as its audit entries' after values spell it,
// for the audit log's replay.
func (s *Service) observe(ctx context.Context, rid string) (map[string]any, error) {
	r, err := s.load(ctx, rid)
	if err != nil || r == nil {
		return nil, err
	}
	return map[string]any{"state": r.State, "warnings": r.Warnings}, nil
}
