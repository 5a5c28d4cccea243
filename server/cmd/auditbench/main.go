// Command auditbench measures the audit log on the embedded store: it
// appends entries (default 10,000: 20 actors, every action, 500 targets, 50
// places, over 30 days) through the log's own Begin and Done, restarts the
// log on the same data (the index rebuilt from the buckets, no bucket
// cached) and times filtered pages: the newest page, by actor, action,
// target, place, a day's range, all of them at once, and the tenth page of
// a walk, then a full export read.
//
//	go run ./server/cmd/auditbench                 # 10,000 entries, 1,000 queries a scenario
//	go run ./server/cmd/auditbench -n 2000 -queries 200
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/benchstat"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/store"
)

func main() {
	n := flag.Int("n", 10000, "entries")
	queries := flag.Int("queries", 1000, "queries a scenario")
	limit := flag.Int("limit", 50, "entries a page")
	data := flag.String("data", "", "data directory, kept (a second run appends only the missing entries); default: a temporary one")
	flag.Parse()
	if err := run(*data, *n, *queries, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "auditbench:", err)
		os.Exit(1)
	}
}

const (
	actors  = 20
	targets = 500
	places  = 50
	days    = 30
)

var start = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func run(dir string, n, queries, limit int) error {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if dir == "" {
		tmp, err := os.MkdirTemp("", "auditbench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	st, err := store.Open(ctx, store.Options{DataDir: dir, Database: "auditbench", Logger: log})
	if err != nil {
		return err
	}
	defer st.Close(ctx)

	// The clock walks over 30 days as entries are appended.
	var done atomic.Int64
	clock := func() time.Time {
		return start.Add(time.Duration(done.Load()) * days * 24 * time.Hour / time.Duration(n))
	}
	ob := outbox.New(st, log)
	l := audit.New(st, ob, log, clock)
	if err := l.Init(ctx); err != nil {
		return err
	}
	stored, err := l.Query(ctx, audit.Filter{}, 0, 1)
	if err != nil {
		return err
	}
	done.Store(int64(stored.Total))
	t0 := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for w := range errs { // four moderators at once
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 2))
			for done.Add(1) <= int64(n) {
				a := rng.IntN(actors)
				p, err := l.Begin(ctx, audit.Entry{
					Actor:  audit.Actor{ID: fmt.Sprintf("u%02d", a), Name: fmt.Sprintf("Persona %02d", a), Role: "moderator"},
					Action: audit.Actions[rng.IntN(len(audit.Actions))],
					Target: audit.Target{Kind: "thread", ID: fmt.Sprintf("t%03d", rng.IntN(targets)), Label: "Una discussione dal titolo medio"},
					Place:  fmt.Sprintf("p%02d", rng.IntN(places)), Reason: "Motivo scritto dal moderatore, di una riga.",
					Before: map[string]any{"locked": false}, After: map[string]any{"locked": true}})
				if err != nil {
					errs[w] = err
					return
				}
				p.Done(ctx, nil)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	appendTime := time.Since(t0)
	ob.Close()
	if added := n - stored.Total; added > 0 {
		fmt.Printf("appended %d entries, 4 at a time, in %s (%.0f a second)\n", added, appendTime.Round(time.Millisecond), float64(added)/appendTime.Seconds())
	}

	// A fresh log on the same data: the start-up index build, cold buckets.
	ob = outbox.New(st, log)
	defer ob.Close()
	l = audit.New(st, ob, log, nil)
	t0 = time.Now()
	if err := l.Init(ctx); err != nil {
		return err
	}
	fmt.Printf("index rebuilt at start-up in %s\n", time.Since(t0).Round(time.Millisecond))
	runtime.GC()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	fmt.Printf("Go heap in use after the build (index, cached entries, store clients): %.1f MiB\n\n", float64(mem.HeapInuse)/(1<<20))

	day := func() (time.Time, time.Time) {
		from := start.AddDate(0, 0, rng.IntN(days))
		return from, from.AddDate(0, 0, 1)
	}
	scenarios := []struct {
		name   string
		filter func() audit.Filter
		pages  int
	}{
		{"newest page", func() audit.Filter { return audit.Filter{} }, 1},
		{"by actor", func() audit.Filter { return audit.Filter{Actor: fmt.Sprintf("u%02d", rng.IntN(actors))} }, 1},
		{"by action", func() audit.Filter { return audit.Filter{Action: audit.Actions[rng.IntN(len(audit.Actions))]} }, 1},
		{"by action group (moderator's view)", func() audit.Filter { return audit.Filter{Action: "thread", Moderation: true} }, 1},
		{"by target", func() audit.Filter { return audit.Filter{Target: fmt.Sprintf("t%03d", rng.IntN(targets))} }, 1},
		{"by place", func() audit.Filter { return audit.Filter{Place: fmt.Sprintf("p%02d", rng.IntN(places))} }, 1},
		{"one day", func() audit.Filter { f, t := day(); return audit.Filter{From: f, To: t} }, 1},
		{"actor + action group + day", func() audit.Filter {
			f, t := day()
			return audit.Filter{Actor: fmt.Sprintf("u%02d", rng.IntN(actors)), Action: "thread", From: f, To: t}
		}, 1},
		{"10th page, unfiltered", func() audit.Filter { return audit.Filter{} }, 10},
		{"10th page, by actor", func() audit.Filter { return audit.Filter{Actor: fmt.Sprintf("u%02d", rng.IntN(actors))} }, 10},
	}
	fmt.Printf("| scenario (limit %d) | queries | mean entries | p50 | p95 | p99 |\n|---|---|---|---|---|---|\n", limit)
	for _, s := range scenarios {
		times := make([]time.Duration, 0, queries)
		got := 0
		for range queries {
			f := s.filter()
			cursor := 0
			for range s.pages - 1 { // walk to the page measured
				p, err := l.Query(ctx, f, cursor, limit)
				if err != nil {
					return err
				}
				cursor = p.Next
			}
			t := time.Now()
			p, err := l.Query(ctx, f, cursor, limit)
			if err != nil {
				return err
			}
			times = append(times, time.Since(t))
			got += len(p.Entries)
		}
		slices.Sort(times)
		fmt.Printf("| %s | %d | %d | %s | %s | %s |\n", s.name, queries, got/queries,
			ms(benchstat.Percentile(times, 50)), ms(benchstat.Percentile(times, 95)), ms(benchstat.Percentile(times, 99)))
	}
	t0 = time.Now()
	all, err := l.All(ctx, audit.Filter{}, n)
	if err != nil {
		return err
	}
	fmt.Printf("\nexport read of every entry (%d): %s\n", len(all), time.Since(t0).Round(time.Millisecond))
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
