package account

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// FieldReasonRequired refuses a rejection without a reason: the referente
// is shown it.
var FieldReasonRequired = problem.DefineField("reason_required",
	"Scrivi il motivo: il referente lo leggerà.", "Give a reason: the referente will read it.")

// AuditActor is u as the audit log records an actor.
func (u *User) AuditActor() audit.Actor {
	return audit.Actor{ID: u.ID, Name: u.Name, Role: string(u.Role)}
}

// observeAudit tells the audit log how to read this package's targets when
// it replays entries a crash left pending (see package audit).
func (s *Service) observeAudit(l *audit.Log) {
	l.Observe("administration", func(ctx context.Context, id string) (map[string]any, error) {
		a, err := s.Administration(ctx, id)
		if err == ErrAdministrationNotFound {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return map[string]any{"status": a.Status}, nil
	})
	l.Observe("user", func(ctx context.Context, id string) (map[string]any, error) {
		u, err := s.User(ctx, id)
		if err == ErrUserNotFound {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		m := suspensionAudit(u.Suspended, u.SuspendedUntil)
		m["role"] = string(u.Role)
		return m, nil
	})
	l.Observe("invitation", func(ctx context.Context, id string) (map[string]any, error) {
		var inv invitation
		if err := s.st.C(colInvitations).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&inv); err != nil {
			if notFound(err) {
				return nil, nil
			}
			return nil, err
		}
		return map[string]any{"administration_id": inv.AdministrationID}, nil
	})
}
