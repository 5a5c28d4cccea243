package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/realtime/rttest"
	"github.com/cantieri/tavolo/server/internal/tables"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// BenchmarkComparison: 12-column comparisons with 1,000 published records
// in the embedded store. Ad-hoc (GET /compare?ids=, 200 different sets of
// 12) and saved tables (GET /tables/:id/comparison, 50 tables, each viewer
// with seen versions, half of them older than the others', and some records
// edited since, so each viewer's changed marks are computed) over HTTP from 32 connections; the XLSX export of a 12-column
// table in process and over HTTP. Reports p50/p95/p99 and req/s (= tables/s).
//
//	go test -run '^$' -bench BenchmarkComparison -benchtime 4000x ./server/internal/web/
func BenchmarkComparison(b *testing.B) {
	env := webtest.Start(b, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // seeding 1,000 records outlasts testenv.Ctx
	defer cancel()
	users, ids := seedPublished(ctx, b, env, 1000)
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() []string {
		out := make([]string, 0, tables.MaxColumns)
		for _, i := range rng.Perm(len(ids))[:tables.MaxColumns] {
			out = append(out, ids[i])
		}
		return out
	}
	var adHoc []string
	for range 200 {
		adHoc = append(adHoc, "/api/v1/compare?ids="+strings.Join(pick(), ","))
	}
	var saved []string
	var first tables.Table
	for i := range 50 {
		u := users[i%len(users)]
		tb, err := env.Board.Tables.Create(ctx, u, tables.NewTable{Name: fmt.Sprintf("Tavolo %d", i), Experiences: pick()})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			first = tb
		}
		for _, v := range users {
			if err := env.Board.Tables.MarkSeen(ctx, v, tb.ID); err != nil {
				b.Fatal(err)
			}
		}
		saved = append(saved, "/api/v1/tables/"+tb.ID+"/comparison")
	}
	// Edits after the viewers looked: their comparisons mark the changes.
	// Half the viewers look again after half the edits, so viewers of one
	// table have different seen versions (their marks differ; the shared
	// part does not).
	for i := range 100 {
		if i == 50 {
			for j, u := range users {
				for _, p := range saved {
					if j%2 == 1 {
						if err := env.Board.Tables.MarkSeen(ctx, u, strings.TrimSuffix(strings.TrimPrefix(p, "/api/v1/tables/"), "/comparison")); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
		}
		id := ids[rng.IntN(len(ids))]
		e, err := env.Board.Experiences.Get(ctx, users[0], id, "it")
		if err != nil {
			b.Fatal(err)
		}
		owner := users[0]
		for _, u := range users {
			if u.AdministrationID == e.Amministrazione.ID {
				owner = u
			}
		}
		f := e.Fields
		f.Procedura = "ristretta"
		f.Titolo = fmt.Sprintf("%s (rev. %d)", f.Titolo, i)
		if _, err := env.Board.Experiences.Update(ctx, owner, id, experiences.Save{BaseVersion: e.Version, Fields: f}, "it"); err != nil {
			b.Fatal(err)
		}
	}

	// The seeding's background work (search indexing, outbox) is over
	// before the figures start.
	if err := env.Board.SearchQueue.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	if err := env.Board.Outbox.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	runtime.GC()

	b.Run("in-process", func(b *testing.B) {
		lat := make([]int64, 0, b.N)
		for i := range b.N {
			set := strings.TrimPrefix(adHoc[i%len(adHoc)], "/api/v1/compare?ids=")
			t0 := time.Now()
			if _, err := env.Board.Tables.Compare(ctx, users[0], strings.Split(set, ","), "it"); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, int64(time.Since(t0)))
		}
		reportPercentiles(b, lat)
	})
	b.Run("adhoc/conns=32", func(b *testing.B) { httpLoad(b, env, users, adHoc, 32) })
	b.Run("saved/conns=32", func(b *testing.B) { httpLoad(b, env, users, saved, 32) })
	// The same once every viewer has looked at every table: a viewer's
	// first look reads their stored marks (a quarter of the requests above).
	b.Run("saved-warm/conns=32", func(b *testing.B) {
		for _, u := range users {
			c := env.Client()
			c.LoginAs(u)
			for _, p := range saved {
				c.Expect(200, "GET", p, nil)
			}
		}
		httpLoad(b, env, users, saved, 32)
	})
	b.Run("xlsx/in-process", func(b *testing.B) {
		lat := make([]int64, 0, b.N)
		var size int
		for range min(b.N, 200) { // an export is rarer than a view: 200 tell the time
			t0 := time.Now()
			f, err := env.Board.Tables.Export(ctx, users[0], first.ID, tables.FormatXLSX)
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := f.Write(&buf); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, int64(time.Since(t0)))
			size = buf.Len()
		}
		b.Logf("a 12-column XLSX is %d bytes", size)
		reportPercentiles(b, lat)
	})
	b.Run("xlsx/http", func(b *testing.B) {
		c := env.Client()
		c.LoginAs(users[0])
		lat := make([]int64, 0, b.N)
		for range min(b.N, 200) { // an export is rarer than a view: 200 tell the time
			t0 := time.Now()
			res, err := c.HTTP.Get(env.Base + "/api/v1/tables/" + first.ID + "/export?format=xlsx")
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Fatalf("status %d", res.StatusCode)
			}
			lat = append(lat, int64(time.Since(t0)))
		}
		reportPercentiles(b, lat)
	})
}

