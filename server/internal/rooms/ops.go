package rooms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/problem"
)

func messageState(r *roomDoc, m *messageDoc) authz.State {
	st := r.state()
	if m.Deleted != nil {
		st |= authz.Deleted
	}
	return st
}

// target loads a room u may enter and one of its messages u may see.
func (s *Service) target(ctx context.Context, u *account.User, roomID string, seq int) (*roomDoc, *messageDoc, error) {
	r, err := s.enter(ctx, u, roomID)
	if err != nil {
		return nil, nil, err
	}
	mem, err := s.member(ctx, r.ID, u.ID, false)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.visible(ctx, r, u, mem, seq)
	return r, m, err
}

// deny answers a refusal of the table with the rooms' errors.
func deny(v authz.Verdict, byRole, byOwner error) error {
	switch v.Denial {
	case authz.Allowed:
		return nil
	case authz.ByOwner:
		return byOwner
	case authz.ByState:
		return errState
	default:
		return byRole
	}
}

// errState is refined by the caller: archived room or deleted message.
var errState = errors.New("state")

func stateErr(err error, r *roomDoc) error {
	if errors.Is(err, errState) {
		if r.Archived {
			return ErrRoomArchived
		}
		return ErrMessageDeleted
	}
	return err
}

// MessageEdit replaces a message's body.
type MessageEdit struct {
	Body string `json:"body" validate:"required,notblank,nocontrol"`
}

// Edit replaces u's own message's body within the edit window, keeping
// the old version for moderators.
func (s *Service) Edit(ctx context.Context, u *account.User, roomID string, seq int, in MessageEdit) (Message, error) {
	if err := problem.Validate(in); err != nil {
		return Message{}, err
	}
	if utf8.RuneCountInString(in.Body) > MaxBody {
		return Message{}, ErrMessageTooLong
	}
	defer s.messageLocks.Lock(messageID(roomID, seq))()
	r, m, err := s.target(ctx, u, roomID, seq)
	if err != nil {
		return Message{}, err
	}
	v := authz.Check(authz.EditMessage, u.Subject(), authz.Item{OwnerID: m.Author.ID, State: messageState(r, m)})
	if err := stateErr(deny(v, ErrNotAuthor, ErrNotAuthor), r); err != nil {
		return Message{}, err
	}
	if v.OwnOnly && s.deps.Now().After(m.CreatedAt.Add(s.deps.EditWindow)) {
		return Message{}, ErrEditWindowClosed
	}
	html, ment, err := s.render(ctx, in.Body)
	if err != nil {
		return Message{}, err
	}
	old := forum.Version{N: m.EditCount + 1, Body: m.Body, HTML: m.HTML, EditedAt: m.CreatedAt, EditorName: m.Author.Name}
	if m.EditedAt != nil {
		old.EditedAt = *m.EditedAt
	}
	id := messageID(r.ID, seq)
	if _, err := s.deps.Store.C(colHistory).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$addToSet": bson.M{"versions": old}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return Message{}, fmt.Errorf("keep history of %s: %w", id, err)
	}
	oldMentions := m.Mentions
	m.Body, m.HTML, m.Mentions = in.Body, html, ment
	if err := s.attach(ctx, u.ID, r.ID, m); err != nil {
		return Message{}, err
	}
	now := s.now()
	key := messageLayout.Path(seq, "")
	if err := s.messages.Update(ctx, r.list(), seq, bson.M{"$set": bson.M{key + ".body": in.Body, key + ".html": html,
		key + ".mentions": ment, key + ".edited_at": now}, "$inc": bson.M{key + ".edit_count": 1}}); err != nil {
		return Message{}, err
	}
	m.EditedAt, m.EditCount = &now, m.EditCount+1
	s.publish(ctx, roomTopic(r.ID), "message.updated", s.wire(ctx, r, m, ""))
	// Those the edit mentions for the first time are told, as forum edits do.
	added := *m
	added.Mentions = mentions{Users: newOnes(ment.Users, oldMentions.Users), Administrations: newOnes(ment.Administrations, oldMentions.Administrations)}
	if err := s.notifyMentions(ctx, r, &added, time.Time{}); err != nil {
		s.log.Error("notify mentions of an edit", "room", r.ID, "seq", seq, "err", err)
	}
	return s.wire(ctx, r, m, u.ID), nil
}

