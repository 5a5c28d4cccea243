package main

// The rooms mode drives the rooms feature through the real board: members
// send over HTTP (POST /api/v1/rooms/{id}/messages with client ids, every
// feature on: storage, unread counts, presence, authorisation, rate
// limits), and every member receives over its websocket, subscribed to
// room:<id>. Each figure is measured with the topic log stored
// ("persisted") and then on the in-memory hub ("memory"), on the same
// store, users and sessions, in one run.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/benchstat"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/realtime"
	"github.com/cantieri/tavolo/server/internal/store"
)

// roomsOptions is one rooms scenario.
type roomsOptions struct {
	rooms, members int // rooms × members in each
	people         int // distinct users the members are spread over (0: one each)
	rate           float64
	duration       time.Duration
	history        int // messages of the paged room (0: no paging scenario)
	pages          int // page reads per kind in the paging scenario
	idle           bool
	modes          []string
}

// roomsNeedle starts each bench message's body in an event: the receivers
// read the send time after it (the html field has "<p>bench", not this).
const roomsNeedle = `"body":"bench `

// roomsBounds keep a run on a shared machine finite.
func (o roomsOptions) check() error {
	switch {
	case o.rooms < 1 || o.members < 1 || o.rooms*o.members > 20000:
		return errors.New("-rooms RxM: R ≥ 1, M ≥ 1, R×M ≤ 20000")
	case o.people < 0 || o.people > 20000:
		return errors.New("-people: 0..20000")
	case o.history < 0 || o.history > 100000 || o.pages < 1 || o.pages > 100000:
		return errors.New("-history ≤ 100000, -pages 1..100000")
	}
	return nil
}

func parseRooms(spec string) (rooms, members int, err error) {
	r, m, ok := strings.Cut(spec, "x")
	if ok {
		rooms, err = strconv.Atoi(r)
		if err == nil {
			members, err = strconv.Atoi(m)
		}
	}
	if !ok || err != nil {
		return 0, 0, fmt.Errorf("-rooms %q: want RxM, e.g. 40x50", spec)
	}
	return rooms, members, nil
}

// roomsFixture is the store shared by the boards of one run, with its
// people and their sessions (one per connection).
type roomsFixture struct {
	dir    string
	st     *store.Store
	log    *slog.Logger
	admin  string   // session token of an admin (creates rooms, counts what is stored)
	tokens []string // per connection: rooms×members
}

func openRoomsFixture(ctx context.Context) (*roomsFixture, error) {
	boot.TuneGC() // as the board's main does
	dir, err := os.MkdirTemp("", "wsload-rooms-")
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := store.Open(ctx, store.Options{DataDir: dir, Database: "wsload", Logger: log})
	if err != nil {
		return nil, err
	}
	return &roomsFixture{dir: dir, st: st, log: log}, nil
}

func (fx *roomsFixture) close() {
	_ = fx.st.Close(context.Background())
	_ = os.RemoveAll(fx.dir)
}

// boardOn builds a board on the fixture's store, listening on loopback.
func (fx *roomsFixture) boardOn(ctx context.Context, mode string) (*board, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	cfg := config.Default()
	cfg.Addr = ln.Addr().String()
	cfg.PublicURL = "http://" + cfg.Addr
	cfg.DataDir = fx.dir
	var opts []boot.Option
	if mode == "memory" {
		opts = append(opts, boot.WithEventLog(realtime.NewMemoryLog()))
	}
	b, err := boot.Build(ctx, cfg, fx.st, fx.log, opts...)
	if err != nil {
		return nil, err
	}
	go func() { _ = b.App.Listener(ln) }()
	return &board{b: b, st: fx.st, url: "ws://" + cfg.Addr + "/ws", origin: cfg.PublicURL, dir: fx.dir}, nil
}

// stopBoard ends a board but keeps the store for the next one.
func stopBoard(bd *board) {
	_ = bd.b.App.ShutdownWithTimeout(5 * time.Second)
	bd.b.Close()
}

