package rooms

import (
	"context"
	"errors"
	"fmt"
	"maps"
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

// MessageHiding is a message to hide, with the reason shown to its
// author, or to show again.
type MessageHiding struct {
	ID     string
	Hidden bool
	Reason string
}

// SetMessageHidden hides a message or shows it again (SetMessagesHidden).
func (s *Service) SetMessageHidden(ctx context.Context, id string, hidden bool, reason string) error {
	return s.SetMessagesHidden(ctx, []MessageHiding{{ID: id, Hidden: hidden, Reason: reason}})
}

// SetMessagesHidden hides messages (readers see a placeholder, their
// authors the message and the reason) or shows them again, and tells each
// room with message.updated. The messages of a bucket change in one write
// of it (a bulk action on 100 is a few writes, not 100). Setting what is
// already set writes nothing; a message that does not exist fails with
// ErrMessageNotFound, and the others are still set.
func (s *Service) SetMessagesHidden(ctx context.Context, hs []MessageHiding) error {
	var errs []error
	byRoom := map[string][]MessageHiding{}
	var ids []string
	for _, h := range hs {
		roomID, seq, ok := SplitMessageID(h.ID)
		if !ok {
			errs = append(errs, fmt.Errorf("hide message %s: %w", h.ID, ErrMessageNotFound))
			continue
		}
		byRoom[roomID] = append(byRoom[roomID], h)
		ids = append(ids, messageID(roomID, seq))
	}
	defer s.messageLocks.LockAll(ids)()
	for roomID, hs := range byRoom {
		if err := s.setHiddenIn(ctx, roomID, hs); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// setHiddenIn sets the hidden flags of messages of room roomID.
func (s *Service) setHiddenIn(ctx context.Context, roomID string, hs []MessageHiding) error {
	r, err := s.loadRoom(ctx, roomID, true)
	if err != nil {
		return err
	}
	var errs []error
	var changed []*messageDoc
	// Each bucket read once, however many of its messages are named.
	held := map[int]*messageDoc{}
	read := map[int]bool{}
	for _, h := range hs {
		_, seq, _ := SplitMessageID(h.ID)
		if first := messageLayout.First(r.list(), seq); !read[first] && seq >= 1 && seq <= r.Head {
			read[first] = true
			got, err := s.messages.Load(ctx, r.list(), first, first)
			if err != nil {
				return err
			}
			maps.Copy(held, got)
		}
	}
	updates := map[int]bson.M{} // seq → its update
	for _, h := range hs {
		_, seq, _ := SplitMessageID(h.ID)
		m := held[seq]
		if m == nil || seq > r.Head {
			errs = append(errs, fmt.Errorf("hide message %s: %w", h.ID, ErrMessageNotFound))
			continue
		}
		if (m.Hidden != nil) == h.Hidden && (!h.Hidden || m.Hidden.Reason == h.Reason) {
			continue
		}
		path := messageLayout.Path(seq, "hidden")
		m.Hidden = nil
		updates[seq] = bson.M{"$unset": bson.M{path: ""}}
		if h.Hidden {
			m.Hidden = &hiding{Reason: h.Reason, At: s.now()}
			updates[seq] = bson.M{"$set": bson.M{path: m.Hidden}}
		}
		changed = append(changed, m)
	}
	if err := s.messages.UpdateMany(ctx, r.list(), updates); err != nil {
		return errors.Join(append(errs, err)...)
	}
	events := make([]any, len(changed))
	for i, m := range changed {
		events[i] = s.wire(ctx, r, m, "")
	}
	if len(events) > 0 {
		if err := s.deps.Publisher.PublishAll(ctx, roomTopic(r.ID), "message.updated", events); err != nil {
			s.log.Error("publish", "room", r.ID, "event", "message.updated", "n", len(events), "err", err)
		}
	}
	return errors.Join(errs...)
}
