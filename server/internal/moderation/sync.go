package moderation

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/store"
)

// syncWork is the outbox record of a report or an action: the records
// whose derived state (item hidden, queue entry, author told) follows.
type syncWork struct {
	IDs    []string       `bson:"ids"`
	Report *pendingReport `bson:"report,omitempty"` // a report to store first
	Action *pendingAction `bson:"action,omitempty"` // a bulk action to write first
}

// redo finishes the sync of records a crash cut off.
func (s *Service) redo(ctx context.Context, w *outbox.Work) error {
	var in syncWork
	if err := w.Entry().Decode(&in); err != nil {
		return err
	}
	if in.Report != nil {
		if err := s.redoReport(ctx, in.Report); err != nil {
			return err
		}
	}
	if in.Action != nil {
		ids := make([]string, len(in.Action.Targets))
		for i, t := range in.Action.Targets {
			ids[i] = t.ID
		}
		unlock := s.locks.LockAll(ids)
		err := s.applyPending(ctx, in.Action)
		unlock()
		if err != nil {
			return err
		}
	}
	return s.syncAndAnnounce(ctx, in.IDs)
}

// QueueChanged is the data of queue.changed: the records that changed
// (a client refetches its page).
type QueueChanged struct {
	IDs []string `json:"ids"`
}

// syncAndAnnounce brings the records' derived state in line, updates the
// queue document once for all of them and tells the moderators.
func (s *Service) syncAndAnnounce(ctx context.Context, ids []string) error {
	unlock := s.locks.LockAll(ids)
	recs, errs := s.syncAll(ctx, ids)
	unlock()
	var now []*record // the records synced (nil: gone), for the queue
	var gone []string
	for i, rid := range ids {
		switch {
		case errs[i] != nil:
		case recs[i] == nil:
			gone = append(gone, rid)
		default:
			now = append(now, recs[i])
		}
	}
	if err := s.writeQueue(ctx, now, gone); err != nil {
		errs = append(errs, err)
	}
	if _, err := s.deps.Publisher.Publish(ctx, Topic, EventQueueChanged, QueueChanged{IDs: ids}); err != nil {
		s.log.Error("publish queue change", "err", err)
	}
	return errors.Join(errs...)
}

// Hiding is an item to hide, with the reason shown to its author, or to
// show again.
type Hiding struct {
	ID     string
	Hidden bool
	Reason string
}

// BatchHider is a resolver that hides many items at once: a bulk action's
// items that share storage (a thread's posts) change in one write.
type BatchHider interface {
	SetHiddenMany(ctx context.Context, hs []Hiding) error
}

// syncAll syncs records ids (see sync) under their locks, which the caller
// holds: the records read in parallel and their items a kind at a time
// (in a batch when the resolver can), each record's state decided, then
// the items' hidden flags set a kind at a time (in one batch when the
// resolver can), then the authors told. Every record's write is under its
// lock, so the readers (not behind the writer's queue) see the last one.
// It returns each record as it is now (nil: none) and its error.
func (s *Service) syncAll(ctx context.Context, ids []string) ([]*record, []error) {
	recs, hides, errs := make([]*record, len(ids)), make([]*Hiding, len(ids)), make([]error, len(ids))
	loaded, err := store.Load[record](ctx, s.records, ids)
	if err != nil {
		for i := range errs {
			errs[i] = errorf("read records: %w", err)
		}
		return recs, errs
	}
	byKind := map[string][]int{} // positions of each kind's records
	for i := range loaded {
		if loaded[i].ID != "" {
			recs[i] = &loaded[i]
			byKind[recs[i].Kind] = append(byKind[recs[i].Kind], i)
		}
	}
	s.forKinds(byKind, func(i int) string { return recs[i].ItemID }, errs, func(res Resolver, at []int, itemIDs []string) {
		items, err := currents(ctx, res, itemIDs)
		if err != nil {
			for _, i := range at {
				errs[i] = err
			}
			return
		}
		parallel(len(at), func(j int) {
			i := at[j]
			cur, exists := items[recs[i].ItemID]
			recs[i], hides[i], errs[i] = s.sync(ctx, recs[i], cur, exists)
		})
		var hs []Hiding
		var hidden []int
		for _, i := range at {
			if hides[i] != nil && errs[i] == nil {
				hs, hidden = append(hs, *hides[i]), append(hidden, i)
			}
		}
		if len(hs) == 0 {
			return
		}
		if err := setHidden(ctx, res, hs); err != nil {
			for _, i := range hidden {
				errs[i] = err
			}
		}
	})
	parallel(len(ids), func(i int) {
		if errs[i] == nil && recs[i] != nil {
			errs[i] = s.tellHidden(ctx, recs[i])
		}
	})
	return recs, errs
}

// forKinds calls fn once for each kind of byKind (positions by kind) with
// its resolver, the positions and their items' ids (itemID(i)); the
// positions of a kind with no resolver get an error in errs (when not nil)
// and are left out.
func (s *Service) forKinds(byKind map[string][]int, itemID func(i int) string, errs []error, fn func(res Resolver, at []int, itemIDs []string)) {
	for kind, at := range byKind {
		res, ok := s.resolver(kind)
		if !ok {
			for _, i := range at {
				if errs != nil {
					errs[i] = errorf("no resolver of %q items", kind)
				}
			}
			continue
		}
		itemIDs := make([]string, len(at))
		for j, i := range at {
			itemIDs[j] = itemID(i)
		}
		fn(res, at, itemIDs)
	}
}

