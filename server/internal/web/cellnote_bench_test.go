package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/benchstat"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/realtime/rttest"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// BenchmarkRecordEditReachesViewers: "a record edit reaches 100 viewers of
// a table with p99 under 200 ms". 100 people, each on their own session
// and websocket, subscribe to experience:<id> (what a table viewer does for
// each column); one editor saves the record N times over HTTP PUT, one
// save after the last viewer got the previous one. Each sample is one
// viewer's PUT-start → experience.updated-received; reported p50/p99/max
// over every viewer and edit, and the PUT's own latency. Loopback, the
// embedded store, the stored topic log.
//
//	go test -run '^$' -bench RecordEditReachesViewers -benchtime 100x ./server/internal/web/
func BenchmarkRecordEditReachesViewers(b *testing.B) {
	const viewers = 100
	env := webtest.Start(b, nil)
	editor, _ := env.NewUser(account.RoleParticipant)
	var e experiences.Experience
	editor.Expect(201, "POST", "/api/v1/experiences", map[string]any{"fields": expFields("Esperienza osservata")}).JSON(b, &e)
	editor.Expect(200, "POST", "/api/v1/experiences/"+e.ID+"/publish", map[string]any{"base_version": e.Version}).JSON(b, &e)

	topic := experiences.Topic(e.ID)
	got := make(chan int, viewers*4) // the version each viewer received, one send per event
	var wg sync.WaitGroup
	received := make([][]time.Time, viewers) // by viewer, by edit
	conns := make([]*rttest.Client, 0, viewers)
	start := time.Now()
	for i := range viewers {
		c, _ := env.NewUser(account.RoleParticipant)
		h := http.Header{"Origin": {env.Base}, "Cookie": {"tavolo_session=" + c.Cookie("tavolo_session")}}
		ws, res, err := rttest.Dial(b, "ws"+strings.TrimPrefix(env.Base, "http")+"/ws", h)
		if err != nil {
			b.Fatalf("dial %d: %v (%v)", i, err, res)
		}
		ws.Hello()
		if _, m := ws.Subscribe(topic, -1); m.Type != "subscribed" {
			b.Fatalf("subscribe %d: %+v", i, m)
		}
		conns = append(conns, ws)
		wg.Add(1)
		go func() { // the viewer's reader: stamps each update as it arrives
			defer wg.Done()
			for {
				m, err := ws.Next(time.Minute)
				if err != nil {
					return // closed at the end
				}
				if m.Type != "event" || m.Event != experiences.EventUpdated {
					continue
				}
				at := time.Now()
				var u experiences.Updated
				if json.Unmarshal(m.Data, &u) != nil {
					continue
				}
				received[i] = append(received[i], at)
				got <- u.Version
			}
		}()
	}
	b.Logf("%d viewers subscribed in %v", viewers, time.Since(start).Round(time.Millisecond))

	put := editor.HTTP
	csrf := editor.CSRF()
	b.Run(fmt.Sprintf("viewers=%d", viewers), func(b *testing.B) {
		var starts []time.Time
		var putLat []int64
		for n := range b.N {
			f := expFields("Esperienza osservata")
			f["n_offerte"] = n + 1
			body, _ := json.Marshal(map[string]any{"base_version": e.Version, "fields": f})
			req, _ := http.NewRequest("PUT", env.Base+"/api/v1/experiences/"+e.ID, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", csrf)
			t0 := time.Now()
			res, err := put.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			putLat = append(putLat, int64(time.Since(t0)))
			var saved experiences.Experience
			err = json.NewDecoder(res.Body).Decode(&saved)
			res.Body.Close()
			if err != nil || res.StatusCode != 200 {
				b.Fatalf("PUT %d: status %d (%v)", n, res.StatusCode, err)
			}
			starts = append(starts, t0)
			e.Version = saved.Version
			for range viewers { // every viewer has this version before the next edit
				select {
				case v := <-got:
					if v != saved.Version {
						b.Fatalf("a viewer got version %d, want %d", v, saved.Version)
					}
				case <-time.After(10 * time.Second):
					b.Fatalf("edit %d: not every viewer got it within 10 s", n)
				}
			}
		}
		b.StopTimer()
		var lat []int64
		for _, rs := range received {
			for k, at := range rs[len(rs)-len(starts):] {
				lat = append(lat, int64(at.Sub(starts[k])))
			}
		}
		slices.Sort(lat)
		slices.Sort(putLat)
		b.ReportMetric(float64(benchstat.Percentile(lat, 50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(benchstat.Percentile(lat, 99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(time.Duration(lat[len(lat)-1]).Microseconds())/1000, "max-ms")
		b.ReportMetric(float64(benchstat.Percentile(putLat, 50).Microseconds())/1000, "put-p50-ms")
		b.ReportMetric(float64(benchstat.Percentile(putLat, 99).Microseconds())/1000, "put-p99-ms")
		b.ReportMetric(float64(len(lat)), "samples")
	})
	for _, ws := range conns { // ends the readers
		_ = ws.WS.Close()
	}
	wg.Wait()
}
