package rooms

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/realtime"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// benchService is the rooms on a fresh embedded store with the stored
// realtime log, as the board runs them, and a moderator.
func benchService(b *testing.B) (*Service, *account.User) {
	st := testenv.Store(b)
	hub := realtime.New(realtime.Options{Log: realtime.NewStoreLog(st, nil)})
	b.Cleanup(hub.Close)
	ob := outbox.New(st, nil)
	b.Cleanup(ob.Close)
	s := New(Deps{Store: st, Publisher: hub, Outbox: ob, SendRate: 1 << 30, SendPeriod: time.Second})
	mod := &account.User{ID: "mod", Name: "Moderatrice", Role: account.RoleModerator, AdministrationID: "a", AdministrationStatus: account.StatusApproved}
	return s, mod
}

// BenchmarkSendAck measures a send's acknowledgement (stored, then
// published) with 8 senders at once in 4 rooms, and reports its p50 and p99.
//
//	go test -run '^$' -bench SendAck -benchtime 2000x ./server/internal/rooms/
func BenchmarkSendAck(b *testing.B) { benchSendAck(b, 0) }

// BenchmarkSendAckGone5000 is the same in rooms with 5,000 deleted
// messages each (the list room_gone holds; the room document before).
func BenchmarkSendAckGone5000(b *testing.B) { benchSendAck(b, 5000) }

// BenchmarkSendAckOneRoom has 16 senders in one room: a busy room's sends
// queue together (its committer's batches).
func BenchmarkSendAckOneRoom(b *testing.B) { benchSends(b, 0, 1, 16) }

func benchSendAck(b *testing.B, gone int) { benchSends(b, gone, 4, 8) }

// benchSends runs senders in rooms rooms with gone deleted messages each.
func benchSends(b *testing.B, gone, rooms, senders int) {
	s, mod := benchService(b)
	ctx := context.Background()
	var ids []string
	deleted := make([]int, gone)
	for i := range deleted {
		deleted[i] = i + 1
	}
	for i := range rooms {
		r, err := s.CreateRoom(ctx, mod, NewRoom{Name: fmt.Sprint("Stanza ", i), Kind: KindTheme, Access: AccessOpen, History: HistoryFull, Presence: PresenceNames})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.deps.Store.C(colGone).UpdateOne(ctx, bson.M{"_id": r.ID}, bson.M{"$set": bson.M{"seqs": deleted}}, options.UpdateOne().SetUpsert(true)); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	var mu sync.Mutex
	var acks []time.Duration
	var next atomic.Int64
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range senders {
		u := &account.User{ID: fmt.Sprint("u", w), Name: "Persona", Role: account.RoleParticipant, AdministrationID: "a", AdministrationStatus: account.StatusApproved}
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				t0 := time.Now()
				if _, err := s.Send(ctx, u, ids[w%len(ids)], NewMessage{ClientID: fmt.Sprint(i), Body: "Un messaggio di prova, di lunghezza normale."}); err != nil {
					b.Error(err)
					return
				}
				d := time.Since(t0)
				mu.Lock()
				acks = append(acks, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(acks)
	b.ReportMetric(float64(acks[len(acks)/2].Microseconds())/1000, "ack-p50-ms")
	b.ReportMetric(float64(acks[len(acks)*99/100].Microseconds())/1000, "ack-p99-ms")
}

// BenchmarkPagesOf50kRoom reads the latest page and random older pages of
// a room of 50,000 messages on the embedded store and reports their p95
// (the target: under 20 ms).
//
//	go test -run '^$' -bench PagesOf50k -benchtime 200x ./server/internal/rooms/
func BenchmarkPagesOf50kRoom(b *testing.B) {
	const n = 50000
	s, mod := benchService(b)
	st := s.deps.Store
	ctx := context.Background()
	reader := &account.User{ID: "reader", Name: "Lettrice", Role: account.RoleParticipant, AdministrationID: "b", AdministrationStatus: account.StatusApproved}
	room, err := s.CreateRoom(ctx, mod, NewRoom{Name: "Grande", Kind: KindTheme, Access: AccessOpen, History: HistoryFull, Presence: PresenceNames})
	if err != nil {
		b.Fatal(err)
	}
	r, err := s.loadRoom(ctx, room.ID, true)
	if err != nil {
		b.Fatal(err)
	}
	items := map[int]*messageDoc{}
	at := time.Now().UTC().Truncate(time.Millisecond)
	for seq := 1; seq <= n; seq++ {
		body := fmt.Sprintf("Messaggio numero %d: una riga di testo di lunghezza simile a quella di una chat vera, con **markdown**.", seq)
		m := &messageDoc{Seq: seq, ClientID: fmt.Sprint("c", seq), Author: author{ID: "u" + fmt.Sprint(seq%7), Name: "Persona"},
			Body: body, HTML: "<p>" + body + "</p>", CreatedAt: at, Mentions: mentions{Users: []string{}, Administrations: []string{}}}
		if seq%10 == 0 {
			m.ReplyTo = seq - 3
		}
		items[seq] = m
	}
	docs := s.messages.Docs(r.list(), items)
	for i := 0; i < len(docs); i += 200 {
		if _, err := st.C(colMessages).InsertMany(ctx, docs[i:min(i+200, len(docs))]); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.EnsureIndexes(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := st.C(colRooms).UpdateOne(ctx, bson.M{"_id": r.ID}, bson.M{"$set": bson.M{"head": n}}); err != nil {
		b.Fatal(err)
	}
	s.rooms.Written(r.ID)
	rng := rand.New(rand.NewPCG(1, 2))
	// The process's CPU time per page too (the store runs in it): on a
	// shared machine it moves much less with the load than the wall time.
	var latest, older, latestCPU, olderCPU []time.Duration
	timed := func(wall, cpu *[]time.Duration, q PageQuery) Page {
		c0, t0 := cpuTime(b), time.Now()
		p, err := s.Messages(ctx, reader, r.ID, q)
		*wall, *cpu = append(*wall, time.Since(t0)), append(*cpu, cpuTime(b)-c0)
		if err != nil {
			b.Fatalf("page %+v: %v", q, err)
		}
		return p
	}
	b.ResetTimer()
	for range b.N {
		p := timed(&latest, &latestCPU, PageQuery{After: NoAfter})
		if len(p.Messages) != PageDefault || p.Messages[PageDefault-1].Seq != n {
			b.Fatalf("latest page: %d messages", len(p.Messages))
		}
		before := 2 + rng.IntN(n-1)
		p = timed(&older, &olderCPU, PageQuery{Before: before, After: NoAfter})
		if len(p.Messages) != min(PageDefault, before-1) {
			b.Fatalf("page before %d: %d messages", before, len(p.Messages))
		}
	}
	b.StopTimer()
	p95 := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)*95/100].Microseconds()) / 1000
	}
	mean := func(d []time.Duration) float64 {
		var sum time.Duration
		for _, x := range d {
			sum += x
		}
		return float64(sum.Microseconds()) / 1000 / float64(len(d))
	}
	b.ReportMetric(p95(latest), "latest-p95-ms")
	b.ReportMetric(p95(older), "older-p95-ms")
	b.ReportMetric(mean(latestCPU), "latest-cpu-ms")
	b.ReportMetric(mean(olderCPU), "older-cpu-ms")
}

// cpuTime is the CPU time the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