// seed creates the people (50 to an administration, two at a time: each
// password hash takes ~30 ms) and one session per connection.
func (fx *roomsFixture) seed(ctx context.Context, b *boot.Board, people, conns int) error {
	start := time.Now()
	admin, err := b.Accounts.EnsureAdmin(ctx, "admin@wsload.invalid", "wsload-admin-password")
	if err != nil {
		return err
	}
	if fx.admin, err = b.Accounts.CreateSession(ctx, admin.ID); err != nil {
		return err
	}
	users := make([]*account.User, people)
	var admins []*account.Administration
	for i := 0; i < (people+49)/50; i++ {
		a, err := b.Accounts.NewApprovedAdministration(ctx, fmt.Sprintf("wsload_%d", i), fmt.Sprintf("Comune di Carico %d", i), "comune", "lazio")
		if err != nil {
			return err
		}
		admins = append(admins, a)
	}
	var (
		wg    sync.WaitGroup
		next  atomic.Int64
		first error
		mu    sync.Mutex
	)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < people; i = int(next.Add(1) - 1) {
				u, err := b.Accounts.NewMember(ctx, admins[i/50].ID, account.Credentials{Name: fmt.Sprintf("Persona di Carico %d", i),
					Email: fmt.Sprintf("p%d@wsload.invalid", i), Password: "password-di-carico"}, account.RoleParticipant)
				if err != nil {
					mu.Lock()
					first = errors.Join(first, err)
					mu.Unlock()
					return
				}
				users[i] = u
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return fmt.Errorf("create people: %w", first)
	}
	fx.tokens = make([]string, conns)
	for j := range fx.tokens {
		if fx.tokens[j], err = b.Accounts.CreateSession(ctx, users[j%people].ID); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "rooms: %d people, %d sessions in %s\n", people, conns, time.Since(start).Round(time.Second))
	return nil
}

// api is a logged-in JSON client of the board's HTTP API.
type api struct {
	base string
	hc   *http.Client
}

func newAPI(origin string) *api {
	tr := &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64, IdleConnTimeout: time.Minute}
	return &api{base: origin + "/api/v1", hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

const csrf = "wsload-csrf-token-0123456789"

// call sends body (JSON) as the session's user and decodes a 2xx answer
// into out; it returns the status.
func (a *api) call(ctx context.Context, token, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Cookie", "tavolo_session="+token+"; tavolo_csrf="+csrf)
	req.Header.Set("X-CSRF-Token", csrf)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := a.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if res.StatusCode >= 300 {
		return res.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, bytes.TrimSpace(data))
	}
	if out != nil {
		return res.StatusCode, json.Unmarshal(data, out)
	}
	return res.StatusCode, nil
}

// Wire shapes read by the generator (ROOMS.md).
type (
	wireRoom struct {
		ID   string `json:"id"`
		Head int64  `json:"head"`
	}
	wireMessage struct {
		Seq      int64  `json:"seq"`
		ClientID string `json:"client_id"`
		Body     string `json:"body"`
	}
	wirePage struct {
		Messages []wireMessage `json:"messages"`
		Head     int64         `json:"head"`
		HasMore  bool          `json:"has_more"`
	}
)

func (a *api) createRoom(ctx context.Context, admin, name string) (string, error) {
	var r wireRoom
	_, err := a.call(ctx, admin, http.MethodPost, "/rooms", map[string]any{
		"name": name, "description": "Stanza del generatore di carico", "kind": "theme", "access": "open",
		"history": "full", "presence": "names", "slow_mode_s": 0,
	}, &r)
	return r.ID, err
}

// forEach runs f(i) for i in [0, n) on workers goroutines; the first error
// stops it.
func forEach(n, workers int, f func(i int) error) error {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs error
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := f(i); err != nil {
					mu.Lock()
					errs = errors.Join(errs, err)
					mu.Unlock()
					next.Store(int64(n))
					return
				}
			}
		}()
	}
	wg.Wait()
	return errs
}

// send posts one message, waiting out rate limits when wait is set (the
// history seeding); it returns the status.
func (a *api) send(ctx context.Context, token, room, clientID, body string, wait bool) (int, error) {
	for {
		status, err := a.call(ctx, token, http.MethodPost, "/rooms/"+room+"/messages", map[string]any{"client_id": clientID, "body": body}, nil)
		if status != http.StatusTooManyRequests || !wait {
			return status, err
		}
		time.Sleep(time.Second)
	}
}

// roomsResult is one mode's figures.
type roomsResult struct {
	mode                   string
	sent, acked, stored    int
	statuses               map[int]int // non-2xx answers by status
	report                 clientReport
	expected               int // deliveries: acked × members of the message's room
	dropped                int64
	p50, p95, p99, maxLat  time.Duration
	ackP50, ackP95, ackP99 time.Duration
	latestP50, latestP95   time.Duration
	olderP50, olderP95     time.Duration
}

