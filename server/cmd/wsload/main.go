// Command wsload measures the realtime hub on loopback: delivery latency of
// events published through the Publisher to N websocket subscribers of one
// topic, and the memory an idle connection costs the server.
//
//	go build -o /tmp/wsload ./server/cmd/wsload
//	/tmp/wsload -subs 1000 -rate 75 -duration 20s -mode both
//	/tmp/wsload -subs 5000 -rate 10 -duration 20s -mode both
//	/tmp/wsload -subs 1000 -duration 10s -mode both -sweep 50,75,100,150,200
//	/tmp/wsload -idle 10000 [-memprofile /tmp/heap]
//
// Rooms (rooms.go): members send over HTTP, every member receives on its
// websocket; rooms × members, messages/s in all:
//
//	/tmp/wsload -rooms 1x1000 -rate 75 -duration 20s
//	/tmp/wsload -rooms 1x5000 -rate 10 -duration 20s
//	/tmp/wsload -rooms 40x50 -rate 200 -duration 20s
//	/tmp/wsload -rooms 1x100 -rate 10 -duration 5s -history 50000 -pages 500
//	/tmp/wsload -rooms 1x10000 -idle 10000 -people 1000
//
// -cpuprofile F writes CPU profiles of the server (F.<mode>, publishing
// phase only) and of the clients (F.client), for go tool pprof.
//
// The board runs in this process (boot.Build on a temporary embedded store,
// listening on 127.0.0.1); the clients run in a child process (this binary
// with -role client), so the server's memory figures are its own. Both
// share the machine's cores. Everything is bounded by -subs and -duration.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/benchstat"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/realtime"
	"github.com/cantieri/tavolo/server/internal/store"
)

const topic = "bench:1"

var cpuProfile, memProfile string

func main() {
	role := flag.String("role", "server", "server, or client (started by the server)")
	subs := flag.Int("subs", 1000, "subscribers")
	rate := flag.Float64("rate", 75, "events per second")
	duration := flag.Duration("duration", 20*time.Second, "how long to publish")
	mode := flag.String("mode", "both", "persisted, memory or both")
	idle := flag.Int("idle", 0, "measure N idle connections instead of latency")
	payload := flag.Int("payload", 200, "bytes of padding per event")
	url := flag.String("url", "", "client: ws URL")
	origin := flag.String("origin", "", "client: Origin header")
	tokens := flag.String("tokens", "", "client: file of session tokens")
	needle := flag.String("needle", `"t":`, "client: the text before each message's send time (ns)")
	roomSpec := flag.String("rooms", "", "rooms mode: RxM, R rooms of M members each (see rooms.go)")
	people := flag.Int("people", 0, "rooms: distinct users the members are spread over (0: one each)")
	history := flag.Int("history", 0, "rooms: messages in a room whose latest and older pages are read")
	pages := flag.Int("pages", 200, "rooms: reads of each kind of page (with -history)")
	sweep := flag.String("sweep", "", "comma-separated rates: measure each (with -mode, -subs, -duration) and report the largest with p99 < 100 ms")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "server: write a CPU profile of each publishing phase to FILE.<mode>")
	flag.StringVar(&memProfile, "memprofile", "", "server: write a heap profile of the idle connections to FILE")
	flag.Parse()
	raiseFileLimit()
	if *role == "client" {
		if cpuProfile != "" {
			if f, err := os.Create(cpuProfile); err == nil {
				_ = pprof.StartCPUProfile(f)
				defer pprof.StopCPUProfile()
			}
		}
		if err := runClients(*url, *origin, *tokens, []byte(*needle)); err != nil {
			fmt.Fprintln(os.Stderr, "wsload client:", err)
			os.Exit(1)
		}
		return
	}
	if *subs <= 0 || *subs > 20000 || *idle > 20000 || *rate <= 0 || *duration > 5*time.Minute {
		fmt.Fprintln(os.Stderr, "wsload: bounds: subs and idle ≤ 20000, rate > 0, duration ≤ 5m")
		os.Exit(2)
	}
	var err error
	if *roomSpec != "" {
		err = rooms(*roomSpec, *mode, *idle, *people, *history, *pages, *rate, *duration)
	} else if *idle > 0 {
		err = measureIdle(*idle)
	} else if *sweep != "" {
		err = runSweep(*sweep, *mode, *subs, *duration, *payload)
	} else {
		modes := []string{*mode}
		if *mode == "both" {
			modes = []string{"persisted", "memory"}
		}
		var results []result
		for _, m := range modes {
			var r result
			if r, err = measureLatency(m, *subs, *rate, *duration, *payload); err != nil {
				break
			}
			results = append(results, r)
		}
		printResults(*subs, *rate, *duration, results)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wsload:", err)
		os.Exit(1)
	}
}

