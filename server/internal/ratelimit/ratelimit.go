// Package ratelimit holds in-memory token buckets keyed by IP or account.
package ratelimit

import (
	"math"
	"sync"
	"time"
)

// Limiter allows n events per period for each key, in bursts of up to n.
type Limiter struct {
	mu      sync.Mutex
	n       float64
	rate    float64 // tokens per second
	buckets map[string]*bucket
	now     func() time.Time
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// New returns a limiter of n events per period per key.
func New(n int, period time.Duration) *Limiter {
	return &Limiter{n: float64(n), rate: float64(n) / period.Seconds(), buckets: map[string]*bucket{}, now: time.Now}
}

// Allow takes one token for key. When none is left it reports how long
// until one is.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, l.wait(b)
}

// Refund gives back a token taken by Allow for an event that, as it
// turned out, does not count (a login that succeeded).
func (l *Limiter) Refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key)
	b.tokens = math.Min(l.n, b.tokens+1)
}

func (l *Limiter) wait(b *bucket) time.Duration {
	return time.Duration(math.Ceil((1-b.tokens)/l.rate*1000)) * time.Millisecond
}

func (l *Limiter) refill(key string) *bucket {
	now := l.now()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.n, at: now}
		l.buckets[key] = b
		return b
	}
	b.tokens = math.Min(l.n, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	return b
}

// sweep forgets full buckets once a minute, so memory follows the keys
// seen recently rather than every key ever seen.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.n {
			delete(l.buckets, k)
		}
	}
}
