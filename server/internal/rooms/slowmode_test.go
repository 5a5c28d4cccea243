package rooms

import (
	"testing"
	"time"
)

// TestSlowGate follows one member's sends through the gate: one admitted
// at a time per period, a failed send released, the stored last send
// counted, other members independent.
func TestSlowGate(t *testing.T) {
	var g slowGate
	t0 := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
	period := 30 * time.Second
	stored := t0.Add(-10 * time.Second)
	var release func()
	steps := []struct {
		name     string
		mid      string
		last     *time.Time
		at       time.Duration // after t0
		fail     bool          // the admitted send then fails
		wantWait time.Duration // 0: admitted
	}{
		{"stored send 10 s ago", "r/ann", &stored, 0, false, 20 * time.Second},
		{"after the stored one's period", "r/ann", &stored, 20 * time.Second, true, 0},
		{"the failed send held nobody back", "r/ann", &stored, 21 * time.Second, false, 0},
		{"a second send at once", "r/ann", &stored, 21 * time.Second, false, 30 * time.Second},
		{"another member", "r/bob", nil, 21 * time.Second, false, 0},
		{"within the admitted send's period", "r/ann", &stored, 50 * time.Second, false, time.Second},
		{"after it", "r/ann", &stored, 51 * time.Second, false, 0},
	}
	for _, s := range steps {
		var wait time.Duration
		release, wait = g.admit(s.mid, s.last, period, t0.Add(s.at))
		if wait != s.wantWait || (wait == 0) != (release != nil) {
			t.Fatalf("%s: got wait %v (release %v), want %v", s.name, wait, release != nil, s.wantWait)
		}
		if s.fail {
			release()
		}
	}
}
