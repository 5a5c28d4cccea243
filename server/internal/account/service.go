package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/mailer"
	"github.com/cantieri/tavolo/server/internal/store"
)

// Collections owned by this package.
const (
	colUsers           = "users"
	colEmails          = "user_emails" // _id = lowercased email -> user_id: login lookup and uniqueness
	colSessions        = "sessions"
	colAdministrations = "administrations"
	colHandles         = "handles"
	colInvitations     = "invitations"
	colResets          = "password_resets"
	colTokenUses       = "token_uses" // _id = kind:hash, inserted once: single use without transactions
)

// Options configure the service; the zero value of each field has a default.
type Options struct {
	PublicURL         string        // links in mails
	SessionTTL        time.Duration // default 14 days
	EnrolmentDeadline time.Time     // zero: enrolment always open
	AdminEmail        string        // first admin, created on first start
	AdminPassword     string
	Mailer            mailer.Mailer // default: the log
	Logger            *slog.Logger
	Now               func() time.Time // tests move time
	// Audit records admin actions (nil: none, unit tests).
	Audit *audit.Log
}

// Service owns administrations, users, sessions, invitations, resets and roles.
type Service struct {
	st   *store.Store
	opt  Options
	log  *slog.Logger
	now  func() time.Time
	mail mailer.Mailer

	cache    *sessionCache
	settings settingsCache

	mu        sync.RWMutex
	listeners []func(sessionID string)

	bg sync.WaitGroup // mails in flight
}

// New returns a service on st. Call Init before use.
func New(st *store.Store, opt Options) *Service {
	if opt.SessionTTL <= 0 {
		opt.SessionTTL = 14 * 24 * time.Hour
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Mailer == nil {
		opt.Mailer = mailer.NewLog(opt.Logger)
	}
	s := &Service{st: st, opt: opt, log: opt.Logger, now: opt.Now, mail: opt.Mailer, cache: newSessionCache(st.SoleWriter())}
	if opt.Audit != nil {
		s.observeAudit(opt.Audit)
		s.observeSettings(opt.Audit)
	}
	return s
}

// Init declares indexes (used by MongoDB; accepted by FerretDB) and creates
// the first admin when configured. It is idempotent.
func (s *Service) Init(ctx context.Context) error {
	idx := map[string][]mongo.IndexModel{
		colUsers:           {{Keys: bson.D{{Key: "administration_id", Value: 1}}}, {Keys: bson.D{{Key: "created_at", Value: 1}}}},
		colSessions:        {{Keys: bson.D{{Key: "user_id", Value: 1}}}, {Keys: bson.D{{Key: "expires_at", Value: 1}}}},
		colAdministrations: {{Keys: bson.D{{Key: "status", Value: 1}}}},
		colInvitations:     {{Keys: bson.D{{Key: "expires_at", Value: 1}}}},
		colResets:          {{Keys: bson.D{{Key: "expires_at", Value: 1}}}},
	}
	for col, models := range idx {
		// One at a time: FerretDB 1.24 drops the connection when CreateMany
		// meets indexes that already exist (every start after the first).
		for _, m := range models {
			if _, err := s.st.C(col).Indexes().CreateOne(ctx, m); err != nil {
				return fmt.Errorf("create index on %s: %w", col, err)
			}
		}
	}
	if s.opt.AdminEmail != "" {
		if err := s.ensureAdmin(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Empty reports whether no user exists yet (a fresh store).
func (s *Service) Empty(ctx context.Context) (bool, error) {
	err := s.st.C(colUsers).FindOne(ctx, bson.D{}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("look for users: %w", err)
	}
	return false, nil
}

// SetMailer replaces the mailer; tests install an outbox before any request.
func (s *Service) SetMailer(m mailer.Mailer) { s.mail = m }

// Close waits for mails in flight.
func (s *Service) Close() { s.bg.Wait() }

// OnSessionEnd registers fn, called with the session ID after a session is
// deleted or revoked (logout, password change, suspension, expiry), so the
// websocket hub can close its sockets.
func (s *Service) OnSessionEnd(fn func(sessionID string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listeners = append(s.listeners, fn)
}

func (s *Service) sessionsEnded(ids []string) {
	if len(ids) == 0 {
		return
	}
	s.mu.RLock()
	ls := append([]func(string){}, s.listeners...)
	s.mu.RUnlock()
	for _, id := range ids {
		for _, fn := range ls {
			fn(id)
		}
	}
}

// sendMail sends in the background, so answering does not reveal whether a
// mail went out (no account enumeration by timing) nor wait on SMTP.
func (s *Service) sendMail(m mailer.Message) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.mail.Send(ctx, m); err != nil {
			s.log.Error("send mail", "to", m.To, "subject", m.Subject, "err", err)
		}
	}()
}

func isDup(err error) bool { return mongo.IsDuplicateKeyError(err) }

func notFound(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }
