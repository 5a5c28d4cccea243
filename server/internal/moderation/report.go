package moderation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// reportDoc is one participant's report, with the item as they saw it.
type reportDoc struct {
	ReporterID   string    `bson:"reporter_id"`
	ReporterName string    `bson:"reporter_name"`
	Reason       string    `bson:"reason"`
	Text         string    `bson:"text,omitempty"`
	At           time.Time `bson:"at"`
	Snapshot     string    `bson:"snapshot"`
	Nonce        string    `bson:"nonce"` // which request stored it (redo)
}

// decision is a moderator's last action on a record.
type decision struct {
	Action string    `bson:"action"`
	ByID   string    `bson:"by_id"`
	ByName string    `bson:"by_name"`
	Reason string    `bson:"reason"`
	At     time.Time `bson:"at"`
}

// record is the moderation record of one item.
type record struct {
	ID         string      `bson:"_id"`
	Kind       string      `bson:"kind"`
	ItemID     string      `bson:"item_id"`
	Place      string      `bson:"place"`
	PlaceLabel string      `bson:"place_label"`
	Link       string      `bson:"link"`
	AuthorID   string      `bson:"author_id"`
	AuthorName string      `bson:"author_name"`
	Snapshot   string      `bson:"snapshot"`
	SnapshotAt time.Time   `bson:"snapshot_at"`
	Reports    []reportDoc `bson:"reports"`
	State      string      `bson:"state"`
	// ReviewedAt is when a moderator last closed the record: reports after
	// it are open (they count towards hiding and reopen it).
	ReviewedAt time.Time `bson:"reviewed_at"`
	Decision   *decision `bson:"decision,omitempty"`
	// HiddenAt is when the record was last hidden, AutoHidden whether by
	// the reports; AuthorTold whether the author was told of that hiding.
	HiddenAt   time.Time `bson:"hidden_at"`
	AutoHidden bool      `bson:"auto_hidden"`
	AuthorTold bool      `bson:"author_told"`
	HideReason string    `bson:"hide_reason"`
	Warnings   int       `bson:"warnings"`
}

// open are the reports since the last review.
func (r *record) open() []reportDoc {
	var out []reportDoc
	for _, rep := range r.Reports {
		if rep.At.After(r.ReviewedAt) {
			out = append(out, rep)
		}
	}
	return out
}

func (r *record) queued() bool { return r.State == StateReported || r.State == StateHidden }

// hideReason is what the author is told of a hiding.
func (r *record) hideReason() string {
	if r.HideReason != "" {
		return r.HideReason
	}
	return autoHideReason
}

// autoHideReason explains a hiding by reports.
const autoHideReason = "Segnalato da più partecipanti: nascosto in attesa della revisione di un moderatore."

// Report is a participant's report of an item.
type Report struct {
	Kind   string `json:"kind" validate:"required,max=32"`
	ID     string `json:"id" validate:"required,max=200"`
	Reason string `json:"reason" validate:"required,oneof=off_topic inappropriate duplicate personal_data spam other"`
	Text   string `json:"text" validate:"max=1000,nocontrol"`
}

// Report records u's report of an item, once per user and item (409
// already_reported), with a snapshot of the item as it is now; the record
// keeps the first report's snapshot. The item is hidden when its open
// reports reach the threshold.
func (s *Service) Report(ctx context.Context, u *account.User, in Report) (err error) {
	in.Text = strings.TrimSpace(in.Text)
	if err := problem.Validate(in); err != nil {
		return err
	}
	if in.Reason == ReasonOther && in.Text == "" {
		return problem.ErrInvalid.With(map[string]string{"text": fieldOtherText})
	}
	res, ok := s.resolver(in.Kind)
	if !ok {
		return problem.ErrInvalid.With(map[string]string{"kind": fieldKind})
	}
	if !itemIDs.MatchString(in.ID) {
		return ErrItemNotFound
	}
	if v := authz.Check(authz.ReportItem, u.Subject(), authz.Item{}); v.Denial != authz.Allowed {
		return problem.ErrForbidden
	}
	it, err := res.Reportable(ctx, u, in.ID)
	if err != nil {
		return err
	}
	if it.Deleted {
		return ErrItemDeleted
	}
	rid := RecordID(in.Kind, in.ID)
	now := s.now()
	text := clip(it.Text)
	rep := reportDoc{ReporterID: u.ID, ReporterName: u.Name, Reason: in.Reason, Text: in.Text, At: now, Snapshot: text, Nonce: newNonce()}
	pending := &pendingReport{Record: rid, Kind: in.Kind, ItemID: in.ID, Item: it, Report: rep}
	w, err := s.deps.Outbox.Record(ctx, syncKind, syncWork{IDs: []string{rid}, Report: pending})
	if err != nil {
		return err
	}
	defer func() {
		failed := err
		if errors.Is(failed, ErrAlreadyReported) {
			failed = nil // a refusal: nothing to redo
		}
		w.End(failed)
	}()
	// One report per user and item: the marker's insert is the atomic
	// check (a filter on the record is not, on the embedded store, for
	// reports racing on one record).
	_, err = s.marks.W.InsertOne(ctx, bson.M{"_id": rid + "/" + u.ID, "nonce": rep.Nonce, "at": now})
	if mongo.IsDuplicateKeyError(err) {
		return ErrAlreadyReported
	}
	if err != nil {
		return errorf("mark report %s: %w", rid, err)
	}
	if err := s.push(ctx, pending); err != nil {
		return err
	}
	return s.syncAndAnnounce(ctx, []string{rid})
}

