package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/benchstat"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// BenchmarkExperienceList: the filtered list over HTTP with 1,000
// published records in the embedded store, from 1 and 8 clients at once,
// each request a different mix of filters and sorts. Reports p50/p95/p99.
// The records are seeded once, through the service (create and publish).
//
//	go test -run '^$' -bench BenchmarkExperienceList -benchtime 2000x ./server/internal/web/
func BenchmarkExperienceList(b *testing.B) {
	env := webtest.Start(b, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // seeding 1,000 records outlasts testenv.Ctx
	defer cancel()
	users, _ := seedPublished(ctx, b, env, 1000)
	queries := []string{
		"ambito=servizi_ict&sort=-importo",
		"procedura=aperta,ristretta&esito=in_esecuzione&sort=titolo",
		"regione=lazio,puglia&categoria=comune&dal=2020-01-01&al=2024-12-31",
		"importo_min=100000&importo_max=800000&sort=-data&page=2",
		"modello=in_house&ambito=pulizie,ristorazione&sort=importo",
		"sort=-aggiornamento&per_page=50",
	}
	// The list's own cost, in process: filter, sort and page the index.
	b.Run("in-process", func(b *testing.B) {
		lat := make([]int64, 0, b.N)
		for i := range b.N {
			q := experiences.ListQuery{Page: 1}
			if err := parseQuery(queries[i%len(queries)], &q); err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			if _, err := env.Board.Experiences.List(ctx, users[0], q); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, int64(time.Since(t0)))
		}
		reportPercentiles(b, lat)
	})
	for _, clients := range []int{1, 8} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			paths := make([]string, len(queries))
			for i, q := range queries {
				paths[i] = "/api/v1/experiences?" + q
			}
			httpLoad(b, env, users, paths, clients)
		})
	}
}

// httpLoad runs b.N GET requests of paths (in turn) from clients at once,
// each on its own session, through a plain HTTP client (the scenario
// tests' contract check stays out of the figures). It reports the
// percentiles and the requests per second.
func httpLoad(b *testing.B, env *webtest.Env, users []*account.User, paths []string, clients int) {
	hcs := make([]*http.Client, clients)
	for i := range hcs {
		c := env.Client()
		c.LoginAs(users[i%len(users)])
		hcs[i] = c.HTTP
	}
	var mu sync.Mutex
	var lat []int64
	b.ResetTimer()
	t0, cpu0 := time.Now(), processCPU()
	var wg sync.WaitGroup
	per := (b.N + clients - 1) / clients
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]int64, 0, per)
			for i := range per {
				t0 := time.Now()
				res, err := hcs[w].Get(env.Base + paths[(w*per+i)%len(paths)])
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				mine = append(mine, int64(time.Since(t0)))
				if res.StatusCode != http.StatusOK {
					b.Errorf("status %d", res.StatusCode)
					return
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(len(lat))/time.Since(t0).Seconds(), "req/s")
	// The CPU this process spent a request, server and client together: on
	// a shared machine, what the requests cost rather than how long they
	// waited for a core.
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(max(len(lat), 1)), "cpu-ms/req")
	reportPercentiles(b, lat)
}

// seedPublished stores n published records of 20 administrations through
// the service (create and publish), with believable amounts, dates and
// lists; it returns a participant of each administration and the ids.
func seedPublished(ctx context.Context, b *testing.B, env *webtest.Env, n int) ([]*account.User, []string) {
	ambiti := []string{"servizi_ict", "paghe_personale", "pulizie", "ristorazione", "tributi_riscossione", "servizi_sociali"}
	procedure := []string{"aperta", "ristretta", "mepa", "affidamento_diretto", "negoziata_senza_bando"}
	modelli := []string{"appalto_servizi", "concessione", "in_house", "global_service"}
	esiti := []string{"in_esecuzione", "concluso_rinnovato", "reinternalizzato", "concluso_nuova_gara"}
	cats := []string{"comune", "regione", "asl", "provincia", "universita"}
	regions := []string{"lazio", "puglia", "veneto", "toscana", "sicilia", "lombardia"}
	var users []*account.User
	for i := range 20 {
		a, err := env.Board.Accounts.NewApprovedAdministration(ctx, fmt.Sprintf("bench_%d", i), fmt.Sprintf("Ente %d", i), cats[i%len(cats)], regions[i%len(regions)])
		if err != nil {
			b.Fatal(err)
		}
		_, u := env.NewUserIn(a.ID, account.RoleParticipant)
		users = append(users, u)
	}
	start := time.Now()
	ids := make([]string, 0, n)
	for i := range n {
		amount := experiences.EuroOf(int64(20_000 + i*7_919%2_000_000))
		months, offers, quality := 12+i%48, 1+i%9, 1+i%5
		delta := float64(i%41 - 20)
		f := experiences.Fields{Titolo: fmt.Sprintf("Esperienza %04d", i), Ambito: ambiti[i%len(ambiti)], TipoAttivita: "strumentale",
			Modello: modelli[i%len(modelli)], TipoContratto: "servizi", Procedura: procedure[i%len(procedure)], Esito: esiti[i%len(esiti)],
			DataAffidamento: fmt.Sprintf("%d-%02d-15", 2018+i%8, 1+i%12), ImportoBaseEur: &amount, ImportoAggiudicatoEur: &amount,
			DurataMesi: &months, NOfferte: &offers, ValutazioneQualita: &quality, DeltaCostoPct: &delta,
			Obiettivi:      []string{"riduzione_costi", "qualita_servizio"},
			FattoriCritici: map[string]int{"sla_e_penali": 1 + i%5, "analisi_make_or_buy": 1 + i%3},
			Indicatori:     []experiences.Indicatore{{Nome: "Tempo di risposta", Unita: "ore", Soglia: ptrTo(4.0), Valore: ptrTo(float64(i % 7))}},
			LezioniApprese: "Un paragrafo di **lezioni apprese** che pesa quanto uno vero, con qualche riga in più per il contenuto."}
		u := users[i%len(users)]
		e, err := env.Board.Experiences.Create(ctx, u, experiences.NewExperience{Fields: f}, "it")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := env.Board.Experiences.Publish(ctx, u, e.ID, experiences.PublishInput{BaseVersion: 1}, "it"); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	b.Logf("seeded %d published records in %v", n, time.Since(start).Round(time.Millisecond))
	return users, ids
}

func ptrTo[T any](v T) *T { return &v }

// processCPU is the user and system time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportPercentiles(b *testing.B, lat []int64) {
	slices.Sort(lat)
	p50, p95, p99 := benchstat.Percentile(lat, 50), benchstat.Percentile(lat, 95), benchstat.Percentile(lat, 99)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	b.Logf("%d requests: p50 %v p95 %v p99 %v", len(lat), p50, p95, p99)
}

// parseQuery fills a ListQuery from a query string as the handler does.
func parseQuery(raw string, q *experiences.ListQuery) error {
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return err
	}
	set := map[string]*string{"ambito": &q.Ambito, "modello": &q.Modello, "procedura": &q.Procedura, "esito": &q.Esito,
		"regione": &q.Regione, "categoria": &q.Categoria, "dal": &q.Dal, "al": &q.Al, "importo_min": &q.ImportoMin,
		"importo_max": &q.ImportoMax, "sort": &q.Sort}
	for k, v := range vals {
		switch k {
		case "page":
			q.Page, err = strconv.Atoi(v[0])
		case "per_page":
			q.PerPage, err = strconv.Atoi(v[0])
		default:
			*set[k] = v[0]
		}
		if err != nil {
			return err
		}
	}
	return nil
}
