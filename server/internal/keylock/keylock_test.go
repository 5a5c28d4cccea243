package keylock

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// Overlapping LockAll calls taken in opposite orders finish (stripe order:
// no cycle), and a key's Lock excludes a LockAll naming it.
func TestLockAllNoDeadlockAndExcludes(t *testing.T) {
	var s Stripes
	keys := make([]string, 200)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%d", i)
	}
	rev := make([]string, len(keys))
	for i, k := range keys {
		rev[len(keys)-1-i] = k
	}
	done := make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				ks := keys
				if i%2 == 1 {
					ks = rev
				}
				s.LockAll(ks)()
			})
		}
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("LockAll calls in opposite orders did not finish: deadlock")
	}

	// Duplicated keys and keys sharing a stripe are taken once.
	s.LockAll([]string{"a", "a", "b"})()

	unlock := s.LockAll([]string{"x", "y"})
	got := make(chan bool, 1)
	go func() {
		s.Lock("y")()
		got <- true
	}()
	select {
	case <-got:
		t.Fatal(`Lock("y") went through while LockAll held "y"`)
	case <-time.After(50 * time.Millisecond):
	}
	unlock()
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal(`Lock("y") still waiting after the release`)
	}
}
