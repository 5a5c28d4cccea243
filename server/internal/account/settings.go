package account

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/store"
)

// The board's settings an admin changes from the admin page, one document
// each in "settings"; until one is stored, the configuration's value holds.
//
//	settings {_id: "enrolment", deadline: date | null}
const (
	colSettings     = "settings"
	enrolmentID     = "enrolment"
	settingsFresh   = 2 * time.Second // how long an instance trusts its copy (as sessions)
	auditSettingKey = "deadline"
)

type enrolmentSetting struct {
	Deadline *time.Time `bson:"deadline"` // nil: no deadline
}

// settingsCache keeps the enrolment setting a short while: GET /session
// reads it on every page load.
type settingsCache struct {
	mu   sync.Mutex
	at   time.Time
	have bool
	d    time.Time
}

// enrolmentDeadline is the deadline in force (zero: none): the stored
// setting, else the configuration's.
func (s *Service) enrolmentDeadline(ctx context.Context) (time.Time, error) {
	now := time.Now()
	s.settings.mu.Lock()
	if s.settings.have && now.Sub(s.settings.at) < settingsFresh {
		d := s.settings.d
		s.settings.mu.Unlock()
		return d, nil
	}
	s.settings.mu.Unlock()
	doc, ok, err := store.Get[enrolmentSetting](ctx, s.st.Collection(colSettings), enrolmentID)
	if err != nil {
		return time.Time{}, fmt.Errorf("load enrolment setting: %w", err)
	}
	d := s.opt.EnrolmentDeadline
	if ok {
		d = time.Time{}
		if doc.Deadline != nil {
			d = *doc.Deadline
		}
	}
	s.settings.mu.Lock()
	s.settings.at, s.settings.have, s.settings.d = now, true, d
	s.settings.mu.Unlock()
	return d, nil
}

// EnrolmentOpen reports whether enrolment is open, and its deadline (zero: none).
func (s *Service) EnrolmentOpen(ctx context.Context) (bool, time.Time, error) {
	d, err := s.enrolmentDeadline(ctx)
	if err != nil {
		return false, time.Time{}, err
	}
	return d.IsZero() || s.now().Before(d), d, nil
}

// SetEnrolmentDeadline stores the enrolment deadline (nil: none), an
// admin's action, recorded in the audit log.
func (s *Service) SetEnrolmentDeadline(ctx context.Context, actor *User, deadline *time.Time, reason string) (time.Time, error) {
	if !authz.Can(authz.ManageSettings, actor.Subject(), authz.Item{}) {
		return time.Time{}, problem.ErrForbidden
	}
	was, err := s.enrolmentDeadline(ctx)
	if err != nil {
		return time.Time{}, err
	}
	var next time.Time
	if deadline != nil {
		next = deadline.UTC().Truncate(time.Millisecond)
	}
	rec, err := s.opt.Audit.Begin(ctx, audit.Entry{Actor: actor.AuditActor(), Action: audit.SettingsEnrolmentDeadline,
		Target: audit.Target{Kind: "settings", ID: enrolmentID, Label: "enrolment"}, Reason: reason,
		Before: map[string]any{auditSettingKey: auditDate(was)}, After: map[string]any{auditSettingKey: auditDate(next)}})
	if err != nil {
		return time.Time{}, err
	}
	var v any
	if !next.IsZero() {
		v = next
	}
	_, err = s.st.C(colSettings).UpdateOne(ctx, bson.M{"_id": enrolmentID}, bson.M{"$set": bson.M{"deadline": v}}, options.UpdateOne().SetUpsert(true))
	s.settings.mu.Lock()
	s.settings.have = false
	s.settings.mu.Unlock()
	rec.Done(ctx, err)
	if err != nil {
		return time.Time{}, fmt.Errorf("store enrolment setting: %w", err)
	}
	return next, nil
}

func auditDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// observeSettings tells the audit log how to read the settings (replay).
func (s *Service) observeSettings(l *audit.Log) {
	l.Observe("settings", func(ctx context.Context, id string) (map[string]any, error) {
		doc, ok, err := store.Get[enrolmentSetting](ctx, s.st.Collection(colSettings), id)
		if err != nil || !ok {
			return nil, err
		}
		var d time.Time
		if doc.Deadline != nil {
			d = *doc.Deadline
		}
		return map[string]any{auditSettingKey: auditDate(d)}, nil
	})
}
