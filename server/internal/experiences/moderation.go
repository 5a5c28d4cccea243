package experiences

import (
	"context"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/markdown"
	"github.com/cantieri/tavolo/server/internal/modhold"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/randid"
)

// Reported records are moderated by package moderation: it reads them with
// ReportableExperience and ModerationExperience, hides them with
// SetExperienceHidden and deletes them with DeleteExperience. A hidden or
// deleted record is shown as it is to its administration (who wrote it)
// and to moderators, with the reason; every other reader gets a placeholder
// from Get and nothing from the other reads (list, history, cells and
// their comments, comparison tables and their exports, files).

// A moderator's hold on a record: stored (noteDoc/recordDoc.Moderated) and
// as readers are told of it.
type (
	moderatedDoc = modhold.Doc
	Moderated    = modhold.View
)

// Moderation states of a record.
const (
	ModHidden  = modhold.Hidden
	ModDeleted = modhold.Deleted
)

// ErrModerated is a record a moderator hid or deleted, read by someone
// who only gets its placeholder.
var ErrModerated = problem.Define(problem.NotFound, "experience_moderated",
	"Un moderatore ha nascosto questa esperienza.", "A moderator has hidden this experience.")

// seesModerated says whether sub sees a hidden record as it is: those who
// may edit it (its administration, moderators).
func seesModerated(sub authz.Subject, it authz.Item) bool {
	return authz.Can(authz.EditExperience, sub, it)
}

// placeholder is a moderated record as a reader who may not see it reads
// it: which record, whose, and that a moderator acted.
func placeholder(d *recordDoc) Experience {
	return Experience{ID: d.ID, Version: d.Version, Status: d.Status, Amministrazione: Administration(d.Administration),
		Warnings: []Notice{}, Atti: []Document{}, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, PublishedAt: d.PublishedAt,
		Moderated: &Moderated{State: d.Moderated.State}}
}

// ModeratedExperience is a record as the moderation reads it.
type ModeratedExperience struct {
	ID, Titolo           string
	AdministrationID     string
	AdministrationName   string
	AuthorID, AuthorName string
	Text                 string // what a reader reads of it, as plain text
	Draft                bool
	Hidden, Deleted      bool
	HiddenReason         string
}

func (d *recordDoc) moderated() (ModeratedExperience, error) {
	f, err := d.fields()
	if err != nil {
		return ModeratedExperience{}, err
	}
	text := f.Titolo
	if p := strings.TrimSpace(markdown.PlainText(f.LezioniApprese)); p != "" {
		text += "\n\n" + p
	}
	out := ModeratedExperience{ID: d.ID, Titolo: f.Titolo, AdministrationID: d.Administration.ID,
		AdministrationName: d.Administration.Name, AuthorID: d.CreatedBy, AuthorName: d.CreatedByName, Text: text,
		Draft: d.Status == StatusDraft}
	if m := d.Moderated; m != nil {
		out.Hidden, out.Deleted, out.HiddenReason = m.State == ModHidden, m.State == ModDeleted, m.Reason
	}
	return out, nil
}

// ReportableExperience reads a record u may read and report: a published
// one (a draft is not public yet).
func (s *Service) ReportableExperience(ctx context.Context, u *account.User, id string) (ModeratedExperience, error) {
	d, err := s.loadFor(ctx, u, id, authz.ReadExperience)
	if err != nil {
		return ModeratedExperience{}, err
	}
	if !authz.Can(authz.ReportExperience, u.Subject(), d.item()) {
		return ModeratedExperience{}, problem.ErrForbidden
	}
	return d.moderated()
}

// ModerationExperience reads a record for the moderation, whoever may read it.
func (s *Service) ModerationExperience(ctx context.Context, id string) (ModeratedExperience, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return ModeratedExperience{}, err
	}
	return d.moderated()
}

// SetExperienceHidden hides a record (reason shown to its administration)
// or shows it again. It is not a version of the record: the content stays
// as it was. Setting what is already set writes nothing; a deleted record
// stays deleted.
func (s *Service) SetExperienceHidden(ctx context.Context, id string, hidden bool, reason string) error {
	if hidden {
		return s.setModerated(ctx, id, &moderatedDoc{State: ModHidden, Reason: reason})
	}
	return s.setModerated(ctx, id, nil)
}

// DeleteExperience removes a record from every reader for good (its
// administration still sees it, with the reason, and may not change it).
func (s *Service) DeleteExperience(ctx context.Context, id, reason string) error {
	return s.setModerated(ctx, id, &moderatedDoc{State: ModDeleted, Reason: reason})
}

func (s *Service) setModerated(ctx context.Context, id string, m *moderatedDoc) error {
	if !randid.Valid(id) {
		return ErrNotFound
	}
	defer s.lock(id)()
	d, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	cur := d.Moderated
	switch {
	case cur != nil && cur.State == ModDeleted:
		return nil // deleted for good
	case cur == nil && m == nil, cur != nil && m != nil && cur.State == m.State && cur.Reason == m.Reason:
		return nil
	}
	update := bson.M{"$unset": bson.M{"moderated": ""}}
	if m != nil {
		m.At = s.now()
		update = bson.M{"$set": bson.M{"moderated": m}}
	}
	if _, err := s.heads.W.UpdateOne(ctx, bson.M{"_id": id}, update); err != nil {
		return fmt.Errorf("moderate experience %s: %w", id, err)
	}
	d.Moderated = m
	f, err := d.fields()
	if err != nil {
		return err
	}
	s.index.put(d, &f)
	// Open views refetch (the record page, the tables comparing it).
	if err := s.publishUpdated(ctx, Updated{ID: id, Version: d.Version, Changed: []string{"moderated"}, UpdatedAt: d.UpdatedAt}); err != nil {
		s.log.Error("publish moderation of record", "experience", id, "err", err)
	}
	return nil
}
