package rooms

import (
	"context"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// LiveRules takes the rooms' presence and typing rules (the realtime hub).
type LiveRules interface {
	PresenceMode(kind string, rule func(ctx context.Context, id string) (countsOnly bool, err error))
	AuthorizeTyping(kind string, rule func(ctx context.Context, u *account.User, id string) error)
}

// RegisterLive gives room:<id> presence (names, or counts when the room
// says so) and lets typing through only from who may send there now: not
// in an archived room, not while muted.
func (s *Service) RegisterLive(a LiveRules) {
	a.PresenceMode("room", func(ctx context.Context, id string) (bool, error) {
		r, err := s.loadRoom(ctx, id, false)
		if err != nil {
			return true, err
		}
		return r.Presence == PresenceCounts, nil
	})
	a.AuthorizeTyping("room", func(ctx context.Context, u *account.User, id string) error {
		r, err := s.loadRoom(ctx, id, false)
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
	})
}