// BenchmarkTableFanout: a change of a saved table reaches 100 viewers (100
// websocket connections of 10 people subscribed to table:<id>): the time
// from the PATCH being sent to each viewer reading table.updated, over
// b.N changes (at most 100). Reports p50/p95/p99.
//
//	go test -run '^$' -bench BenchmarkTableFanout -benchtime 50x ./server/internal/web/
func BenchmarkTableFanout(b *testing.B) {
	env := webtest.Start(b, nil)
	ctx := context.Background()
	owner, ou := env.NewUser(account.RoleParticipant)
	var ids []string
	for i := range 2 {
		e, err := env.Board.Experiences.Create(ctx, ou, experiences.NewExperience{Fields: experiences.Fields{Titolo: fmt.Sprint("Esperienza ", i),
			Ambito: "pulizie", TipoAttivita: "strumentale", Modello: "appalto_servizi", TipoContratto: "servizi", Procedura: "aperta", Esito: "in_esecuzione"}}, "it")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := env.Board.Experiences.Publish(ctx, ou, e.ID, experiences.PublishInput{BaseVersion: 1}, "it"); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	tb, err := env.Board.Tables.Create(ctx, ou, tables.NewTable{Name: "Tavolo", Experiences: ids})
	if err != nil {
		b.Fatal(err)
	}
	const viewers, people = 100, 10
	var sessions []string
	for range people {
		c, _ := env.NewUser(account.RoleParticipant)
		sessions = append(sessions, c.Cookie("tavolo_session"))
	}
	var mu sync.Mutex
	sent := map[int]time.Time{} // table version -> when its PATCH was sent
	var lat []int64
	var round sync.WaitGroup
	for i := range viewers {
		h := http.Header{"Origin": {env.Base}, "Cookie": {"tavolo_session=" + sessions[i%people]}}
		ws, _, err := rttest.Dial(b, "ws"+strings.TrimPrefix(env.Base, "http")+"/ws", h)
		if err != nil {
			b.Fatal(err)
		}
		ws.Hello()
		if _, m := ws.Subscribe(tables.Topic(tb.ID), -1); m.Type != "subscribed" {
			b.Fatalf("subscribe: %+v", m)
		}
		go func() {
			for {
				m, err := ws.Next(time.Minute)
				if err != nil {
					return
				}
				if m.Type != "event" || m.Event != "table.updated" {
					continue
				}
				var t tables.Table
				_ = json.Unmarshal(m.Data, &t)
				mu.Lock()
				lat = append(lat, int64(time.Since(sent[t.Version])))
				mu.Unlock()
				round.Done()
			}
		}()
	}
	b.ResetTimer()
	for i := range min(b.N, 100) {
		round.Add(viewers)
		mu.Lock()
		sent[i+2] = time.Now()
		mu.Unlock()
		owner.Expect(200, "PATCH", "/api/v1/tables/"+tb.ID, map[string]any{"base_version": i + 1, "name": fmt.Sprint("Tavolo ", i)})
		round.Wait()
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}
