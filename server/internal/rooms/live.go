package rooms

import (
	"context"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
)

// LiveRules takes the rooms' presence and typing rules (the realtime hub),
// and applies a room's changed settings to the subscriptions already live.
type LiveRules interface {
	PresenceMode(kind string, rule func(ctx context.Context, id string) (countsOnly bool, err error))
	AuthorizeTyping(kind string, rule func(ctx context.Context, u *account.User, id string) error)
	// SetPresenceMode switches a topic's presence frames to counts only
	// (or back to names) now.
	SetPresenceMode(topic string, countsOnly bool)
	// Recheck runs the topic's subscribe rule again for its subscribers
	// and ends the subscriptions it now refuses.
	Recheck(ctx context.Context, topic string) int
}

// RegisterLive gives room:<id> presence (names, or counts when the room
// says so: PresenceCountsOnly) and lets typing through only from who may
// send there now (MayType).
func (s *Service) RegisterLive(a LiveRules) {
	s.live = a
	a.PresenceMode("room", s.PresenceCountsOnly)
	a.AuthorizeTyping("room", s.MayType)
}

// settingsChanged applies an updated room to its live subscriptions: who
// lost access stops receiving the room (and leaves its presence) before
// the update is answered, and a changed presence setting shows at once.
func (s *Service) settingsChanged(ctx context.Context, r *roomDoc, accessChanged, presenceChanged bool) {
	if s.live == nil {
		return
	}
	if presenceChanged {
		s.live.SetPresenceMode(roomTopic(r.ID), r.Presence == PresenceCounts)
	}
	if accessChanged {
		// The moderator leaving early must not leave the revocation half done.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recheckTimeout)
		defer cancel()
		if n := s.live.Recheck(ctx, roomTopic(r.ID)); n > 0 {
			s.log.Info("room access changed: subscriptions ended", "room", r.ID, "ended", n)
		}
	}
}

// recheckTimeout bounds the store reads of one access change's Recheck.
const recheckTimeout = 30 * time.Second
