package rooms

import (
	"sync"
	"time"
)

// slowGate makes slow mode's check-then-send atomic per member and room.
// The stored last_sent_at is written only when a send completes, so two
// sends arriving together would both read the old one and both pass: the
// gate remembers, in memory, until when each member's latest admitted send
// keeps the next one waiting, and admits under its lock. The board is one
// process on the embedded store; the stored time still holds across
// restarts.
type slowGate struct {
	mu    sync.Mutex
	until map[string]time.Time // member id: no other send before then
	swept time.Time
}

// slowSweepAt is the size above which expired entries are swept.
const slowSweepAt = 1024

// admit lets a send of member mid through at now unless the stored last
// send (last, may be nil) or one admitted here is less than period ago; it
// returns how long to wait when not, or a release to call if the admitted
// send then fails (so it does not hold the member back).
func (g *slowGate) admit(mid string, last *time.Time, period time.Duration, now time.Time) (release func(), wait time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	until := g.until[mid]
	if last != nil && last.Add(period).After(until) {
		until = last.Add(period)
	}
	if wait := until.Sub(now); wait > 0 {
		return nil, wait
	}
	if g.until == nil {
		g.until = map[string]time.Time{}
	}
	prev, had := g.until[mid]
	mine := now.Add(period)
	g.until[mid] = mine
	if len(g.until) > slowSweepAt && now.Sub(g.swept) >= time.Minute {
		g.swept = now
		for k, t := range g.until {
			if !t.After(now) {
				delete(g.until, k)
			}
		}
	}
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.until[mid].Equal(mine) {
			if had {
				g.until[mid] = prev
			} else {
				delete(g.until, mid)
			}
		}
	}, 0
}

// slowMode admits u's send in r under the room's slow mode (moderators are
// exempt); release undoes it when the send fails. m is u's member document
// (nil: none).
func (s *Service) slowMode(r *roomDoc, m *memberDoc, mid string, moderator bool, now time.Time) (release func(bool), err error) {
	if r.SlowModeS <= 0 || moderator {
		return func(bool) {}, nil
	}
	var last *time.Time
	if m != nil {
		last = m.LastSentAt
	}
	undo, wait := s.slow.admit(mid, last, time.Duration(r.SlowModeS)*time.Second, now)
	if wait > 0 {
		e := *ErrSlowMode
		e.RetryAfter = wait
		return nil, &e
	}
	return func(sent bool) {
		if !sent {
			undo()
		}
	}, nil
}
