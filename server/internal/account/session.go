package account

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/ttlcache"
)

// session is stored under the hash of its token: the cookie holds the token.
type session struct {
	ID        string    `bson:"_id"` // hex SHA-256 of the token
	UserID    string    `bson:"user_id"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
	LastSeen  time.Time `bson:"last_seen"`
	// Ended says why a session ended while its cookie may still come back
	// (a suspension: suspension.go); ended sessions authenticate nobody.
	Ended string `bson:"ended,omitempty"`
}

const (
	// cacheTTL bounds how stale a cached session may be when other
	// instances write too; local changes (logout, role, suspension,
	// password, the administration's status) drop entries at once. On the
	// sole writer every change is local: entries stay until the session's
	// last_seen is due (touchEvery). A chat member sends every few seconds
	// or less often, past a short TTL: two reads per send.
	cacheTTL = 2 * time.Second
	// touchEvery limits last_seen writes to one per session per period
	// instead of one per request. Expiry is fixed at login, like the cookie's.
	touchEvery = 10 * time.Minute
)

// CreateSession starts a session for userID and returns its token.
func (s *Service) CreateSession(ctx context.Context, userID string) (string, error) {
	token := newToken()
	now := s.now().UTC()
	sess := session{ID: hashToken(token), UserID: userID, CreatedAt: now, ExpiresAt: now.Add(s.opt.SessionTTL), LastSeen: now}
	if _, err := s.st.C(colSessions).InsertOne(ctx, sess); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// SessionUser resolves a session token: two _id lookups, or none when the
// cache is fresh. An unknown, expired or malformed token is ErrUnauthorized.
// The user is a copy the caller may keep.
func (s *Service) SessionUser(ctx context.Context, token string) (*User, string, time.Time, error) {
	if token == "" || len(token) > 128 {
		return nil, "", time.Time{}, errNoSession
	}
	id := hashToken(token)
	now := s.now()
	e, ok, gen := s.cache.Get(id, now)
	if ok && now.Before(e.expiresAt) && now.Sub(e.lastSeen) <= touchEvery {
		u := *e.user
		u.suspensionAt(now) // a suspension may have ended since the read
		return &u, id, e.expiresAt, nil
	}
	var sess session
	if err := s.st.R(colSessions).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&sess); err != nil {
		if notFound(err) {
			return nil, "", time.Time{}, errNoSession
		}
		return nil, "", time.Time{}, fmt.Errorf("find session: %w", err)
	}
	if !now.Before(sess.ExpiresAt) {
		return nil, "", time.Time{}, errNoSession
	}
	if sess.Ended != "" {
		return nil, "", time.Time{}, s.endedSession(ctx, &sess)
	}
	u, err := s.User(ctx, sess.UserID)
	if err != nil {
		if notFound(err) || err == ErrUserNotFound {
			return nil, "", time.Time{}, errNoSession
		}
		return nil, "", time.Time{}, err
	}
	seen := sess.LastSeen
	if now.Sub(seen) > touchEvery {
		_, err := s.st.C(colSessions).UpdateByID(ctx, id, bson.D{{Key: "$set", Value: bson.D{{Key: "last_seen", Value: now.UTC()}}}})
		if err != nil {
			s.log.Warn("touch session", "err", err)
		}
		seen = now
	}
	s.cache.Put(id, cacheEntry{user: u, expiresAt: sess.ExpiresAt, lastSeen: seen}, now, gen)
	cp := *u
	return &cp, id, sess.ExpiresAt, nil
}

// Logout deletes the session of token; an unknown token is not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.deleteSessions(ctx, []string{hashToken(token)})
}

// RevokeSessions ends every session of userID except keep (a session ID, or "").
func (s *Service) RevokeSessions(ctx context.Context, userID, keep string) error {
	ids, err := s.sessionIDs(ctx, bson.D{{Key: "user_id", Value: userID}})
	if err != nil {
		return err
	}
	out := ids[:0]
	for _, id := range ids {
		if id != keep {
			out = append(out, id)
		}
	}
	// The callers changed the user first, which dropped its cached sessions.
	return s.deleteSessions(ctx, out)
}

func (s *Service) sessionIDs(ctx context.Context, filter bson.D) ([]string, error) {
	cur, err := s.st.C(colSessions).Find(ctx, filter, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("find sessions: %w", err)
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("read sessions: %w", err)
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, nil
}

// deleteSessions deletes by _id, one at a time (the fast path on the
// embedded store), then tells the listeners. Each is dropped from the cache
// after its delete, so a lookup in flight cannot store it again.
func (s *Service) deleteSessions(ctx context.Context, ids []string) error {
	var ended []string
	for _, id := range ids {
		res, err := s.st.C(colSessions).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
		s.cache.Drop(id)
		if err != nil {
			s.sessionsEnded(ended)
			return fmt.Errorf("delete session: %w", err)
		}
		if res.DeletedCount > 0 {
			ended = append(ended, id)
		}
	}
	s.sessionsEnded(ended)
	return nil
}

// CleanExpired deletes expired sessions and expired one-time tokens.
func (s *Service) CleanExpired(ctx context.Context) error {
	now := s.now().UTC()
	ids, err := s.sessionIDs(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lte", Value: now}}}})
	if err != nil {
		return err
	}
	if err := s.deleteSessions(ctx, ids); err != nil {
		return err
	}
	// Expired links are kept a while so following one says "expired", not "invalid".
	old := bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lte", Value: now.Add(-7 * 24 * time.Hour)}}}}
	for _, col := range []string{colResets, colInvitations} {
		if _, err := s.st.C(col).DeleteMany(ctx, old); err != nil {
			return fmt.Errorf("clean %s: %w", col, err)
		}
	}
	return nil
}

// StartCleaner runs CleanExpired every period until the returned stop is called.
func (s *Service) StartCleaner(period time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				cctx, ccancel := context.WithTimeout(ctx, time.Minute)
				if err := s.CleanExpired(cctx); err != nil && ctx.Err() == nil {
					s.log.Error("clean expired sessions", "err", err)
				}
				ccancel()
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// sessionCache maps session IDs to users for a couple of seconds: most
// requests then cost no database read at all.
type sessionCache = ttlcache.Cache[cacheEntry]

type cacheEntry struct {
	user      *User
	expiresAt time.Time
	lastSeen  time.Time // as stored: a hit past touchEvery reads (and touches) again
}

func newSessionCache(sole bool) *sessionCache {
	if sole {
		return ttlcache.New[cacheEntry](10000, touchEvery)
	}
	return ttlcache.New[cacheEntry](10000, cacheTTL)
}

// dropUser drops the cached sessions of userID, after a change to the user.
func (s *Service) dropUser(userID string) {
	s.cache.DropWhere(func(e cacheEntry) bool { return e.user.ID == userID })
}

// errNoSession: the token names no live session.
var errNoSession = problem.ErrUnauthorized