func runRooms(o roomsOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	ctx := context.Background()
	fx, err := openRoomsFixture(ctx)
	if err != nil {
		return err
	}
	defer fx.close()
	conns := o.rooms * o.members
	people := o.people
	if people == 0 {
		people = conns
	}
	people = min(people, conns)
	if per := o.rate / float64(o.rooms) / float64(min(o.members, people)); per > 1.5 {
		fmt.Fprintf(os.Stderr, "rooms: warning: %.1f messages/s per member, above the rooms' send limit (2/s): expect 429s\n", per)
	}
	var results []roomsResult
	historyRoom := ""
	for i, mode := range o.modes {
		bd, err := fx.boardOn(ctx, mode)
		if err != nil {
			return err
		}
		if i == 0 {
			if err := fx.seed(ctx, bd.b, people, conns); err != nil {
				stopBoard(bd)
				return err
			}
			if o.history > 0 {
				if historyRoom, err = seedHistory(ctx, bd, fx, o.history); err != nil {
					stopBoard(bd)
					return err
				}
			}
		}
		r, err := measureRooms(ctx, bd, fx, o, mode, historyRoom)
		stopBoard(bd)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	printRooms(o, people, results)
	return nil
}

// seedHistory fills a room with n messages through the API, 16 at a time
// from 64 people (the rooms' send limit is per person), before anyone
// connects.
func seedHistory(ctx context.Context, bd *board, fx *roomsFixture, n int) (string, error) {
	start := time.Now()
	a := newAPI(bd.origin)
	room, err := a.createRoom(ctx, fx.admin, "Storico")
	if err != nil {
		return "", err
	}
	senders := min(64, len(fx.tokens))
	err = forEach(n, 16, func(i int) error {
		body := fmt.Sprintf("messaggio storico n. %d: %s", i, strings.Repeat("parole di prova ", 8))
		_, err := a.send(ctx, fx.tokens[i%senders], room, "h"+strconv.Itoa(i), body, true)
		return err
	})
	if err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "rooms: %d messages of history in %s\n", n, time.Since(start).Round(time.Second))
	return room, nil
}