// setHidden hides or shows items of res, in one batch when it can.
func setHidden(ctx context.Context, res Resolver, hs []Hiding) error {
	if b, ok := res.(BatchHider); ok {
		return b.SetHiddenMany(ctx, hs)
	}
	errs := make([]error, len(hs))
	parallel(len(hs), func(i int) { errs[i] = res.SetHidden(ctx, hs[i].ID, hs[i].Hidden, hs[i].Reason) })
	return errors.Join(errs...)
}

// writeQueue sets the queue entries of recs (or drops those out of the
// queue) and drops the ids gone, in one write of the queue document.
func (s *Service) writeQueue(ctx context.Context, recs []*record, gone []string) error {
	set, unset := bson.M{}, bson.M{}
	for _, r := range recs {
		if r.queued() {
			set["items."+r.ID] = r.entry()
		} else {
			unset["items."+r.ID] = ""
		}
	}
	for _, rid := range gone {
		unset["items."+rid] = ""
	}
	update := bson.M{}
	if len(set) > 0 {
		update["$set"] = set
	}
	if len(unset) > 0 {
		update["$unset"] = unset
	}
	if len(update) > 0 {
		if _, err := s.queue.W.UpdateOne(ctx, bson.M{"_id": queueID}, update, options.UpdateOne().SetUpsert(true)); err != nil {
			return errorf("update queue: %w", err)
		}
	}
	// After the entries: an instance that reads the new version reads them
	// (openEntries). A crash between the two leaves the version behind
	// until the redo of this work (the outbox), which writes both again.
	// The version moves even with no entry to write: records written
	// before (a sync that failed) drop out of the pages' copies.
	if _, err := s.queue.W.UpdateOne(ctx, bson.M{"_id": queueVersionID}, bson.M{"$inc": bson.M{"v": 1}}, options.UpdateOne().SetUpsert(true)); err != nil {
		return errorf("bump queue version: %w", err)
	}
	return nil
}

// sync derives the state that follows record r, whose item is cur (not
// exists: gone): a closed record with new reports reopens, an open one
// with enough reports is hidden, a record whose item is gone is closed as
// deleted. It returns the record as it is now (nil: none) and, when the
// item's hidden flag does not follow its state, the change to make. The
// caller holds the record's lock.
func (s *Service) sync(ctx context.Context, r *record, cur Item, exists bool) (*record, *Hiding, error) {
	set := bson.M{}
	switch {
	case !exists || cur.Deleted:
		if r.State != StateDeleted {
			set["state"] = StateDeleted
		}
	case (r.State == StateDismissed || r.State == StateRestored) && len(r.open()) > 0:
		set["state"] = StateReported
		if len(r.open()) >= s.deps.HideAfter {
			set["state"], set["hidden_at"], set["auto_hidden"], set["author_told"], set["hide_reason"] = StateHidden, s.now(), true, false, autoHideReason
		}
	case r.State == StateReported && len(r.open()) >= s.deps.HideAfter:
		set["state"], set["hidden_at"], set["auto_hidden"], set["author_told"], set["hide_reason"] = StateHidden, s.now(), true, false, autoHideReason
	}
	if len(set) > 0 {
		if _, err := s.records.W.UpdateOne(ctx, bson.M{"_id": r.ID}, bson.M{"$set": set}); err != nil {
			return r, nil, errorf("update record %s: %w", r.ID, err)
		}
		rid := r.ID
		var err error
		if r, err = s.load(ctx, rid); err != nil || r == nil {
			return r, nil, err
		}
	}
	if r.State == StateDeleted {
		return r, nil, nil
	}
	if want := r.State == StateHidden; cur.Hidden != want || (want && cur.HiddenReason != r.hideReason()) {
		return r, &Hiding{ID: r.ItemID, Hidden: want, Reason: r.hideReason()}, nil
	}
	return r, nil, nil
}

// tellHidden tells the author once of a hiding by reports, after the item
// is hidden. The caller holds the record's lock.
func (s *Service) tellHidden(ctx context.Context, r *record) error {
	if r.State != StateHidden || !r.AutoHidden || r.AuthorTold {
		return nil
	}
	if err := s.tell(ctx, r, notify.KindModerationHidden, autoHideReason, r.HiddenAt); err != nil {
		return err
	}
	if _, err := s.records.W.UpdateOne(ctx, bson.M{"_id": r.ID}, bson.M{"$set": bson.M{"author_told": true}}); err != nil {
		return errorf("mark author told %s: %w", r.ID, err)
	}
	r.AuthorTold = true
	return nil
}

// tell notifies the item's author; since is when the work began, so that
// a redo does not tell twice.
func (s *Service) tell(ctx context.Context, r *record, kind, reason string, since time.Time) error {
	if r.AuthorID == "" {
		return nil
	}
	// PostID is the record's id, "<kind>:<item id>": the client links a
	// post and a room message differently.
	return s.deps.Notifier.Notify(ctx, notify.Input{UserIDs: []string{r.AuthorID}, Kind: kind, ThreadID: r.Place,
		PostID: r.ID, ThreadTitle: r.PlaceLabel, Excerpt: reason, Redo: since})
}
