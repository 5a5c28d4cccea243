// Package webtest starts the real board over real HTTP on loopback, on a
// fresh test database, for scenario tests.
package webtest

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// Env is a running board.
type Env struct {
	T     testing.TB
	Base  string // http://127.0.0.1:port
	Board *boot.Board
}

// Start runs the board; edit may change the configuration first, opts
// how it is wired (boot.WithForumClock…).
func Start(t testing.TB, edit func(*config.Config), opts ...boot.Option) *Env {
	t.Helper()
	st := testenv.Store(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Addr = ln.Addr().String()
	cfg.PublicURL = "http://" + ln.Addr().String()
	cfg.Database = st.DB.Name()
	if edit != nil {
		edit(&cfg)
	}
	level := slog.LevelError
	if os.Getenv("TAVOLO_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	b, err := boot.Build(testenv.Ctx(t), cfg, st, log, opts...)
	if err != nil {
		t.Fatalf("build board: %v", err)
	}
	go func() { _ = b.App.Listener(ln) }()
	t.Cleanup(func() {
		_ = b.App.ShutdownWithTimeout(5 * time.Second)
		b.Close()
	})
	return &Env{T: t, Base: cfg.PublicURL, Board: b}
}

// Client is a browser-like HTTP client: cookie jar, CSRF header, JSON.
type Client struct {
	T    testing.TB
	Env  *Env
	HTTP *http.Client
	Lang string
	// raw: bodies go out unchecked (Raw).
	raw bool
}

// Raw is c (same session and cookies) sending bodies without checking them
// against the contract: for bad-input tests, whose bodies the contract
// deliberately does not describe. Answers are still checked.
func (c *Client) Raw() *Client {
	r := *c
	r.raw = true
	return &r
}

// Client returns a new client with an empty cookie jar.
func (e *Env) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{T: e.T, Env: e, HTTP: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// Response is a decoded answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test if it cannot.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// ErrorCode is error.code of an error body, or "".
func (r *Response) ErrorCode() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// Fields is error.fields of an error body.
func (r *Response) Fields() map[string]string {
	var e struct {
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Fields
}

// CSRF returns the CSRF cookie value, fetching /api/v1/session first if needed.
func (c *Client) CSRF() string {
	u, _ := url.Parse(c.Env.Base)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "tavolo_csrf" {
			return ck.Value
		}
	}
	c.Do("GET", "/api/v1/session", nil)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "tavolo_csrf" {
			return ck.Value
		}
	}
	return ""
}

// Do sends body (nil, []byte/string sent as is, or a value encoded as
// JSON) with the CSRF header on unsafe methods. A body must be what the
// operation's requestBody describes (checkRequest), unless c is Raw.
func (c *Client) Do(method, path string, body any) *Response {
	c.T.Helper()
	var data []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		data = b
	case string:
		data = []byte(b)
	default:
		var err error
		if data, err = json.Marshal(b); err != nil {
			c.T.Fatal(err)
		}
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.Env.Base+path, rd)
	if err != nil {
		c.T.Fatal(err)
	}
	if body != nil && !c.raw {
		if err := checkRequest(req, data); err != nil {
			c.T.Errorf("contract: %v", err)
		}
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	if method != "GET" && method != "HEAD" {
		req.Header.Set("X-CSRF-Token", c.CSRF())
	}
	return c.Send(req)
}

// Send sends a prepared request as is.
func (c *Client) Send(req *http.Request) *Response {
	c.T.Helper()
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		c.T.Fatal(err)
	}
	if err := checkContract(req, res, data); err != nil {
		c.T.Errorf("contract: %v", err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// Expect fails the test unless the status is want; it returns the response.
func (c *Client) Expect(want int, method, path string, body any) *Response {
	c.T.Helper()
	r := c.Do(method, path, body)
	if r.Status != want {
		c.T.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.Status, want, r.Body)
	}
	return r
}
