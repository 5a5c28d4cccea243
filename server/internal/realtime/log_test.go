package realtime

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/cantieri/tavolo/server/internal/testenv"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// logs returns a fresh log of each kind, so behaviour tests run on both.
func logs(t *testing.T) map[string]Log {
	return map[string]Log{"memory": NewMemoryLog(), "store": NewStoreLog(testenv.Store(t), quiet)}
}

func events(topic string, n int) []*Event {
	evs := make([]*Event, n)
	for i := range evs {
		evs[i] = &Event{Topic: topic, Name: "post.created", Data: []byte(`{"i":1}`), At: time.Now().UTC().Truncate(time.Millisecond)}
	}
	return evs
}

func TestLogAssignsContiguousSeqsAndReplays(t *testing.T) {
	ctx := context.Background()
	for name, l := range logs(t) {
		t.Run(name, func(t *testing.T) {
			// Batches of various sizes, across head strides.
			for _, n := range []int{1, 23, 1, 25, 26, 174, 3} { // 253 in all
				if err := l.Append(ctx, "room:1", events("room:1", n)); err != nil {
					t.Fatal(err)
				}
			}
			if head, _ := l.Head(ctx, "room:1"); head != 253 {
				t.Fatalf("head %d", head)
			}
			if head, _ := l.Head(ctx, "room:2"); head != 0 {
				t.Fatalf("empty topic head %d", head)
			}
			for _, since := range []int64{0, 23, 24, 25, 49, 250, 253} {
				evs, head, err := l.Since(ctx, "room:1", since)
				if err != nil || head != 253 || int64(len(evs)) != head-since {
					t.Fatalf("since %d: %d events, head %d, %v", since, len(evs), head, err)
				}
				for i, e := range evs {
					if e.Seq != since+1+int64(i) || e.Name != "post.created" || string(e.Data) != `{"i":1}` || e.Topic != "room:1" {
						t.Fatalf("since %d: event %d is %+v", since, i, e)
					}
				}
			}
			if _, head, err := l.Since(ctx, "room:1", 254); !errors.Is(err, ErrOutOfWindow) || head != 253 {
				t.Fatalf("ahead of head: %v", err)
			}
		})
	}
}

func TestStoreLogKeepsTheWindowAndItsHead(t *testing.T) {
	ctx := context.Background()
	st := testenv.Store(t)
	l := NewStoreLog(st, quiet)
	for i := 0; i < 13; i++ {
		if err := l.Append(ctx, "thread:x", events("thread:x", 100)); err != nil {
			t.Fatal(err)
		}
	}
	// head 1300: the events before the replay window are deleted in the
	// background, one _id at a time (on a fresh table, until the store's
	// _id index appears, each delete scans it: slow under -race on CI).
	for deadline := time.Now().Add(time.Minute); l.retiredTo("thread:x") < 300; {
		if time.Now().After(deadline) {
			t.Fatalf("events retired up to %d after a minute, want 300", l.retiredTo("thread:x"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	for seq, want := range map[int64]bool{1: false, 300: false, 301: true, 1300: true} {
		err := st.C(colEvents).FindOne(ctx, bson.D{{Key: "_id", Value: eventID("thread:x", seq)}}).Err()
		if (err == nil) != want {
			t.Errorf("event %d kept: %v, want %v", seq, err == nil, want)
		}
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			t.Fatal(err)
		}
	}
	reopened := NewStoreLog(st, quiet)
	if head, err := reopened.Head(ctx, "thread:x"); err != nil || head != 1300 {
		t.Fatalf("head after restart %d, %v", head, err)
	}
	if _, _, err := reopened.Since(ctx, "thread:x", 299); !errors.Is(err, ErrOutOfWindow) {
		t.Fatalf("since 299: %v", err)
	}
	evs, _, err := reopened.Since(ctx, "thread:x", 300)
	if err != nil || len(evs) != ReplayWindow || evs[0].Seq != 301 {
		t.Fatalf("since 300: %d events, %v", len(evs), err)
	}
	if err := reopened.Append(ctx, "thread:x", events("thread:x", 1)); err != nil {
		t.Fatal(err)
	}
	if head, _ := reopened.Head(ctx, "thread:x"); head != 1301 {
		t.Fatalf("head %d", head)
	}
}

// slowLog makes every append take a while, as a busy store does.
type slowLog struct {
	Log
	appends atomic.Int64
}

func (s *slowLog) Append(ctx context.Context, topic string, evs []*Event) error {
	s.appends.Add(1)
	time.Sleep(5 * time.Millisecond)
	return s.Log.Append(ctx, topic, evs)
}

func TestPublishGroupCommitsConcurrentEvents(t *testing.T) {
	l := &slowLog{Log: NewMemoryLog()}
	hub := New(Options{Log: l, Logger: quiet})
	defer hub.Close()
	const n = 200
	var (
		mu  sync.Mutex
		got []int64
		wg  sync.WaitGroup
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seq, err := hub.Publish(context.Background(), "room:1", "post.created", i)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			got = append(got, seq)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	for i, s := range got {
		if s != int64(i+1) {
			t.Fatalf("seqs %v", got)
		}
	}
	if a := l.appends.Load(); a > n/4 {
		t.Fatalf("%d appends for %d events: no group commit", a, n)
	}
}

// BenchmarkStoreLogAppend is one event per append, the cost a publish pays
// when nothing else is queued on its topic.
func BenchmarkStoreLogAppend(b *testing.B) {
	l := NewStoreLog(testenv.Store(b), quiet)
	ctx := context.Background()
	data := []byte(`{"pad":"` + strings.Repeat("x", 200) + `"}`)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := l.Append(ctx, "bench:1", []*Event{{Topic: "bench:1", Name: "e", Data: data, At: time.Now()}}); err != nil {
			b.Fatal(err)
		}
	}
}