// runSweep measures each rate in each mode and reports, per mode, the
// largest rate whose p99 stayed under 100 ms with nothing dropped.
func runSweep(list, mode string, n int, d time.Duration, pad int) error {
	var rates []float64
	for _, f := range strings.Split(list, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || r <= 0 || r > 2000 {
			return fmt.Errorf("bad -sweep rate %q", f)
		}
		rates = append(rates, r)
	}
	if len(rates) > 10 {
		return fmt.Errorf("-sweep: at most 10 rates")
	}
	modes := []string{mode}
	if mode == "both" {
		modes = []string{"persisted", "memory"}
	}
	best, failed := map[string]float64{}, map[string]bool{}
	for _, rate := range rates {
		var results []result
		for _, m := range modes {
			r, err := measureLatency(m, n, rate, d, pad)
			if err != nil {
				return err
			}
			results = append(results, r)
			// The largest rate before the first that misses (or whose
			// publisher could not keep up with the ticker).
			ok := r.p99 < 100*time.Millisecond && r.dropped == 0 && r.failed == 0 && float64(r.published) >= 0.95*rate*d.Seconds()
			if !ok {
				failed[m] = true
			} else if !failed[m] {
				best[m] = rate
			}
		}
		printResults(n, rate, d, results)
		fmt.Println()
	}
	for _, m := range modes {
		fmt.Printf("largest rate with p99 < 100 ms at %d subscribers, %s: %.0f/s\n", n, m, best[m])
	}
	return nil
}

// rooms runs the rooms mode: the idle measurement with -idle, else the
// latency scenario (and the paging one with -history).
func rooms(spec, mode string, idle, people, history, pages int, rate float64, d time.Duration) error {
	r, m, err := parseRooms(spec)
	if err != nil {
		return err
	}
	o := roomsOptions{rooms: r, members: m, people: people, rate: rate, duration: d, history: history, pages: pages, modes: []string{mode}}
	if mode == "both" {
		o.modes = []string{"persisted", "memory"}
	}
	if err := o.check(); err != nil {
		return err
	}
	if idle > 0 {
		return measureIdleRooms(idle, people)
	}
	return runRooms(o)
}

func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}

// board is a running board on a temporary store, with n sessions of one user.
type board struct {
	b      *boot.Board
	st     *store.Store
	url    string
	origin string
	tokens string // file
	dir    string
}

func startBoard(ctx context.Context, mode string, n int) (*board, error) {
	boot.TuneGC() // as the board's main does
	dir, err := os.MkdirTemp("", "wsload-")
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := store.Open(ctx, store.Options{DataDir: dir, Database: "wsload", Logger: log})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	cfg := config.Default()
	cfg.Addr = ln.Addr().String()
	cfg.PublicURL = "http://" + cfg.Addr
	cfg.DataDir = dir
	var opts []boot.Option
	if mode == "memory" {
		opts = append(opts, boot.WithEventLog(realtime.NewMemoryLog()))
	}
	b, err := boot.Build(ctx, cfg, st, log, opts...)
	if err != nil {
		return nil, err
	}
	b.Hub.Authorize("bench", func(context.Context, *account.User, string) error { return nil })
	go func() { _ = b.App.Listener(ln) }()

	a, err := b.Accounts.NewApprovedAdministration(ctx, "wsload", "Comune di Carico", "comune", "lazio")
	if err != nil {
		return nil, err
	}
	u, err := b.Accounts.NewMember(ctx, a.ID, account.Credentials{Name: "Carico", Email: "carico@example.it", Password: "password-di-carico"}, account.RoleParticipant)
	if err != nil {
		return nil, err
	}
	var sb strings.Builder
	for i := 0; i < n; i++ {
		tok, err := b.Accounts.CreateSession(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		sb.WriteString(tok + "\n")
	}
	tokens := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokens, []byte(sb.String()), 0o600); err != nil {
		return nil, err
	}
	return &board{b: b, st: st, url: "ws://" + cfg.Addr + "/ws", origin: cfg.PublicURL, tokens: tokens, dir: dir}, nil
}

