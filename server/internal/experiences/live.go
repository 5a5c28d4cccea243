package experiences

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// Every stored change of a record (save, publish, document) is told on the
// topic "experience:<id>" as `experience.updated`, read by whoever may read
// the record: the comparison tables showing it refetch. The event follows
// the stored write through the outbox: each write records kindUpdated
// before its version is stored, and a start after a crash publishes the
// version the head then holds (live clients may get it twice and keep one
// by version).

// Publisher stores an event on a topic, then fans it out (realtime hub).
type Publisher interface {
	Publish(ctx context.Context, topic, event string, data any) (seq int64, err error)
}

// TopicAuthorizer registers who may subscribe to a kind of topic.
type TopicAuthorizer interface {
	Authorize(kind string, rule func(ctx context.Context, u *account.User, id string) error)
}

// TopicKind is the kind of a record's topic: "experience:<id>".
const TopicKind = "experience"

// Topic is the live topic of record id.
func Topic(id string) string { return TopicKind + ":" + id }

// EventUpdated is the event of a stored change of a record.
const EventUpdated = "experience.updated"

const kindUpdated = "experience.updated"

// Updated is the data of EventUpdated: the version now stored and the
// fields it changed (paths as in the history: "ambito", "penali.previste",
// "atti", "status").
type Updated struct {
	ID        string    `json:"id"`
	Version   int       `json:"version"`
	Changed   []string  `json:"changed"`
	UpdatedAt time.Time `json:"updated_at"`
}

// updatedWork is the outbox entry of a write: the version it stores.
type updatedWork struct {
	RecordID string `bson:"record_id"`
	Version  int    `bson:"version"`
}

// RegisterTopics sets who may subscribe to a record's topic: whoever may
// read the record (a draft of another administration does not exist).
func (s *Service) RegisterTopics(a TopicAuthorizer) {
	a.Authorize(TopicKind, func(ctx context.Context, u *account.User, id string) error {
		d, err := s.load(ctx, id)
		if err != nil {
			return err
		}
		if !authz.Can(authz.ReadExperience, u.Subject(), d.item()) {
			return problem.ErrForbidden
		}
		return nil
	})
}

// recordUpdate records, before the write of version n, that its event is
// owed.
func (s *Service) recordUpdate(ctx context.Context, id string, n int) (*outbox.Work, error) {
	return s.deps.Outbox.Record(ctx, kindUpdated, updatedWork{RecordID: id, Version: n})
}

// redoUpdated publishes the event of a write a crash cut off, if the write
// reached the head (otherwise nothing changed and nothing is told).
func (s *Service) redoUpdated(ctx context.Context, w *outbox.Work) error {
	var uw updatedWork
	if err := w.Entry().Decode(&uw); err != nil {
		return err
	}
	d, err := s.load(ctx, uw.RecordID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if d.Version < uw.Version {
		return nil // the head was never written
	}
	v, ok, err := s.versions.Get(ctx, d.ref(), uw.Version)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("experience %s: version %d missing", d.ID, uw.Version)
	}
	return s.publishUpdated(ctx, Updated{ID: d.ID, Version: v.N, Changed: nonNil(v.Changed), UpdatedAt: v.At})
}

// publishUpdated tells the record's readers; nil Publisher (a service
// without a hub) tells nobody.
func (s *Service) publishUpdated(ctx context.Context, u Updated) error {
	if s.deps.Publisher == nil {
		return nil
	}
	if _, err := s.deps.Publisher.Publish(ctx, Topic(u.ID), EventUpdated, u); err != nil {
		return fmt.Errorf("publish %s of %s: %w", EventUpdated, u.ID, err)
	}
	return nil
}
