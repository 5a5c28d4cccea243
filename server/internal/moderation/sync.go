package moderation

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/outbox"
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
		if err := s.applyPending(ctx, in.Action); err != nil {
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
	recs, errs := make([]*record, len(ids)), make([]error, len(ids))
	parallel(len(ids), func(i int) { recs[i], errs[i] = s.sync(ctx, ids[i]) })
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
	if len(update) == 0 {
		return nil
	}
	if _, err := s.queue.W.UpdateOne(ctx, bson.M{"_id": queueID}, update, options.UpdateOne().SetUpsert(true)); err != nil {
		return errorf("update queue: %w", err)
	}
	// After the entries: an instance that reads the new version reads them
	// (openEntries). A crash between the two leaves the version behind
	// until the redo of this work (the outbox), which writes both again.
	if _, err := s.queue.W.UpdateOne(ctx, bson.M{"_id": queueVersionID}, bson.M{"$inc": bson.M{"v": 1}}, options.UpdateOne().SetUpsert(true)); err != nil {
		return errorf("bump queue version: %w", err)
	}
	return nil
}

// sync derives the state that follows the record: a closed record with
// new reports reopens, an open one with enough reports is hidden, a record
// whose item is gone is closed as deleted; the item's hidden flag follows
// the state; the author is told once of a hiding by reports. It returns
// the record as it is now (nil: none).
func (s *Service) sync(ctx context.Context, rid string) (*record, error) {
	defer s.lock(rid)()
	r, err := s.load(ctx, rid)
	if err != nil || r == nil {
		return r, err
	}
	res, ok := s.resolver(r.Kind)
	if !ok {
		return r, errorf("no resolver of %q items", r.Kind)
	}
	cur, exists, err := res.Current(ctx, r.ItemID)
	if err != nil {
		return r, err
	}
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
		if _, err := s.records.W.UpdateOne(ctx, bson.M{"_id": rid}, bson.M{"$set": set}); err != nil {
			return r, errorf("update record %s: %w", rid, err)
		}
		if r, err = s.load(ctx, rid); err != nil || r == nil {
			return r, err
		}
	}
	if r.State == StateDeleted {
		return r, nil
	}
	if want := r.State == StateHidden; cur.Hidden != want || (want && cur.HiddenReason != r.hideReason()) {
		if err := res.SetHidden(ctx, r.ItemID, want, r.hideReason()); err != nil {
			return r, err
		}
	}
	if r.State == StateHidden && r.AutoHidden && !r.AuthorTold {
		if err := s.tell(ctx, r, notify.KindModerationHidden, autoHideReason, r.HiddenAt); err != nil {
			return r, err
		}
		if _, err := s.records.W.UpdateOne(ctx, bson.M{"_id": rid}, bson.M{"$set": bson.M{"author_told": true}}); err != nil {
			return r, errorf("mark author told %s: %w", rid, err)
		}
		r.AuthorTold = true
	}
	return r, nil
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