// pendingReport is a report as its outbox record keeps it, so that a redo
// stores a report whose marker was stored but not the report itself.
type pendingReport struct {
	Record string    `bson:"record"`
	Kind   string    `bson:"kind"`
	ItemID string    `bson:"item_id"`
	Item   Item      `bson:"item"`
	Report reportDoc `bson:"report"`
}

// push adds the report to its record (created with the first), unless the
// reporter is in it already (a redo). On MongoDB the filter says so; the
// embedded store would scan the whole collection for it (README,
// "embedded store"), so there, with this process the only writer, the
// record is read under its lock and the filter is the _id alone.
func (s *Service) push(ctx context.Context, p *pendingReport) error {
	rid, it, rep := p.Record, p.Item, p.Report
	filter := bson.M{"_id": rid, "reports.reporter_id": bson.M{"$ne": rep.ReporterID}}
	if s.deps.Store.SoleWriter() {
		defer s.locks.Lock(rid)()
		r, err := s.load(ctx, rid)
		if err != nil {
			return err
		}
		if r != nil && slices.ContainsFunc(r.Reports, func(x reportDoc) bool { return x.ReporterID == rep.ReporterID }) {
			return nil
		}
		filter = bson.M{"_id": rid}
	}
	_, err := s.records.W.UpdateOne(ctx, filter,
		bson.M{
			"$push": bson.M{"reports": rep},
			"$set":  bson.M{"place_label": it.PlaceLabel, "link": it.Link},
			"$setOnInsert": bson.M{"kind": p.Kind, "item_id": p.ItemID, "place": it.Place, "author_id": it.AuthorID,
				"author_name": it.AuthorName, "snapshot": rep.Snapshot, "snapshot_at": rep.At, "state": StateReported,
				"reviewed_at": time.Time{}, "hidden_at": time.Time{}, "auto_hidden": false, "author_told": false, "warnings": 0},
		}, options.UpdateOne().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		// Another reporter's upsert created the record meanwhile (or, in
		// a redo, this report is in): add it to the record now there.
		_, err = s.records.W.UpdateOne(ctx, filter, bson.M{"$push": bson.M{"reports": rep}})
	}
	if err != nil {
		return errorf("store report %s: %w", rid, err)
	}
	return nil
}

// redoReport stores the report of a request cut off after its marker:
// only the work whose nonce the marker holds (the one that won).
func (s *Service) redoReport(ctx context.Context, p *pendingReport) error {
	var mark struct {
		Nonce string `bson:"nonce"`
	}
	err := s.marks.W.FindOne(ctx, bson.M{"_id": p.Record + "/" + p.Report.ReporterID}).Decode(&mark)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil // cut off before the marker: never reported
	}
	if err != nil {
		return errorf("read report mark: %w", err)
	}
	if mark.Nonce != p.Report.Nonce {
		return nil
	}
	return s.push(ctx, p)
}

func newNonce() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// clip bounds a snapshot.
func clip(text string) string {
	if r := []rune(text); len(r) > maxText {
		return string(r[:maxText-1]) + "…"
	}
	return text
}

func (s *Service) load(ctx context.Context, rid string) (*record, error) {
	var r record
	err := s.records.W.FindOne(ctx, bson.M{"_id": rid}).Decode(&r)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, errorf("read record %s: %w", rid, err)
	}
	return &r, nil
}
