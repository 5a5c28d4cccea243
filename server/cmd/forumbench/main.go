// Command forumbench seeds a forum into a fresh embedded store (20
// categories, 2,000 threads, 20,000 posts, one thread with 500), then runs
// the board in a child process and measures the forum API over loopback
// HTTP, logged in: thread pages, the category page, replies and search, at
// 1 and 32 connections, with the server's resident memory.
//
//	go run ./server/cmd/forumbench                # full size, ~10 s per scenario
//	go run ./server/cmd/forumbench -threads 200 -posts 2000 -duration 3s
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/benchstat"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/store"
)

func main() {
	var o options
	flag.StringVar(&o.role, "role", "bench", "internal: bench or server")
	flag.StringVar(&o.dataDir, "data", "", "data directory (default: a temporary one, removed afterwards)")
	flag.StringVar(&o.addr, "addr", "", "internal: server address")
	flag.IntVar(&o.categories, "categories", 20, "categories")
	flag.IntVar(&o.threads, "threads", 2000, "threads")
	flag.IntVar(&o.posts, "posts", 20000, "posts in all, opening posts included")
	flag.IntVar(&o.big, "big", 500, "posts in the one big thread")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "time per scenario and connection count")
	flag.IntVar(&o.maxRequests, "max-requests", 100000, "request cap per scenario")
	flag.StringVar(&o.conns, "conns", "1,32", "connection counts")
	flag.StringVar(&o.only, "only", "", "run only the scenarios whose name contains this")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var err error
	if o.role == "server" {
		err = serve(o, log)
	} else {
		err = bench(o, log)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "forumbench:", err)
		os.Exit(1)
	}
}

type options struct {
	role, dataDir, addr, conns, only             string
	categories, threads, posts, big, maxRequests int
	duration                                     time.Duration
}

func boardConfig(dataDir, addr string) config.Config {
	cfg := config.Default()
	cfg.DataDir = dataDir
	cfg.Addr = addr
	cfg.PublicURL = "http://" + addr
	return cfg
}

func openBoard(ctx context.Context, cfg config.Config, log *slog.Logger, mon *event.CommandMonitor) (*boot.Board, func(), error) {
	st, err := store.Open(ctx, store.Options{DataDir: cfg.DataDir, Database: cfg.Database, Logger: log, Monitor: mon})
	if err != nil {
		return nil, nil, err
	}
	b, err := boot.Build(ctx, cfg, st, log)
	if err != nil {
		_ = st.Close(ctx)
		return nil, nil, err
	}
	return b, func() { b.Close(); _ = st.Close(context.Background()) }, nil
}