// Delete deletes u's own message, or any as a moderator. The body stays
// for moderators; readers see a placeholder. Deleting twice is harmless.
func (s *Service) Delete(ctx context.Context, u *account.User, roomID string, seq int) (Message, error) {
	defer s.messageLocks.Lock(messageID(roomID, seq))()
	r, m, err := s.target(ctx, u, roomID, seq)
	if err != nil {
		return Message{}, err
	}
	if m.Deleted != nil {
		return s.wire(ctx, r, m, u.ID), nil
	}
	v := authz.Check(authz.DeleteMessage, u.Subject(), authz.Item{OwnerID: m.Author.ID, State: r.state()})
	if err := stateErr(deny(v, ErrNotAuthor, ErrNotAuthor), r); err != nil {
		return Message{}, err
	}
	rec, err := s.deps.Audit.Begin(ctx, messageDeletion(u, r, m)...)
	if err != nil {
		return Message{}, err
	}
	m.Deleted = &deletion{UserID: u.ID, Name: u.Name, At: s.now(), ByModerator: u.ID != m.Author.ID}
	// The message first: a crash before gone is written leaves a deleted
	// message counted as unread, never a live one skipped.
	err = s.messages.Update(ctx, r.list(), seq, bson.M{"$set": bson.M{messageLayout.Path(seq, "deleted"): m.Deleted}})
	rec.Done(ctx, err)
	if err != nil {
		return Message{}, err
	}
	if err := s.markGone(ctx, r.ID, seq); err != nil {
		return Message{}, err
	}
	s.publish(ctx, roomTopic(r.ID), "message.updated", s.wire(ctx, r, m, ""))
	return s.wire(ctx, r, m, u.ID), nil
}

// History lists a message's older versions, newest first, to moderators;
// a deleted message's last text comes first.
func (s *Service) History(ctx context.Context, u *account.User, roomID string, seq int) ([]forum.Version, error) {
	r, m, err := s.target(ctx, u, roomID, seq)
	if err != nil {
		return nil, err
	}
	if !authz.Can(authz.ReadMessageHistory, u.Subject(), authz.Item{OwnerID: m.Author.ID, State: messageState(r, m) &^ authz.Archived}) {
		return nil, ErrModeratorOnly
	}
	var d struct {
		Versions []forum.Version `bson:"versions"`
	}
	err = s.deps.Store.R(colHistory).FindOne(ctx, bson.M{"_id": messageID(r.ID, seq)}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("load history of %s: %w", messageID(r.ID, seq), err)
	}
	out := make([]forum.Version, 0, len(d.Versions)+1)
	if m.Deleted != nil {
		at := m.CreatedAt
		if m.EditedAt != nil {
			at = *m.EditedAt
		}
		out = append(out, forum.Version{N: m.EditCount + 1, Body: m.Body, HTML: m.HTML, EditedAt: at, EditorName: m.Author.Name})
	}
	for i := len(d.Versions) - 1; i >= 0; i-- {
		out = append(out, d.Versions[i])
	}
	return out, nil
}

// React adds (on) or removes u's reaction; repeating is harmless.
func (s *Service) React(ctx context.Context, u *account.User, roomID string, seq int, emoji string, on bool) (Message, error) {
	key, ok := emojiKey(emoji)
	if !ok {
		return Message{}, problem.ErrInvalid.With(map[string]string{"emoji": fieldEmoji})
	}
	if !validKey(u.ID) {
		return Message{}, fmt.Errorf("user id %q cannot key a reaction", u.ID)
	}
	defer s.messageLocks.Lock(messageID(roomID, seq))()
	r, m, err := s.target(ctx, u, roomID, seq)
	if err != nil {
		return Message{}, err
	}
	if err := stateErr(deny(authz.Check(authz.ReactMessage, u.Subject(), authz.Item{OwnerID: m.Author.ID, State: messageState(r, m)}),
		problem.ErrForbidden, problem.ErrForbidden), r); err != nil {
		return Message{}, err
	}
	if m.Reactions[key][u.ID] == on {
		return s.wire(ctx, r, m, u.ID), nil
	}
	path := messageLayout.Path(seq, "reactions."+key+"."+u.ID)
	update := bson.M{"$unset": bson.M{path: ""}}
	if on {
		update = bson.M{"$set": bson.M{path: true}}
	}
	if err := s.messages.Update(ctx, r.list(), seq, update); err != nil {
		return Message{}, err
	}
	if m.Reactions == nil {
		m.Reactions = map[string]map[string]bool{}
	}
	if m.Reactions[key] == nil {
		m.Reactions[key] = map[string]bool{}
	}
	if on {
		m.Reactions[key][u.ID] = true
	} else {
		delete(m.Reactions[key], u.ID)
	}
	s.publish(ctx, roomTopic(r.ID), "message.updated", s.wire(ctx, r, m, ""))
	return s.wire(ctx, r, m, u.ID), nil
}

