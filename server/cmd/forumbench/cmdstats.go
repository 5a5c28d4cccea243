package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
)

// cmdStats sums the server's database commands by command and collection
// (FORUMBENCH_CMDSTATS): which writes a reply spends its time on.
type cmdStats struct {
	mu      sync.Mutex
	started map[int64]string
	sums    map[string]*cmdSum
}

type cmdSum struct {
	n     int
	total time.Duration
}

func newCmdStats() *cmdStats {
	return &cmdStats{started: map[int64]string{}, sums: map[string]*cmdSum{}}
}

func (c *cmdStats) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			key := e.CommandName
			if v, err := e.Command.LookupErr(e.CommandName); err == nil {
				if s, ok := v.StringValueOK(); ok {
					key += " " + s
				}
			}
			c.mu.Lock()
			c.started[e.RequestID] = key
			c.mu.Unlock()
		},
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) { c.done(e.RequestID, e.Duration) },
		Failed:    func(_ context.Context, e *event.CommandFailedEvent) { c.done(e.RequestID, e.Duration) },
	}
}

func (c *cmdStats) done(id int64, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key, ok := c.started[id]
	if !ok {
		return
	}
	delete(c.started, id)
	s := c.sums[key]
	if s == nil {
		s = &cmdSum{}
		c.sums[key] = s
	}
	s.n++
	s.total += d
}

func (c *cmdStats) write(w io.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.sums))
	for k := range c.sums {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return c.sums[keys[i]].total > c.sums[keys[j]].total })
	for _, k := range keys {
		s := c.sums[k]
		fmt.Fprintf(w, "%-40s n=%7d total=%10v mean=%v\n", k, s.n, s.total.Round(time.Millisecond), (s.total / time.Duration(s.n)).Round(time.Microsecond))
	}
}
