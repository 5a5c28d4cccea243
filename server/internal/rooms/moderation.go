package rooms

import (
	"context"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// Reported messages are moderated by package moderation: it reads them
// with ReportableMessage and ModerationMessage, hides them with
// SetMessageHidden and deletes them with Delete. Their id there is
// "<room id>-<seq>", as on the wire.

// ModeratedMessage is a message as the moderation reads it.
type ModeratedMessage struct {
	RoomID, RoomName     string
	Seq                  int
	AuthorID, AuthorName string
	Text                 string
	Deleted, Hidden      bool
	HiddenReason         string
}

// SplitMessageID parses "<room id>-<seq>".
func SplitMessageID(id string) (roomID string, seq int, ok bool) {
	i := strings.LastIndexByte(id, '-')
	if i <= 0 {
		return "", 0, false
	}
	seq, err := strconv.Atoi(id[i+1:])
	if err != nil || seq < 1 || !validKey(id[:i]) {
		return "", 0, false
	}
	return id[:i], seq, true
}

func (m *messageDoc) moderated(r *roomDoc) ModeratedMessage {
	out := ModeratedMessage{RoomID: r.ID, RoomName: r.Name, Seq: m.Seq, AuthorID: m.Author.ID, AuthorName: m.Author.Name,
		Text: m.Body, Deleted: m.Deleted != nil, Hidden: m.Hidden != nil}
	if m.Hidden != nil {
		out.HiddenReason = m.Hidden.Reason
	}
	return out
}

// ReportableMessage reads a message u may see and report: a message of an
// archived room may be reported, a deleted one not.
func (s *Service) ReportableMessage(ctx context.Context, u *account.User, id string) (ModeratedMessage, error) {
	roomID, seq, ok := SplitMessageID(id)
	if !ok {
		return ModeratedMessage{}, ErrMessageNotFound
	}
	r, m, err := s.target(ctx, u, roomID, seq)
	if err != nil {
		return ModeratedMessage{}, err
	}
	if err := stateErr(deny(authz.Check(authz.ReportMessage, u.Subject(), authz.Item{State: messageState(r, m) &^ authz.Archived}),
		problem.ErrForbidden, problem.ErrForbidden), r); err != nil {
		return ModeratedMessage{}, err
	}
	return m.moderated(r), nil
}

// ModerationMessage reads a message for the moderation, whoever may see it.
func (s *Service) ModerationMessage(ctx context.Context, id string) (ModeratedMessage, error) {
	roomID, seq, ok := SplitMessageID(id)
	if !ok {
		return ModeratedMessage{}, ErrMessageNotFound
	}
	r, err := s.loadRoom(ctx, roomID, false)
	if err != nil {
		return ModeratedMessage{}, err
	}
	m, err := s.message(ctx, r, seq)
	if err != nil {
		return ModeratedMessage{}, err
	}
	return m.moderated(r), nil
}

// SetMessageHidden hides a message (readers see a placeholder, its author
// the message and the reason) or shows it again, and tells the room with
// message.updated. Setting what is already set writes nothing.
func (s *Service) SetMessageHidden(ctx context.Context, id string, hidden bool, reason string) error {
	roomID, seq, ok := SplitMessageID(id)
	if !ok {
		return ErrMessageNotFound
	}
	defer s.lockMessage(messageID(roomID, seq))()
	r, err := s.loadRoom(ctx, roomID, true)
	if err != nil {
		return err
	}
	m, err := s.message(ctx, r, seq)
	if err != nil {
		return err
	}
	if (m.Hidden != nil) == hidden && (!hidden || m.Hidden.Reason == reason) {
		return nil
	}
	path := messageLayout.Path(seq, "hidden")
	update := bson.M{"$unset": bson.M{path: ""}}
	m.Hidden = nil
	if hidden {
		m.Hidden = &hiding{Reason: reason, At: s.now()}
		update = bson.M{"$set": bson.M{path: m.Hidden}}
	}
	if err := s.messages.Update(ctx, r.list(), seq, update); err != nil {
		return err
	}
	s.publish(ctx, roomTopic(r.ID), "message.updated", s.wire(ctx, r, m, ""))
	return nil
}