func (bd *board) close() {
	_ = bd.b.App.ShutdownWithTimeout(5 * time.Second)
	bd.b.Close()
	_ = bd.st.Close(context.Background())
	_ = os.RemoveAll(bd.dir)
}

// child is the client process.
type child struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Reader
	start time.Time
}

// startClients starts the client process on bd's tokens file; needle is
// what precedes the send time in the messages it times.
func startClients(bd *board, needle string) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"-role", "client", "-url", bd.url, "-origin", bd.origin, "-tokens", bd.tokens, "-needle", needle}
	if cpuProfile != "" {
		args = append(args, "-cpuprofile", cpuProfile+".client")
	}
	cmd := exec.Command(self, args...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ch := &child{cmd: cmd, in: in, out: bufio.NewReader(out), start: time.Now()}
	line, err := ch.out.ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("clients did not start: %q %v", line, err)
	}
	return ch, nil
}

// stop asks the clients for their report and waits for them.
func (ch *child) stop() (clientReport, error) {
	var r clientReport
	_, _ = io.WriteString(ch.in, "stop\n")
	err := json.NewDecoder(ch.out).Decode(&r)
	_ = ch.cmd.Wait()
	return r, err
}

type result struct {
	mode                   string
	published, failed      int
	report                 clientReport
	dropped                int64
	p50, p95, p99, maxLat  time.Duration
	publishP50, publishP99 time.Duration
}

func measureLatency(mode string, n int, rate float64, d time.Duration, pad int) (result, error) {
	ctx := context.Background()
	bd, err := startBoard(ctx, mode, n)
	if err != nil {
		return result{}, err
	}
	defer bd.close()
	ch, err := startClients(bd, `"t":`)
	if err != nil {
		return result{}, err
	}
	fmt.Fprintf(os.Stderr, "%s: %d clients subscribed in %s; publishing %.0f/s for %s\n", mode, n, time.Since(ch.start).Round(time.Millisecond), rate, d)
	padding := strings.Repeat("x", pad)
	type outcome struct {
		took time.Duration
		err  error
	}
	outcomes := make(chan outcome, int(rate*d.Seconds())+16)
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile + "." + mode)
		if err != nil {
			return result{}, err
		}
		defer f.Close()
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	end := time.Now().Add(d)
	sent := 0
	for now := range tick.C {
		if now.After(end) {
			break
		}
		sent++
		// Each publish in its own goroutine, as concurrent requests do.
		go func() {
			start := time.Now()
			_, err := bd.b.Hub.Publish(ctx, topic, "bench", map[string]any{"t": start.UnixNano(), "pad": padding})
			outcomes <- outcome{time.Since(start), err}
		}()
	}
	tick.Stop()
	r := result{mode: mode}
	var pubs []time.Duration
	for i := 0; i < sent; i++ {
		o := <-outcomes
		if o.err != nil {
			r.failed++
			continue
		}
		r.published++
		pubs = append(pubs, o.took)
	}
	time.Sleep(2 * time.Second) // let the last deliveries land
	r.dropped = bd.b.Hub.Stats().Dropped
	if r.report, err = ch.stop(); err != nil {
		return r, fmt.Errorf("client report: %w", err)
	}
	lat := r.report.Latencies
	slices.Sort(lat)
	r.p50, r.p95, r.p99 = benchstat.Percentile(lat, 50), benchstat.Percentile(lat, 95), benchstat.Percentile(lat, 99)
	if len(lat) > 0 {
		r.maxLat = time.Duration(lat[len(lat)-1])
	}
	slices.Sort(pubs)
	r.publishP50, r.publishP99 = benchstat.Percentile(pubs, 50), benchstat.Percentile(pubs, 99)
	return r, nil
}

func printResults(n int, rate float64, d time.Duration, rs []result) {
	fmt.Printf("subscribers %d, %.0f events/s for %s, one topic\n", n, rate, d)
	fmt.Printf("%-10s %9s %9s %9s %9s %18s %8s %8s %14s %9s\n", "mode", "p50", "p95", "p99", "max", "delivered/expected", "dropped", "closed", "publish p50/p99", "published")
	for _, r := range rs {
		fmt.Printf("%-10s %9s %9s %9s %9s %9d/%-8d %8d %8d %6s/%-6s %7.0f/s\n", r.mode,
			ms(r.p50), ms(r.p95), ms(r.p99), ms(r.maxLat), len(r.report.Latencies), r.published*n,
			r.dropped, r.report.Closed, ms(r.publishP50), ms(r.publishP99), float64(r.published)/d.Seconds())
	}
	if len(rs) == 2 && rs[1].p99 > 0 {
		fmt.Printf("p99 persisted/memory: %.2f\n", float64(rs[0].p99)/float64(rs[1].p99))
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/1e6) }

