package audit_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// clock is a test clock that moves one minute per reading.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Minute)
	return c.t
}

func open(t *testing.T, st *store.Store, c *clock) (*audit.Log, *outbox.Outbox) {
	t.Helper()
	ob := outbox.New(st, nil)
	t.Cleanup(ob.Close)
	l := audit.New(st, ob, nil, c.now)
	if err := l.Init(testenv.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	return l, ob
}

func record(t *testing.T, l *audit.Log, es ...audit.Entry) {
	t.Helper()
	ctx := testenv.Ctx(t)
	p, err := l.Begin(ctx, es...)
	if err != nil {
		t.Fatal(err)
	}
	p.Done(ctx, nil)
}

var (
	ada   = audit.Actor{ID: "u-ada", Name: "Ada", Role: "admin"}
	mario = audit.Actor{ID: "u-mario", Name: "Mario", Role: "moderator"}
)

// sample is the i-th entry of a varied log.
func sample(i int) audit.Entry {
	acts := []string{audit.EnrolmentReject, audit.ThreadLock, audit.PostDelete, audit.UserSuspend, audit.ThreadPin}
	e := audit.Entry{Actor: ada, Action: acts[i%len(acts)], Target: audit.Target{Kind: "thread", ID: fmt.Sprintf("t%d", i%7), Label: "Titolo"},
		Place: fmt.Sprintf("cat%d", i%3), Reason: "motivo", Before: map[string]any{"locked": false}, After: map[string]any{"locked": true}}
	if i%2 == 1 {
		e.Actor = mario
	}
	return e
}

// Filtered pages, newest first, match a model that filters the list of
// appended entries; following the cursors visits each match once; a
// restarted log rebuilds the same index from the buckets, and reads the
// same entries from them when none is cached.
func TestQueryMatchesModel(t *testing.T) {
	st := testenv.Store(t)
	c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	l, _ := open(t, st, c)
	const n = 150 // three buckets
	for i := range n {
		record(t, l, sample(i))
	}
	ctx := testenv.Ctx(t)
	all, err := l.All(ctx, audit.Filter{}, 1000)
	if err != nil || len(all) != n {
		t.Fatalf("All = %d entries (%v), want %d", len(all), err, n)
	}
	mid := all[n/2].At
	filters := []audit.Filter{
		{},
		{Actor: "u-mario"},
		{Action: audit.ThreadLock},
		{Action: "thread"},
		{Target: "t3"},
		{Target: "thread:t3"},
		{Target: "post:t3"},
		{Place: "cat1", Actor: "u-ada"},
		{From: mid},
		{To: mid},
		{From: mid, To: mid.Add(10 * time.Minute), Action: "thread"},
		{Moderation: true},
		{Actor: "nobody"},
	}
	restarted, _ := open(t, st, c)
	cold, _ := open(t, st, c)
	for _, f := range filters {
		var want []int
		for _, e := range all { // newest first
			if model(f, e) {
				want = append(want, e.N)
			}
		}
		for name, lg := range map[string]*audit.Log{"live": l, "restarted": restarted, "cold": cold} {
			audit.DropCacheForTest(cold)
			var got []int
			cursor, pages := 0, 0
			for {
				p, err := lg.Query(ctx, f, cursor, 20)
				if err != nil {
					t.Fatal(err)
				}
				if p.Total != len(want) {
					t.Errorf("%s %+v: total %d, want %d", name, f, p.Total, len(want))
				}
				for _, e := range p.Entries {
					got = append(got, e.N)
				}
				pages++
				if p.Next == 0 || pages > 20 {
					break
				}
				cursor = p.Next
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s %+v: got %v, want %v", name, f, got, want)
			}
		}
	}
	if e := all[0]; e.Actor != sample(n-1).Actor || e.Reason != "motivo" || e.After["locked"] != true || e.Before["locked"] != false || len(e.ID) != 32 {
		t.Errorf("newest entry %+v, want sample %d with its id, reason, before and after", e, n-1)
	}
	actors, err := l.Actors(ctx, false)
	if err != nil || fmt.Sprint(actors) != fmt.Sprint([]audit.Actor{ada, mario}) {
		t.Errorf("Actors = %v (%v), want Ada and Mario", actors, err)
	}
}

func model(f audit.Filter, e audit.Entry) bool {
	group := e.Action[:len(e.Action)-len(e.Action[indexDot(e.Action):])]
	return (f.Actor == "" || e.Actor.ID == f.Actor) &&
		(f.Action == "" || f.Action == e.Action || f.Action == group) &&
		(f.Target == "" || f.Target == e.Target.ID || f.Target == e.Target.Kind+":"+e.Target.ID) &&
		(f.Place == "" || f.Place == e.Place) &&
		(f.From.IsZero() || !e.At.Before(f.From)) &&
		(f.To.IsZero() || e.At.Before(f.To)) &&
		(!f.Moderation || audit.Moderation(e.Action))
}

func indexDot(s string) int {
	for i := range s {
		if s[i] == '.' {
			return i
		}
	}
	return len(s)
}

// An action whose write failed appends nothing, unless the write was
// applied before its error (the target holds the After values); either
// way no record is left.
func TestFailedActionAppendsWhatWasStored(t *testing.T) {
	st := testenv.Store(t)
	l, ob := open(t, st, &clock{t: time.Now()})
	l.Observe("thread", func(ctx context.Context, id string) (map[string]any, error) {
		return map[string]any{"locked": id == "applied"}, nil
	})
	ctx := testenv.Ctx(t)
	for _, id := range []string{"applied", "refused"} {
		e := sample(0)
		e.Target.ID = id
		p, err := l.Begin(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		p.Done(ctx, errors.New("write timed out"))
	}
	all, _ := l.All(ctx, audit.Filter{}, 10)
	if len(all) != 1 || all[0].Target.ID != "applied" {
		t.Fatalf("log holds %+v after failed writes, want the applied one alone", all)
	}
	if err := ob.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.C("outbox").CountDocuments(ctx, map[string]any{}); n != 0 {
		t.Errorf("%d records left, want 0", n)
	}
}

// A record left by a process killed after its action's write (Begin, the
// write, no Done) is replayed at the next start: appended when the target
// holds the After values, dropped when the write never happened, and
// appended once when the dead process had appended it already.
func TestPendingReplayedAtStart(t *testing.T) {
	st := testenv.Store(t)
	c := &clock{t: time.Now()}
	ctx := testenv.Ctx(t)
	dead, deadOutbox := open(t, st, c)
	stored := sample(0)
	stored.Target = audit.Target{Kind: "thread", ID: "written"}
	lost := sample(1)
	lost.Target = audit.Target{Kind: "thread", ID: "unwritten"}
	twice := sample(2)
	twice.Target = audit.Target{Kind: "thread", ID: "written"}
	for _, e := range []audit.Entry{stored, lost} {
		if _, err := dead.Begin(ctx, e); err != nil { // killed before Done
			t.Fatal(err)
		}
	}
	p, err := dead.Begin(ctx, twice)
	if err != nil {
		t.Fatal(err)
	}
	// Appended, killed before the record was deleted: Done's append alone.
	appendOnly(t, dead, p)
	deadOutbox.Close()

	next, ob := open(t, st, c)
	next.Observe("thread", func(ctx context.Context, id string) (map[string]any, error) {
		if id == "written" {
			return map[string]any{"locked": true}, nil
		}
		return map[string]any{"locked": false}, nil
	})
	if err := ob.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	all, err := next.All(ctx, audit.Filter{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range all {
		got = append(got, e.Action+" "+e.Target.ID)
	}
	sort.Strings(got)
	want := []string{stored.Action + " written", twice.Action + " written"}
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after the replay the log holds %v, want %v", got, want)
	}
	if err := ob.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.C("outbox").CountDocuments(ctx, map[string]any{}); n != 0 {
		t.Errorf("%d records left after the replay, want 0", n)
	}
}

// appendOnly appends p's entries the way Done does, leaving its record in
// the outbox (a kill between the append and the record's delete): a
// second Pending over the same entries, whose own record is then dropped.
func appendOnly(t *testing.T, l *audit.Log, p *audit.Pending) {
	t.Helper()
	audit.AppendForTest(testenv.Ctx(t), l, p)
}

// The package's only way to write is Begin and Done: no exported method
// edits or deletes an entry.
func TestNoMutationBesidesAppend(t *testing.T) {
	want := map[string][]string{
		"*audit.Log":     {"Actors", "All", "Begin", "Init", "Observe", "Query"},
		"*audit.Pending": {"Done"},
	}
	for _, v := range []any{&audit.Log{}, &audit.Pending{}} {
		typ := reflect.TypeOf(v)
		var got []string
		for i := range typ.NumMethod() {
			got = append(got, typ.Method(i).Name)
		}
		if fmt.Sprint(got) != fmt.Sprint(want[typ.String()]) {
			t.Errorf("%s exports %v, want only %v", typ, got, want[typ.String()])
		}
	}
}

// Concurrent actions each get their own number: every entry is in the
// log once, numbered 1 to n without a gap.
func TestConcurrentAppends(t *testing.T) {
	st := testenv.Store(t)
	l, _ := open(t, st, &clock{t: time.Now()})
	ctx := testenv.Ctx(t)
	const workers, each = 6, 8
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range each {
				p, err := l.Begin(ctx, sample(w*each+i))
				if err != nil {
					t.Error(err)
					return
				}
				p.Done(ctx, nil)
			}
		}()
	}
	for range workers {
		<-done
	}
	all, err := l.All(ctx, audit.Filter{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for i, e := range all {
		if want := workers*each - i; e.N != want || ids[e.ID] {
			t.Errorf("entry %d: n %d (want %d), id %s seen before %v", i, e.N, want, e.ID, ids[e.ID])
		}
		ids[e.ID] = true
	}
	if len(all) != workers*each {
		t.Errorf("%d entries, want %d", len(all), workers*each)
	}
}
