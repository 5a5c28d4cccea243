package cellnotes

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/markdown"
	"github.com/cantieri/tavolo/server/internal/modhold"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/randid"
	"github.com/cantieri/tavolo/server/internal/store/shard"
)

// Reported comments are moderated by package moderation, which knows a
// comment as "<experience id>-<n>": it reads them with ReportableComment and
// ModerationComment, hides them with SetCommentHidden and deletes them with
// DeleteComment. A hidden or deleted comment stays in its place: its author
// and moderators read it with the reason, every other reader a placeholder
// that says a moderator acted; the exports leave it out.

// A moderator's hold on a comment: stored (noteDoc/recordDoc.Moderated) and
// as readers are told of it.
type (
	moderatedDoc = modhold.Doc
	Moderated    = modhold.View
)

// Moderation states of a comment.
const (
	ModHidden  = modhold.Hidden
	ModDeleted = modhold.Deleted
)

// ErrCommentNotFound is a comment id that names no comment.
var ErrCommentNotFound = problem.Define(problem.NotFound, "cell_comment_not_found", "Commento inesistente.", "No such comment.")

// CommentID is the moderation's id of comment n of record id.
func CommentID(id string, n int) string { return id + "-" + strconv.Itoa(n) }

// SplitCommentID parses "<experience id>-<n>".
func SplitCommentID(id string) (expID string, n int, ok bool) {
	i := strings.LastIndexByte(id, '-')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil || n < 1 || !randid.Valid(id[:i]) {
		return "", 0, false
	}
	return id[:i], n, true
}

// seesNote says whether u reads a moderated comment as it is: its author
// and moderators.
func seesNote(u *account.User, n *noteDoc) bool {
	return u != nil && (u.ID == n.AuthorID || authz.Can(authz.ModerateItem, u.Subject(), authz.Item{}))
}

// ModeratedComment is a comment as the moderation reads it.
type ModeratedComment struct {
	ExperienceID, ExperienceTitle string
	Field, FieldLabel             string // its key, its Italian label
	AuthorID, AuthorName          string
	Text                          string // plain text
	Hidden, Deleted               bool
	HiddenReason                  string
}

func (n *noteDoc) moderation(id string, c experiences.Cells) ModeratedComment {
	var title string
	_ = json.Unmarshal(c.Values["titolo"], &title) // absent: no title
	out := ModeratedComment{ExperienceID: id, ExperienceTitle: title, Field: n.Field, FieldLabel: fieldLabel(n.Field), AuthorID: n.AuthorID,
		AuthorName: n.AuthorName, Text: markdown.PlainText(n.Body)}
	if m := n.Moderated; m != nil {
		out.Hidden, out.Deleted, out.HiddenReason = m.State == ModHidden, m.State == ModDeleted, m.Reason
	}
	return out
}

// note reads comment n of record id.
func (s *Service) note(ctx context.Context, id string, n int) (*noteDoc, *headDoc, error) {
	h, err := s.head(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	note, ok, err := s.items.Get(ctx, h.ref(), n)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, ErrCommentNotFound
	}
	return &note, &h, nil
}

// ReportableComment reads a comment u may read and report.
func (s *Service) ReportableComment(ctx context.Context, u *account.User, cid string) (ModeratedComment, error) {
	id, n, ok := SplitCommentID(cid)
	if !ok {
		return ModeratedComment{}, ErrCommentNotFound
	}
	cells, err := s.readable(ctx, u, id, authz.ReadCellComments)
	if err != nil {
		return ModeratedComment{}, err
	}
	if !authz.Can(authz.ReportCellComment, u.Subject(), cells.Item) {
		return ModeratedComment{}, problem.ErrForbidden
	}
	note, _, err := s.note(ctx, id, n)
	if err != nil {
		return ModeratedComment{}, err
	}
	return note.moderation(id, cells), nil
}

// ModerationComment reads a comment for the moderation, whoever may read it.
func (s *Service) ModerationComment(ctx context.Context, cid string) (ModeratedComment, error) {
	id, n, ok := SplitCommentID(cid)
	if !ok {
		return ModeratedComment{}, ErrCommentNotFound
	}
	note, _, err := s.note(ctx, id, n)
	if err != nil {
		return ModeratedComment{}, err
	}
	cells, err := s.deps.Records.CellsOf(ctx, []string{id})
	if err != nil {
		return ModeratedComment{}, err
	}
	return note.moderation(id, cells[id]), nil
}

// SetCommentHidden hides a comment (reason shown to its author) or shows it
// again; a deleted comment stays deleted. Setting what is set writes nothing.
func (s *Service) SetCommentHidden(ctx context.Context, cid string, hidden bool, reason string) error {
	if hidden {
		return s.setModerated(ctx, cid, &moderatedDoc{State: ModHidden, Reason: reason})
	}
	return s.setModerated(ctx, cid, nil)
}

// DeleteComment removes a comment for good: its place says a moderator
// removed it.
func (s *Service) DeleteComment(ctx context.Context, cid, reason string) error {
	return s.setModerated(ctx, cid, &moderatedDoc{State: ModDeleted, Reason: reason})
}

func (s *Service) setModerated(ctx context.Context, cid string, m *moderatedDoc) error {
	id, n, ok := SplitCommentID(cid)
	if !ok {
		return ErrCommentNotFound
	}
	mu := &s.modLocks[shard.Hash(cid)%uint32(len(s.modLocks))]
	mu.Lock()
	defer mu.Unlock()
	note, h, err := s.note(ctx, id, n)
	if err != nil {
		return err
	}
	cur := note.Moderated
	switch {
	case cur != nil && cur.State == ModDeleted:
		return nil // deleted for good
	case cur == nil && m == nil, cur != nil && m != nil && cur.State == m.State && cur.Reason == m.Reason:
		return nil
	}
	path := itemLayout.Path(n, "moderated")
	update := bson.M{"$unset": bson.M{path: ""}}
	if m != nil {
		m.At = s.now()
		update = bson.M{"$set": bson.M{path: m}}
	}
	if err := s.items.Update(ctx, h.ref(), n, update); err != nil {
		return err
	}
	note.Moderated = m
	// The comment is hidden or shown already; a lost event leaves open
	// views as they were until they reload.
	if err := s.publish(ctx, id, note, EventUpdated); err != nil {
		s.log.Error("publish comment moderation", "experience", id, "err", err)
	}
	return nil
}

// EventUpdated is published on the record's topic when a moderator hides,
// shows or deletes a comment, with the comment as any reader sees it (a
// placeholder without text while moderated): open views put it in place.
const EventUpdated = "comment.updated"

// fieldLabel is a cell's Italian label: the field's, and its part's
// ("Penali · previste").
func fieldLabel(key string) string {
	field, part, _ := strings.Cut(key, ".")
	label := field
	for _, l := range experiences.FieldLabels {
		if l.Field == field {
			label = l.IT
		}
	}
	if part == "" {
		return label
	}
	if p, ok := partLabels[part]; ok {
		return label + " · " + p[0]
	}
	if o, ok := labels["fattori_critici"][part]; ok {
		return label + " · " + o.IT
	}
	return label + " · " + part
}