// newOnes lists the handles of now that were not in before.
func newOnes(now, before []string) []string {
	var out []string
	for _, h := range now {
		if !slices.Contains(before, h) {
			out = append(out, h)
		}
	}
	return out
}

func validKey(id string) bool { return id != "" && !strings.ContainsAny(id, ".$") && len(id) <= 64 }

// Replies lists the replies to a message, ascending.
func (s *Service) Replies(ctx context.Context, u *account.User, roomID string, seq int) ([]Message, error) {
	r, m, err := s.target(ctx, u, roomID, seq)
	if err != nil {
		return nil, err
	}
	out := []Message{}
	if len(m.Replies) == 0 {
		return out, nil
	}
	lo, hi := m.Replies[0], m.Replies[0]
	for _, n := range m.Replies {
		lo, hi = min(lo, n), max(hi, n)
	}
	items, err := s.messages.Load(ctx, r.list(), lo, hi)
	if err != nil {
		return nil, err
	}
	for n := lo; n <= hi; n++ {
		if d := items[n]; d != nil && d.ReplyTo == seq {
			out = append(out, d.wire(r.ID, m, u.ID))
		}
	}
	return out, nil
}

// Mute is a moderator's mute of a member.
type Mute struct {
	UserID  string `json:"user_id" validate:"required,max=64,nocontrol"`
	Minutes int    `json:"minutes" validate:"required,min=1,max=43200"`
	Reason  string `json:"reason" validate:"max=500,nocontrol"`
}

// MuteMember stops a user sending in a room until the mute ends; minutes
// 0 (Unmute) ends it.
func (s *Service) MuteMember(ctx context.Context, u *account.User, roomID string, in Mute) error {
	if err := problem.Validate(in); err != nil {
		return err
	}
	return s.setMute(ctx, u, roomID, in.UserID, s.now().Add(time.Duration(in.Minutes)*time.Minute), in.Reason)
}

// Unmute ends a mute.
func (s *Service) Unmute(ctx context.Context, u *account.User, roomID, userID string) error {
	return s.setMute(ctx, u, roomID, userID, time.Time{}, "")
}

// setMute sets (or ends, until zero) a mute and logs it for the audit.
func (s *Service) setMute(ctx context.Context, u *account.User, roomID, userID string, until time.Time, reason string) (err error) {
	r, err := s.enter(ctx, u, roomID)
	if err != nil {
		return err
	}
	if !authz.Can(authz.MuteMember, u.Subject(), authz.Item{}) {
		return ErrModeratorOnly
	}
	if !validKey(userID) || strings.Contains(userID, "/") {
		return problem.ErrInvalid.With(map[string]string{"user_id": fieldUser})
	}
	name := userID
	if target, err := s.deps.Directory.User(ctx, userID); err == nil {
		name = target.Name
	}
	mid := memberID(r.ID, userID)
	defer s.memberLocks.Lock(mid)()
	m, err := s.member(ctx, r.ID, userID, true)
	if err != nil {
		return err
	}
	var was *time.Time
	if m != nil {
		was = m.MutedUntil
	}
	rec, err := s.deps.Audit.Begin(ctx, muteChange(u, r, mid, name, was, until, reason, s.now())...)
	if err != nil {
		return err
	}
	update := bson.M{"$set": bson.M{"muted_until": until}}
	if until.IsZero() {
		update = bson.M{"$unset": bson.M{"muted_until": ""}}
	}
	_, err = s.deps.Store.C(colMembers).UpdateOne(ctx, bson.M{"_id": mid}, update, options.UpdateOne().SetUpsert(!until.IsZero()))
	rec.Done(ctx, err)
	if err != nil {
		return fmt.Errorf("mute %s: %w", mid, err)
	}
	return nil
}

// Promotion names the forum thread a message becomes.
type Promotion struct {
	CategoryID string `json:"category_id" validate:"required,max=64"`
	Title      string `json:"title" validate:"required,min=3,max=200,nocontrol"`
}

