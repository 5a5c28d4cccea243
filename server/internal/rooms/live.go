package rooms

import (
	"context"

	"github.com/cantieri/tavolo/server/internal/account"
)

// LiveRules takes the rooms' presence and typing rules (the realtime hub).
type LiveRules interface {
	PresenceMode(kind string, rule func(ctx context.Context, id string) (countsOnly bool, err error))
	AuthorizeTyping(kind string, rule func(ctx context.Context, u *account.User, id string) error)
}

// RegisterLive gives room:<id> presence (names, or counts when the room
// says so: PresenceCountsOnly) and lets typing through only from who may
// send there now (MayType).
func (s *Service) RegisterLive(a LiveRules) {
	a.PresenceMode("room", s.PresenceCountsOnly)
	a.AuthorizeTyping("room", s.MayType)
}