func measureRooms(ctx context.Context, bd *board, fx *roomsFixture, o roomsOptions, mode, historyRoom string) (roomsResult, error) {
	r := roomsResult{mode: mode, statuses: map[int]int{}}
	a := newAPI(bd.origin)
	setup := time.Now()
	ids := make([]string, o.rooms)
	for i := range ids {
		id, err := a.createRoom(ctx, fx.admin, fmt.Sprintf("Carico %s %d", mode, i))
		if err != nil {
			return r, err
		}
		ids[i] = id
	}
	// Connection j is member j%members of room j/members.
	err := forEach(len(fx.tokens), 8, func(j int) error {
		_, err := a.call(ctx, fx.tokens[j], http.MethodPost, "/rooms/"+ids[j/o.members]+"/join", nil, nil)
		return err
	})
	if err != nil {
		return r, fmt.Errorf("join: %w", err)
	}
	var lines strings.Builder
	for j, tok := range fx.tokens {
		fmt.Fprintf(&lines, "%s room:%s\n", tok, ids[j/o.members])
	}
	bd.tokens = filepath.Join(fx.dir, "conns-"+mode)
	if err := os.WriteFile(bd.tokens, []byte(lines.String()), 0o600); err != nil {
		return r, err
	}
	ch, err := startClients(bd, roomsNeedle)
	if err != nil {
		return r, err
	}
	fmt.Fprintf(os.Stderr, "%s: %d rooms × %d members joined and subscribed in %s; sending %.0f/s for %s\n",
		mode, o.rooms, o.members, time.Since(setup).Round(time.Millisecond), o.rate, o.duration)

	// Sends round-robin over the rooms, and within a room over its members.
	padding := strings.Repeat("x", 120)
	type outcome struct {
		room   int
		client string
		status int
		took   time.Duration
		err    error
	}
	outcomes := make(chan outcome, int(o.rate*o.duration.Seconds())+16)
	if cpuProfile != "" { // the server (and the senders) while sending
		f, err := os.Create(cpuProfile + ".rooms-" + mode)
		if err != nil {
			return r, err
		}
		defer f.Close()
		_ = pprof.StartCPUProfile(f)
	}
	tick := time.NewTicker(time.Duration(float64(time.Second) / o.rate))
	end := time.Now().Add(o.duration)
	for now := range tick.C {
		if now.After(end) {
			break
		}
		k := r.sent
		r.sent++
		room := k % o.rooms
		member := (k / o.rooms) % o.members
		tok := fx.tokens[room*o.members+member]
		go func() {
			start := time.Now()
			client := "b" + mode[:1] + strconv.Itoa(k)
			body := fmt.Sprintf("bench %d messaggio %d %s", start.UnixNano(), k, padding)
			status, err := a.send(ctx, tok, ids[room], client, body, false)
			outcomes <- outcome{room, client, status, time.Since(start), err}
		}()
	}
	tick.Stop()
	if cpuProfile != "" {
		defer pprof.StopCPUProfile() // after the last answers
	}
	acked := make([]map[string]bool, o.rooms)
	for i := range acked {
		acked[i] = map[string]bool{}
	}
	var acks []time.Duration
	for i := 0; i < r.sent; i++ {
		oc := <-outcomes
		if oc.err != nil || (oc.status != http.StatusCreated && oc.status != http.StatusOK) {
			r.statuses[oc.status]++
			if r.statuses[oc.status] == 1 {
				fmt.Fprintf(os.Stderr, "%s: send: %v\n", mode, oc.err)
			}
			continue
		}
		r.acked++
		acked[oc.room][oc.client] = true
		acks = append(acks, oc.took)
	}
	time.Sleep(2 * time.Second) // let the last deliveries land
	r.dropped = bd.b.Hub.Stats().Dropped
	if r.report, err = ch.stop(); err != nil {
		return r, fmt.Errorf("client report: %w", err)
	}
	r.expected = r.acked * o.members
	lat := r.report.Latencies
	slices.Sort(lat)
	r.p50, r.p95, r.p99 = benchstat.Percentile(lat, 50), benchstat.Percentile(lat, 95), benchstat.Percentile(lat, 99)
	if len(lat) > 0 {
		r.maxLat = time.Duration(lat[len(lat)-1])
	}
	slices.Sort(acks)
	r.ackP50, r.ackP95, r.ackP99 = benchstat.Percentile(acks, 50), benchstat.Percentile(acks, 95), benchstat.Percentile(acks, 99)

	// Stored: page each room back to its start; a message counts once if
	// its client id was acknowledged.
	for i, id := range ids {
		n, err := countStored(ctx, a, fx.admin, id, acked[i])
		if err != nil {
			return r, err
		}
		r.stored += n
	}
	if historyRoom != "" {
		if err := measurePaging(ctx, a, fx, historyRoom, o.pages, &r); err != nil {
			return r, err
		}
	}
	return r, nil
}

// countStored pages room's history back from the latest page and counts
// the messages whose client ids are in acked, each once.
func countStored(ctx context.Context, a *api, token, room string, acked map[string]bool) (int, error) {
	seen := map[string]bool{}
	path := "/rooms/" + room + "/messages?limit=100"
	for {
		var p wirePage
		if _, err := a.call(ctx, token, http.MethodGet, path, nil, &p); err != nil {
			return 0, err
		}
		for _, m := range p.Messages {
			if acked[m.ClientID] && strings.HasPrefix(m.Body, "bench ") {
				seen[m.ClientID] = true
			}
		}
		if !p.HasMore || len(p.Messages) == 0 {
			return len(seen), nil
		}
		path = fmt.Sprintf("/rooms/%s/messages?limit=100&before=%d", room, p.Messages[0].Seq)
	}
}

// measurePaging reads the history room's latest page, then pages before a
// random seq, n times each, one at a time, as a member who has joined.
func measurePaging(ctx context.Context, a *api, fx *roomsFixture, room string, n int, r *roomsResult) error {
	token := fx.tokens[0]
	if _, err := a.call(ctx, token, http.MethodPost, "/rooms/"+room+"/join", nil, nil); err != nil {
		return err
	}
	var latest, older []time.Duration
	var head int64
	for i := 0; i < n; i++ {
		var p wirePage
		start := time.Now()
		if _, err := a.call(ctx, token, http.MethodGet, "/rooms/"+room+"/messages", nil, &p); err != nil {
			return err
		}
		latest = append(latest, time.Since(start))
		head = p.Head
	}
	rnd := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < n; i++ {
		var p wirePage
		before := 2 + rnd.Int64N(max(head-1, 1))
		start := time.Now()
		if _, err := a.call(ctx, token, http.MethodGet, fmt.Sprintf("/rooms/%s/messages?before=%d", room, before), nil, &p); err != nil {
			return err
		}
		older = append(older, time.Since(start))
		if len(p.Messages) == 0 {
			return fmt.Errorf("page before %d of %d is empty", before, head)
		}
	}
	slices.Sort(latest)
	slices.Sort(older)
	r.latestP50, r.latestP95 = benchstat.Percentile(latest, 50), benchstat.Percentile(latest, 95)
	r.olderP50, r.olderP95 = benchstat.Percentile(older, 50), benchstat.Percentile(older, 95)
	return nil
}

