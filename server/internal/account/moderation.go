package account

import (
	"context"
	"strings"

	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// A moderator's note on a user is an entry of the audit log (action
// user.note, the note as its reason): append-only like the rest of what
// moderators do, and shown in the user's history with it.

// maxHistory bounds the entries a user's history shows at a glance.
const maxHistory = 200

// AddNote records a moderator's note on a user.
func (s *Service) AddNote(ctx context.Context, actor *User, userID, text string) error {
	if !authz.Can(authz.ModerateUser, actor.Subject(), authz.Item{OwnerID: userID}) {
		return problem.ErrForbidden
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return problem.ErrInvalid.With(map[string]string{"body": problem.FieldRequired})
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return err
	}
	rec, err := s.opt.Audit.Begin(ctx, audit.Entry{Actor: actor.AuditActor(), Action: audit.UserNote,
		Target: audit.Target{Kind: "user", ID: u.ID, Label: u.Name}, Reason: text})
	if err != nil {
		return err
	}
	rec.Done(ctx, nil)
	return nil
}

// ModerationHistory is the user and what moderators and admins did to them
// and wrote about them, newest first.
func (s *Service) ModerationHistory(ctx context.Context, actor *User, userID string) (*User, []audit.Entry, error) {
	if !authz.Can(authz.ModerateUser, actor.Subject(), authz.Item{OwnerID: userID}) {
		return nil, nil, problem.ErrForbidden
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	if s.opt.Audit == nil {
		return u, []audit.Entry{}, nil
	}
	es, err := s.opt.Audit.All(ctx, audit.Filter{Target: "user:" + u.ID}, maxHistory)
	if err != nil {
		return nil, nil, err
	}
	return u, es, nil
}
