// Package keylock serialises work on keys (a record, a post) with a fixed
// set of mutexes chosen by a hash of the key: memory does not grow with the
// keys, and two keys rarely share a stripe.
package keylock

import (
	"slices"
	"sync"

	"github.com/cantieri/tavolo/server/internal/store/shard"
)

// Stripes is a set of key locks; the zero value is ready.
type Stripes struct {
	mu [64]sync.Mutex
}

func (s *Stripes) stripe(key string) int { return int(shard.Hash(key) % uint32(len(s.mu))) }

// Lock takes key's lock and returns its release.
func (s *Stripes) Lock(key string) (unlock func()) {
	m := &s.mu[s.stripe(key)]
	m.Lock()
	return m.Unlock
}

// LockAll takes the locks of every key, in stripe order (two callers never
// wait on each other in a cycle), each stripe once, and returns their release.
func (s *Stripes) LockAll(keys []string) (unlock func()) {
	stripes := make([]int, len(keys))
	for i, k := range keys {
		stripes[i] = s.stripe(k)
	}
	stripes = slices.Compact(slices.Sorted(slices.Values(stripes)))
	for _, i := range stripes {
		s.mu[i].Lock()
	}
	return func() {
		for _, i := range stripes {
			s.mu[i].Unlock()
		}
	}
}