// Promote turns a message and its replies into a forum thread (moderators);
// the thread links back to the room and the message to the thread.
func (s *Service) Promote(ctx context.Context, u *account.User, roomID string, seq int, in Promotion) (string, error) {
	in.Title = strings.TrimSpace(in.Title)
	if err := problem.Validate(in); err != nil {
		return "", err
	}
	defer s.messageLocks.Lock(messageID(roomID, seq))()
	r, m, err := s.target(ctx, u, roomID, seq)
	if err != nil {
		return "", err
	}
	if err := stateErr(deny(authz.Check(authz.PromoteMessage, u.Subject(), authz.Item{State: messageState(r, m) &^ authz.Archived}),
		ErrModeratorOnly, ErrModeratorOnly), r); err != nil {
		return "", err
	}
	if m.Promoted != "" {
		return "", ErrAlreadyPromoted
	}
	replies, err := s.Replies(ctx, u, roomID, seq)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	quote := func(name string, at time.Time, body string) {
		fmt.Fprintf(&b, "**%s** (%s):\n\n", name, at.Format("02/01/2006 15:04"))
		for _, line := range strings.Split(body, "\n") {
			b.WriteString("> " + line + "\n")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Dalla stanza [%s](/rooms/%s?seq=%d).\n\n", strings.NewReplacer("[", "", "]", "").Replace(r.Name), r.ID, seq)
	quote(m.Author.Name, m.CreatedAt, m.Body)
	for _, q := range replies {
		if !q.Deleted && b.Len() < 40000 {
			quote(q.Author.Name, q.CreatedAt, q.Body)
		}
	}
	th, _, err := s.deps.Threads.CreateThread(ctx, u, forum.NewThread{CategoryID: in.CategoryID, Title: in.Title, Body: b.String()})
	if err != nil {
		return "", err
	}
	if err := s.messages.Update(ctx, r.list(), seq, bson.M{"$set": bson.M{messageLayout.Path(seq, "promoted_thread_id"): th.ID}}); err != nil {
		return "", err
	}
	m.Promoted = th.ID
	s.publish(ctx, roomTopic(r.ID), "message.updated", s.wire(ctx, r, m, ""))
	return th.ID, nil
}

// RegisterTopics sets who may subscribe to room:<id>: whoever may read it.
func (s *Service) RegisterTopics(a TopicAuthorizer) {
	a.Authorize("room", func(ctx context.Context, u *account.User, id string) error {
		r, err := s.readRoom(ctx, id, false)
		if err != nil {
			return err
		}
		if !authz.Can(authz.SubscribeRoom, u.Subject(), r.item(u)) {
			return ErrRoomNotFound
		}
		return nil
	})
}

// FileAuthorizer takes the rule that says who reads the files of a kind of
// thing (the attachment store).
type FileAuthorizer interface {
	Authorize(kind string, rule attachment.Rule)
}

// RegisterFiles sets who reads a message's files: whoever may see the
// message; once it is deleted, moderators only.
func (s *Service) RegisterFiles(a FileAuthorizer) {
	a.Authorize(fileKind, func(ctx context.Context, u *account.User, id string) (attachment.Access, error) {
		i := strings.LastIndexByte(id, '-')
		if i < 0 {
			return attachment.Gone, nil
		}
		var seq int
		if _, err := fmt.Sscanf(id[i+1:], "%d", &seq); err != nil {
			return attachment.Gone, nil
		}
		r, err := s.loadRoom(ctx, id[:i], false)
		if errors.Is(err, ErrRoomNotFound) {
			return attachment.Gone, nil
		}
		if err != nil {
			return attachment.Hidden, err
		}
		m, err := s.message(ctx, r, seq)
		if errors.Is(err, ErrMessageNotFound) {
			return attachment.Gone, nil
		}
		if err != nil {
			return attachment.Hidden, err
		}
		if !authz.Can(authz.ReadRoom, u.Subject(), r.item(u)) ||
			m.Deleted != nil && !authz.Can(authz.ReadMessageHistory, u.Subject(), authz.Item{State: authz.Deleted}) {
			return attachment.Hidden, nil
		}
		mem, err := s.member(ctx, r.ID, u.ID, false)
		if err != nil {
			return attachment.Hidden, err
		}
		if seq <= s.floor(r, u, mem) {
			return attachment.Hidden, nil
		}
		return attachment.Visible, nil
	})
}

// PresenceCountsOnly tells the realtime hub whether a room shows only how
// many are present (presence "counts"), for its presence frames.
func (s *Service) PresenceCountsOnly(ctx context.Context, roomID string) (bool, error) {
	r, err := s.readRoom(ctx, roomID, false)
	if err != nil {
		return false, err
	}
	return r.Presence == PresenceCounts, nil
}

// MayType tells the realtime hub whether u may announce typing in a room:
// whoever may send there now (not muted, room not archived).
func (s *Service) MayType(ctx context.Context, u *account.User, roomID string) error {
	r, err := s.enterNow(ctx, u, roomID)
	if err != nil {
		return err
	}
	if !authz.Can(authz.SendMessage, u.Subject(), r.item(u)) {
		return problem.ErrForbidden
	}
	m, err := s.member(ctx, r.ID, u.ID, false)
	if err != nil {
		return err
	}
	if m != nil && m.MutedUntil != nil && m.MutedUntil.After(s.now()) {
		return problem.ErrForbidden
	}
	return nil
}
