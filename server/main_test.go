package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cantieri/tavolo/config"
)

// A real SIGTERM during a burst of writes: the server finishes what it
// accepted, closes the embedded store, and after a restart every write it
// acknowledged is there.
func TestSIGTERMKeepsAcknowledgedWrites(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := config.Default()
	cfg.Addr = addr
	cfg.PublicURL = "http://" + addr
	cfg.DataDir = t.TempDir()
	cfg.AdminEmail = "admin@tavolo.test"
	cfg.AdminPassword = "admin-password-1"
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	base := cfg.PublicURL

	start := func() chan error {
		done := make(chan error, 1)
		go func() { done <- run(cfg, log) }()
		waitReady(t, base)
		return done
	}

	done := start()
	admin := login(t, base, cfg.AdminEmail, cfg.AdminPassword)
	// Writers loop until the server refuses them; the signal is sent once a
	// few writes are acknowledged, so it always lands while others are in
	// flight (sending it at a fixed request index raced the first answers).
	var (
		mu     sync.Mutex
		tokens []string
		wg     sync.WaitGroup
		signal sync.Once
	)
	const writers, ackedBeforeSignal = 8, 6
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 200; n++ {
				var inv struct {
					Token string `json:"token"`
				}
				status, body, err := admin.do("POST", "/api/v1/invitations", map[string]any{"administration_id": "dfp"})
				if err != nil || status != http.StatusCreated {
					return // refused after shutdown began: fine, it was never acknowledged
				}
				if err := json.Unmarshal(body, &inv); err != nil || inv.Token == "" {
					t.Errorf("acknowledged invitation without a token: %s", body)
					return
				}
				mu.Lock()
				tokens = append(tokens, inv.Token)
				acked := len(tokens)
				mu.Unlock()
				if acked >= ackedBeforeSignal {
					signal.Do(func() { _ = syscall.Kill(syscall.Getpid(), syscall.SIGTERM) })
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop after SIGTERM")
	}
	if len(tokens) < ackedBeforeSignal {
		t.Fatalf("only %d writes acknowledged; the signal was never sent after the burst began", len(tokens))
	}

	done = start()
	defer func() {
		_ = syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
		<-done
	}()
	anon := newClient(base)
	for _, tok := range tokens {
		status, body, err := anon.do("GET", "/api/v1/invitations/"+tok, nil)
		if err != nil || status != http.StatusOK {
			t.Errorf("acknowledged invitation %s lost after restart: %d %s %v", tok, status, body, err)
		}
	}
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	waitReadyWithin(t, base, 30*time.Second)
}

// waitReadyWithin waits for /readyz to answer 200, failing the test after d.
func waitReadyWithin(t *testing.T, base string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("board not ready within %s", d)
}

type client struct {
	base string
	http *http.Client
	csrf string
}

func newClient(base string) *client {
	jar, _ := cookiejar.New(nil)
	c := &client{base: base, http: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
	if _, body, err := c.do("GET", "/api/v1/session", nil); err == nil {
		var s struct {
			CSRF string `json:"csrf_token"`
		}
		_ = json.Unmarshal(body, &s)
		c.csrf = s.CSRF
	}
	return c
}

func login(t *testing.T, base, email, password string) *client {
	t.Helper()
	c := newClient(base)
	status, body, err := c.do("POST", "/api/v1/session", map[string]string{"email": email, "password": password})
	if err != nil || status != http.StatusOK {
		t.Fatalf("login: %d %s %v", status, body, err)
	}
	return c
}

func (c *client) do(method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-CSRF-Token", c.csrf)
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return res.StatusCode, data, err
}

// burst does n requests, 4 at a time, until the board dies: do performs the
// i-th and says whether it was acknowledged, with the key and value to keep.
// The board is killed once killAfter are acknowledged (so others are in
// flight and the work that follows them is queued), and at the end in any
// case. Fewer than killAfter acknowledged fails the test.
func burst[V any](t *testing.T, b *board, what string, n, killAfter int, do func(i int) (string, V, bool)) map[string]V {
	t.Helper()
	var (
		mu     sync.Mutex
		acked  = map[string]V{}
		next   int
		wg     sync.WaitGroup
		killed sync.Once
	)
	for range 4 {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				k, v, ok := do(i)
				if !ok {
					return // the board is gone: never acknowledged
				}
				mu.Lock()
				acked[k] = v
				done := len(acked)
				mu.Unlock()
				if done >= killAfter {
					killed.Do(b.kill)
				}
			}
		})
	}
	wg.Wait()
	killed.Do(b.kill)
	if len(acked) < killAfter {
		t.Fatalf("only %d %s acknowledged before the board stopped:\n%s", len(acked), what, b.logTail())
	}
	return acked
}