// serve runs the board until SIGTERM (the child process).
func serve(o options, log *slog.Logger) error {
	boot.TuneGC() // as the board's main does
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	var stats *cmdStats
	var mon *event.CommandMonitor
	statsPath := os.Getenv("FORUMBENCH_CMDSTATS") // the server's database commands, summed, at the end of the run
	if statsPath != "" {
		stats = newCmdStats()
		mon = stats.monitor()
	}
	b, closeBoard, err := openBoard(ctx, boardConfig(o.dataDir, o.addr), log, mon)
	if err != nil {
		return err
	}
	defer closeBoard()
	if stats != nil {
		defer func() {
			if f, err := os.Create(statsPath); err == nil {
				stats.write(f)
				f.Close()
			}
		}()
	}
	if path := os.Getenv("FORUMBENCH_CPUPROFILE"); path != "" { // the server's CPU profile, for the run
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	if path := os.Getenv("FORUMBENCH_MEMPROFILE"); path != "" { // the server's heap at the end of the run
		defer func() {
			if f, err := os.Create(path); err == nil {
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		}()
	}
	go func() { <-ctx.Done(); _ = b.App.ShutdownWithTimeout(5 * time.Second) }()
	return b.App.Listen(o.addr)
}

func bench(o options, log *slog.Logger) error {
	if o.dataDir == "" {
		dir, err := os.MkdirTemp("", "forumbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.dataDir = dir
	}
	ctx := context.Background()
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	cfg := boardConfig(o.dataDir, addr)

	t0 := time.Now()
	b, closeBoard, err := openBoard(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	fx, err := seed(ctx, b, o)
	closeBoard()
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Printf("seeded %d categories, %d threads, %d posts (big thread %s: %d posts) in %v\n",
		o.categories, o.threads, o.posts, fx.bigThread, o.big, time.Since(t0).Round(time.Millisecond))

	self, err := os.Executable()
	if err != nil {
		return err
	}
	child := exec.Command(self, "-role", "server", "-data", o.dataDir, "-addr", addr)
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		return err
	}
	defer func() { _ = child.Process.Signal(syscall.SIGTERM); _ = child.Wait() }()
	base := "http://" + addr
	if err := waitReady(base); err != nil {
		return err
	}
	rss := newRSSSampler(child.Process.Pid)
	defer rss.stop()

	var conns []int
	for _, s := range strings.Split(o.conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("bad -conns %q", o.conns)
		}
		conns = append(conns, n)
	}
	fmt.Printf("\n%-34s %5s %9s %8s %8s %8s %8s %6s\n", "scenario", "conns", "req/s", "p50", "p95", "p99", "max", "errors")
	for _, sc := range scenarios(fx) {
		if !strings.Contains(sc.name, o.only) {
			continue
		}
		for _, n := range conns {
			r := load(base, fx, sc, n, o.duration, o.maxRequests)
			fmt.Printf("%-34s %5d %9.0f %8s %8s %8s %8s %6d\n", sc.name, n, r.rate, ms(r.p50), ms(r.p95), ms(r.p99), ms(r.max), r.errors)
		}
	}
	fmt.Printf("\nserver resident memory: max %.0f MiB during the run (pid %d)\n", float64(rss.max())/(1<<20), child.Process.Pid)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitReady(base string) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("server at %s not ready", base)
}

// scenario builds one request; i is the request's number in its worker.
type scenario struct {
	name string
	req  func(fx *fixture, rnd *rand.Rand) (method, path, body string)
}

func scenarios(fx *fixture) []scenario {
	return []scenario{
		{"thread page (500 posts, page 1)", func(fx *fixture, _ *rand.Rand) (string, string, string) {
			return "GET", "/api/v1/threads/" + fx.bigThread, ""
		}},
		{"thread page (ordinary)", func(fx *fixture, rnd *rand.Rand) (string, string, string) {
			return "GET", "/api/v1/threads/" + fx.threads[rnd.IntN(len(fx.threads))], ""
		}},
		{"category page", func(fx *fixture, rnd *rand.Rand) (string, string, string) {
			return "GET", "/api/v1/categories/" + fx.categories[rnd.IntN(len(fx.categories))] + "/threads", ""
		}},
		{"reply (POST)", func(fx *fixture, rnd *rand.Rand) (string, string, string) {
			body := fmt.Sprintf(`{"body":%q}`, sentence(rnd, 30))
			return "POST", "/api/v1/threads/" + fx.threads[rnd.IntN(len(fx.threads))] + "/posts", body
		}},
		{"search", func(fx *fixture, rnd *rand.Rand) (string, string, string) {
			return "GET", "/api/v1/search?q=" + searchTerms[rnd.IntN(len(searchTerms))], ""
		}},
	}
}

var searchTerms = []string{"capitolato", "qualita", "esternalizzazione", "penali+servizio", "attivita", "contratto+monitoraggio"}

type result struct {
	rate               float64
	p50, p95, p99, max time.Duration
	errors             int64
}

// load runs n workers, each with its own keep-alive connection and session,
// for d or until max requests.
func load(base string, fx *fixture, sc scenario, n int, d time.Duration, max int) result {
	var (
		mu      sync.Mutex
		lat     []time.Duration
		errs    atomic.Int64
		count   atomic.Int64
		wg      sync.WaitGroup
		started = time.Now()
		until   = started.Add(d)
	)
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			tr := &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1}
			defer tr.CloseIdleConnections()
			cl := &http.Client{Transport: tr, Timeout: 30 * time.Second}
			token := fx.tokens[w%len(fx.tokens)]
			rnd := rand.New(rand.NewPCG(uint64(w), uint64(started.UnixNano())))
			var mine []time.Duration
			for time.Now().Before(until) && count.Add(1) <= int64(max) {
				method, path, body := sc.req(fx, rnd)
				req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
				req.Header.Set("Cookie", "tavolo_session="+token+"; tavolo_csrf=bench-csrf-token-0123")
				req.Header.Set("X-CSRF-Token", "bench-csrf-token-0123")
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				t := time.Now()
				res, err := cl.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode >= 400 {
						err = fmt.Errorf("status %d", res.StatusCode)
					}
				}
				mine = append(mine, time.Since(t))
				if err != nil {
					if errs.Add(1) == 1 {
						fmt.Fprintf(os.Stderr, "%s: %s %s: %v\n", sc.name, method, path, err)
					}
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(started)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) time.Duration { return benchstat.Percentile(lat, p) }
	return result{rate: float64(len(lat)) / elapsed.Seconds(), p50: q(50), p95: q(95), p99: q(99), max: q(100), errors: errs.Load()}
}

// rssSampler polls the child's VmRSS.
type rssSampler struct {
	peak atomic.Int64
	done chan struct{}
}

func newRSSSampler(pid int) *rssSampler {
	s := &rssSampler{done: make(chan struct{})}
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			if v := benchstat.RSS(pid); v > s.peak.Load() {
				s.peak.Store(v)
			}
			select {
			case <-s.done:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) stop()      { close(s.done) }
func (s *rssSampler) max() int64 { return s.peak.Load() }
