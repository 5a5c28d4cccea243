// Command wsload measures the realtime hub on loopback: delivery latency of
// events published through the Publisher to N websocket subscribers of one
// topic, and the memory an idle connection costs the server.
//
//	go run ./server/cmd/wsload -subs 1000 -rate 75 -duration 20s -mode both
//	go run ./server/cmd/wsload -idle 10000
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
	"strings"
	"syscall"
	"time"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
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
		if err := runClients(*url, *origin, *tokens); err != nil {
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
	if *idle > 0 {
		err = measureIdle(*idle)
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

func startClients(bd *board) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"-role", "client", "-url", bd.url, "-origin", bd.origin, "-tokens", bd.tokens}
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
	ch, err := startClients(bd)
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
	r.p50, r.p95, r.p99 = pct(lat, 50), pct(lat, 95), pct(lat, 99)
	if len(lat) > 0 {
		r.maxLat = time.Duration(lat[len(lat)-1])
	}
	slices.Sort(pubs)
	r.publishP50, r.publishP99 = pctD(pubs, 50), pctD(pubs, 99)
	return r, nil
}

func pct(sorted []int64, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return time.Duration(sorted[(len(sorted)-1)*p/100])
}

func pctD(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)-1)*p/100]
}

func printResults(n int, rate float64, d time.Duration, rs []result) {
	fmt.Printf("subscribers %d, %.0f events/s for %s, one topic\n", n, rate, d)
	fmt.Printf("%-10s %9s %9s %9s %9s %18s %8s %8s %14s\n", "mode", "p50", "p95", "p99", "max", "delivered/expected", "dropped", "closed", "publish p50/p99")
	for _, r := range rs {
		fmt.Printf("%-10s %9s %9s %9s %9s %9d/%-8d %8d %8d %6s/%-6s\n", r.mode,
			ms(r.p50), ms(r.p95), ms(r.p99), ms(r.maxLat), len(r.report.Latencies), r.published*n,
			r.dropped, r.report.Closed, ms(r.publishP50), ms(r.publishP99))
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
	before := sample()
	ch, err := startClients(bd)
	if err != nil {
		return err
	}
	time.Sleep(3 * time.Second) // let the handshakes' garbage go
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
	fmt.Printf("idle connections open: %d (server process only; clients in a child process)\n", open)
	fmt.Printf("%-12s %12s %12s %14s\n", "", "before", "after", "per connection")
	fmt.Printf("%-12s %10.1f MiB %10.1f MiB %14s\n", "VmRSS", mib(before.rss), mib(after.rss), per(before.rss, after.rss))
	fmt.Printf("%-12s %10.1f MiB %10.1f MiB %14s\n", "HeapInuse", mib(before.heap), mib(after.heap), per(before.heap, after.heap))
	fmt.Printf("%-12s %10.1f MiB %10.1f MiB %14s\n", "StackInuse", mib(before.stack), mib(after.stack), per(before.stack, after.stack))
	fmt.Printf("%-12s %10.1f MiB %10.1f MiB %14s\n", "Sys", mib(before.sys), mib(after.sys), per(before.sys, after.sys))
	fmt.Printf("goroutines: %d -> %d\n", before.goroutines, after.goroutines)
	return nil
}

type memSample struct {
	rss, heap, stack, sys uint64
	goroutines            int
}

func sample() memSample {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memSample{rss: vmRSS(), heap: m.HeapInuse, stack: m.StackInuse, sys: m.Sys, goroutines: runtime.NumGoroutine()}
}

func vmRSS() uint64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb uint64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
