package account

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// Suspension suspends a user (Suspended) until a date (nil: until
// reinstated) for a reason the user is shown, or reinstates them.
type Suspension struct {
	Suspended bool
	Until     *time.Time
	Reason    string
}

// Field codes of a suspension's form.
var (
	FieldUntilPast = problem.DefineField("suspension_until_past",
		"La data di fine deve essere nel futuro.", "The end date must be in the future.")
	FieldSuspendSelf = problem.DefineField("suspension_self",
		"Non puoi sospendere te stesso.", "You cannot suspend yourself.")
)

// ErrSuspendStaff refuses a moderator suspending a moderator or an admin:
// only admins may.
var ErrSuspendStaff = problem.Define(problem.Forbidden, "suspend_staff",
	"Solo un amministratore può sospendere un moderatore o un amministratore.", "Only an admin may suspend a moderator or an admin.")

// sessionEndedSuspended marks a session a suspension ended: the cookie
// that still names it is answered with the suspension (reason and end)
// once, instead of a bare "log in".
const sessionEndedSuspended = "suspended"

// suspensionAt reads a suspension whose end has passed as over: it ends by
// itself, with no job to run (an admin's reinstatement is recorded; this
// is not).
func (u *User) suspensionAt(now time.Time) {
	if u.Suspended && u.SuspendedUntil != nil && !now.Before(*u.SuspendedUntil) {
		u.Suspended, u.SuspendedUntil, u.SuspensionReason = false, nil, ""
	}
}

// suspendedError is ErrSuspended with the suspension's end and reason, as
// the user is shown them at login and when their session ends.
func (u *User) suspendedError() error {
	e := *ErrSuspended
	if u.SuspendedUntil != nil {
		e.Until = *u.SuspendedUntil
	}
	e.Reason = u.SuspensionReason
	return &e
}

// SetSuspended suspends or reinstates a user (actor acts). A suspension
// needs a reason and, when it has an end, an end in the future; it marks
// the user's sessions ended by it (their websockets close at once, and the
// next request of each says why). Suspending a moderator or an admin is an
// admin's; nobody suspends themself.
func (s *Service) SetSuspended(ctx context.Context, actor *User, userID string, in Suspension) (*User, error) {
	if !authz.Can(authz.SuspendUser, actor.Subject(), authz.Item{OwnerID: userID}) {
		return nil, problem.ErrForbidden
	}
	in.Reason = strings.TrimSpace(in.Reason)
	fields := map[string]string{}
	if in.Suspended {
		if in.Reason == "" {
			fields["reason"] = FieldReasonRequired
		}
		if in.Until != nil && !in.Until.After(s.now()) {
			fields["until"] = FieldUntilPast
		}
		if actor.ID == userID {
			fields["user_id"] = FieldSuspendSelf
		}
	}
	if len(fields) > 0 {
		return nil, problem.ErrInvalid.With(fields)
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if in.Suspended && u.Role != RoleParticipant && !authz.Can(authz.ManageUsers, actor.Subject(), authz.Item{OwnerID: userID}) {
		return nil, ErrSuspendStaff
	}
	set := bson.D{{Key: "suspended", Value: in.Suspended}}
	var until *time.Time
	if in.Suspended {
		if in.Until != nil {
			t := in.Until.UTC().Truncate(time.Millisecond)
			until = &t
		}
		set = append(set, bson.E{Key: "suspended_until", Value: until}, bson.E{Key: "suspension_reason", Value: in.Reason})
	} else {
		set = append(set, bson.E{Key: "suspended_until", Value: nil}, bson.E{Key: "suspension_reason", Value: ""})
	}
	// A suspension changed (a new end or reason) is recorded too.
	changed := u.Suspended != in.Suspended || in.Suspended && (u.SuspensionReason != in.Reason || !sameTime(u.SuspendedUntil, until))
	var rec *audit.Pending
	if changed {
		action := audit.UserSuspend
		if !in.Suspended {
			action = audit.UserReinstate
		}
		if rec, err = s.opt.Audit.Begin(ctx, audit.Entry{Actor: actor.AuditActor(), Action: action,
			Target: audit.Target{Kind: "user", ID: u.ID, Label: u.Name}, Reason: in.Reason,
			Before: suspensionAudit(u.Suspended, u.SuspendedUntil), After: suspensionAudit(in.Suspended, until)}); err != nil {
			return nil, err
		}
	}
	err = s.updateUser(ctx, userID, set)
	rec.Done(ctx, err)
	if err != nil {
		return nil, err
	}
	if in.Suspended {
		if err := s.endSessions(ctx, userID, sessionEndedSuspended); err != nil {
			return nil, err
		}
	}
	return s.User(ctx, userID)
}

func sameTime(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

// suspensionAudit is a suspension as the audit log's before and after
// spell it (the user observer reads the same).
func suspensionAudit(suspended bool, until *time.Time) map[string]any {
	m := map[string]any{"suspended": suspended, "suspended_until": ""}
	if until != nil {
		m["suspended_until"] = until.UTC().Format(time.RFC3339)
	}
	return m
}

// endSessions marks every session of userID ended for why, drops them
// from the cache and tells the listeners (the hub closes their sockets).
// The documents stay until they expire, so the cookie is answered with why.
func (s *Service) endSessions(ctx context.Context, userID, why string) error {
	ids, err := s.sessionIDs(ctx, bson.D{{Key: "user_id", Value: userID}, {Key: "ended", Value: bson.D{{Key: "$exists", Value: false}}}})
	if err != nil {
		return err
	}
	var ended []string
	defer func() { s.sessionsEnded(ended) }()
	for _, id := range ids {
		_, err := s.st.C(colSessions).UpdateByID(ctx, id, bson.D{{Key: "$set", Value: bson.D{{Key: "ended", Value: why}}}})
		s.cache.Drop(id)
		if err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		ended = append(ended, id)
	}
	return nil
}

// endedSession answers a session a suspension ended: the suspension while
// it lasts, then "no session".
func (s *Service) endedSession(ctx context.Context, sess *session) error {
	if sess.Ended != sessionEndedSuspended {
		return errNoSession
	}
	u, err := s.User(ctx, sess.UserID)
	if err != nil || !u.Suspended {
		return errNoSession
	}
	return u.suspendedError()
}