func printRooms(o roomsOptions, people int, rs []roomsResult) {
	fmt.Printf("rooms %d × %d members (%d people), %.0f messages/s in all for %s, over HTTP; receivers on websockets\n",
		o.rooms, o.members, people, o.rate, o.duration)
	fmt.Printf("%-10s %9s %9s %9s %9s %9s %9s %20s %8s %8s %9s %s\n", "mode", "deliv p50", "p95", "p99", "max", "ack p50", "ack p99",
		"delivered/expected", "dropped", "closed", "presence", "sent = acked = stored")
	for _, r := range rs {
		fmt.Printf("%-10s %9s %9s %9s %9s %9s %9s %10d/%-9d %8d %8d %9.1f %d = %d = %d%s\n", r.mode,
			ms(r.p50), ms(r.p95), ms(r.p99), ms(r.maxLat), ms(r.ackP50), ms(r.ackP99),
			len(r.report.Latencies), r.expected, r.dropped, r.report.Closed,
			float64(r.report.Presence)/float64(o.rooms*o.members), r.sent, r.acked, r.stored, statuses(r.statuses))
	}
	fmt.Println("(presence: frames received per connection over the whole run, joins included)")
	if o.history > 0 {
		fmt.Printf("history room of %d messages, %d reads each:\n", o.history, o.pages)
		for _, r := range rs {
			fmt.Printf("%-10s latest page p50 %s p95 %s; older page p50 %s p95 %s\n", r.mode, ms(r.latestP50), ms(r.latestP95), ms(r.olderP50), ms(r.olderP95))
		}
	}
	if len(rs) == 2 && rs[1].p99 > 0 {
		fmt.Printf("delivery p99 persisted/memory: %.2f\n", float64(rs[0].p99)/float64(rs[1].p99))
	}
}

func statuses(m map[int]int) string {
	if len(m) == 0 {
		return ""
	}
	var parts []string
	for s, n := range m {
		parts = append(parts, fmt.Sprintf("%d×%d", n, s))
	}
	slices.Sort(parts)
	return " (failed: " + strings.Join(parts, ", ") + ")"
}

// measureIdleRooms measures idle connections subscribed to one room, next
// to the same number subscribed to a plain hub topic, in one run.
func measureIdleRooms(n, people int) error {
	fmt.Println("== plain hub topic (bench:1), one user")
	if err := measureIdle(n); err != nil {
		return err
	}
	ctx := context.Background()
	fx, err := openRoomsFixture(ctx)
	if err != nil {
		return err
	}
	defer fx.close()
	if people == 0 {
		people = n
	}
	people = min(people, n)
	bd, err := fx.boardOn(ctx, "persisted")
	if err != nil {
		return err
	}
	defer stopBoard(bd)
	if err := fx.seed(ctx, bd.b, people, n); err != nil {
		return err
	}
	a := newAPI(bd.origin)
	room, err := a.createRoom(ctx, fx.admin, "Inattivi")
	if err != nil {
		return err
	}
	err = forEach(people, 8, func(j int) error {
		_, err := a.call(ctx, fx.tokens[j], http.MethodPost, "/rooms/"+room+"/join", nil, nil)
		return err
	})
	if err != nil {
		return err
	}
	var lines strings.Builder
	for _, tok := range fx.tokens {
		fmt.Fprintf(&lines, "%s room:%s\n", tok, room)
	}
	bd.tokens = filepath.Join(fx.dir, "conns-idle")
	if err := os.WriteFile(bd.tokens, []byte(lines.String()), 0o600); err != nil {
		return err
	}
	fmt.Printf("== one room (room:<id>), %d people\n", people)
	return idleWaves(bd)
}
