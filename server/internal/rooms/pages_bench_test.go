package rooms

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/realtime"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// BenchmarkPagesOf50kRoom reads the latest page and random older pages of
// a room of 50,000 messages on the embedded store and reports their p95
// (the target: under 20 ms).
//
//	go test -run '^$' -bench PagesOf50k -benchtime 200x ./server/internal/rooms/
func BenchmarkPagesOf50kRoom(b *testing.B) {
	const n = 50000
	st := testenv.Store(b)
	ctx := context.Background()
	hub := realtime.New(realtime.Options{Log: realtime.NewStoreLog(st, nil)})
	defer hub.Close()
	ob := outbox.New(st, nil)
	defer ob.Close()
	s := New(Deps{Store: st, Publisher: hub, Outbox: ob})
	mod := &account.User{ID: "mod", Name: "Moderatrice", Role: account.RoleModerator, AdministrationID: "a", AdministrationStatus: account.StatusApproved}
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
	rng := rand.New(rand.NewPCG(1, 2))
	var latest, older []time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		p, err := s.Messages(ctx, reader, r.ID, PageQuery{After: NoAfter})
		if err != nil || len(p.Messages) != PageDefault || p.Messages[PageDefault-1].Seq != n {
			b.Fatalf("latest page: %d messages, %v", len(p.Messages), err)
		}
		latest = append(latest, time.Since(t0))
		before := 2 + rng.IntN(n-1)
		t0 = time.Now()
		p, err = s.Messages(ctx, reader, r.ID, PageQuery{Before: before, After: NoAfter})
		if err != nil || len(p.Messages) != min(PageDefault, before-1) {
			b.Fatalf("page before %d: %d messages, %v", before, len(p.Messages), err)
		}
		older = append(older, time.Since(t0))
	}
	b.StopTimer()
	p95 := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)*95/100].Microseconds()) / 1000
	}
	b.ReportMetric(p95(latest), "latest-p95-ms")
	b.ReportMetric(p95(older), "older-p95-ms")
}
