// Package ttlcache is a small map of values kept for a short time, for
// documents read on most requests that an instance may serve slightly stale
// (another instance's writes show within the TTL; its own writes drop the
// entry at once).
//
// A load reads the generation (Get) before it reads the database and hands
// it back to Put: a load that started before a drop of its key is not
// stored, so a drop cannot be undone by a read already in flight.
package ttlcache

import (
	"sync"
	"time"
)

// Cache holds at most max values, each for ttl after the time it was read.
type Cache[V any] struct {
	mu      sync.Mutex
	m       map[string]entry[V]
	dropped map[string]uint64 // key -> seq of its last drop
	seq     uint64            // moved by every drop
	floor   uint64            // loads that started before it are not stored
	max     int
	ttl     time.Duration
}

type entry[V any] struct {
	v  V
	at time.Time
}

// New returns an empty cache.
func New[V any](max int, ttl time.Duration) *Cache[V] {
	return &Cache[V]{m: map[string]entry[V]{}, dropped: map[string]uint64{}, max: max, ttl: ttl}
}

// Get returns the value if read less than ttl before now, and the
// generation to pass to Put.
func (c *Cache[V]) Get(key string, now time.Time) (V, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if ok && now.Sub(e.at) < c.ttl && !now.Before(e.at) {
		return e.v, true, c.seq
	}
	var zero V
	return zero, false, c.seq
}

// Put stores v as read at at, unless key was dropped since the Get that
// returned gen.
func (c *Cache[V]) Put(key string, v V, at time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen < c.floor || c.dropped[key] > gen {
		return
	}
	if len(c.m) >= c.max {
		for k, e := range c.m { // drop the stale ones, or else everything
			if at.Sub(e.at) >= c.ttl || len(c.m) >= c.max {
				delete(c.m, k)
			}
		}
	}
	c.m[key] = entry[V]{v: v, at: at}
}

// Drop removes key; loads of it in flight are not stored.
func (c *Cache[V]) Drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
	c.seq++
	if len(c.dropped) >= c.max {
		// Bound the record: every load in flight is refused instead.
		clear(c.dropped)
		c.floor = c.seq
		return
	}
	c.dropped[key] = c.seq
}

// DropWhere removes the values for which match is true. Every load in
// flight is refused, as it may be about to store a matching value.
func (c *Cache[V]) DropWhere(match func(V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if match(e.v) {
			delete(c.m, k)
		}
	}
	c.seq++
	c.floor = c.seq
	clear(c.dropped)
}