// measureIdle opens n idle connections (each subscribed to the topic) and
// reports what they cost the server process.
func measureIdle(n int) error {
	ctx := context.Background()
	bd, err := startBoard(ctx, "persisted", n)
	if err != nil {
		return err
	}
	defer bd.close()
	return idleWaves(bd)
}

// idleWaves opens bd's connections twice, measuring the server each time.
func idleWaves(bd *board) error {
	// A first wave of the same connections, measured too, then closed: it
	// grows what does not depend on their number (the embedded database's
	// connection pool and SQLite page caches, warmed by the 10,000 session
	// lookups; sync.Pools), so the second wave measures the connections' own
	// cost.
	coldBefore := sample()
	ch, err := startClients(bd, `"t":`)
	if err != nil {
		return err
	}
	time.Sleep(3 * time.Second) // let the handshakes' garbage go
	coldAfter := sample()
	coldOpen := bd.b.Hub.Stats().Open
	if _, err := ch.stop(); err != nil {
		return err
	}
	for deadline := time.Now().Add(15 * time.Second); bd.b.Hub.Stats().Open > 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // past the session cache's TTL: the second wave reads the sessions again
	before := sample()
	if ch, err = startClients(bd, `"t":`); err != nil {
		return err
	}
	time.Sleep(3 * time.Second)
	after := sample()
	open := bd.b.Hub.Stats().Open
	if memProfile != "" {
		if f, err := os.Create(memProfile); err == nil {
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
	if _, err := ch.stop(); err != nil {
		return err
	}
	per := func(a, b uint64) string { return fmt.Sprintf("%.1f KiB", (float64(b)-float64(a))/float64(open)/1024) }
	fmt.Printf("first wave (cold): %d connections, VmRSS %.1f -> %.1f MiB, %.1f KiB per connection\n", coldOpen,
		mib(coldBefore.rss), mib(coldAfter.rss), (float64(coldAfter.rss)-float64(coldBefore.rss))/float64(max(coldOpen, 1))/1024)
	fmt.Printf("second wave: idle connections open: %d (server process only; clients in a child process)\n", open)
	fmt.Printf("%-12s %12s %12s %14s\n", "", "before", "after", "per connection")
	fmt.Printf("%-12s %10.1f MiB %10.1f MiB %14s\n", "VmRSS", mib(before.rss), mib(after.rss), per(before.rss, after.rss))
	fmt.Printf("%-12s %10.1f MiB %10.1f MiB %14s\n", "HeapInuse", mib(before.heap), mib(after.heap), per(before.heap, after.heap))
	fmt.Printf("%-12s %10.1f MiB %10.1f MiB %14s\n", "StackInuse", mib(before.stack), mib(after.stack), per(before.stack, after.stack))
	fmt.Printf("%-12s %10.1f MiB %10.1f MiB %14s\n", "Go runtime", mib(before.runtime), mib(after.runtime), per(before.runtime, after.runtime))
	fmt.Printf("%-12s %10.1f MiB %10.1f MiB %14s\n", "other (RSS-)", mib(before.other()), mib(after.other()), per(before.other(), after.other()))
	fmt.Printf("goroutines: %d -> %d\n", before.goroutines, after.goroutines)
	return nil
}

type memSample struct {
	rss, heap, stack, runtime uint64
	goroutines                int
}

// other is resident memory outside the Go heap, stacks and runtime
// structures: mostly the embedded database's (SQLite) page caches.
func (m memSample) other() uint64 {
	if go_ := m.heap + m.stack + m.runtime; go_ < m.rss {
		return m.rss - go_
	}
	return 0
}

func sample() memSample {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	rt := m.MSpanInuse + m.MCacheInuse + m.GCSys + m.OtherSys + m.BuckHashSys + (m.HeapIdle - m.HeapReleased)
	return memSample{rss: uint64(benchstat.RSS(os.Getpid())), heap: m.HeapInuse, stack: m.StackInuse, runtime: rt, goroutines: runtime.NumGoroutine()}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
