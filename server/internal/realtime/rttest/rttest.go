// Package rttest is a websocket client for tests of the realtime protocol:
// it speaks docs/realtime.md over a real connection and splits the
// server's coalesced frames back into messages.
package rttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
)

// Msg is any server message; fields unused by its type are empty.
type Msg struct {
	Type   string          `json:"type"`
	ID     string          `json:"id"`
	Topic  string          `json:"topic"`
	Seq    int64           `json:"seq"`
	Head   int64           `json:"head"`
	Event  string          `json:"event"`
	Data   json.RawMessage `json:"data"`
	At     time.Time       `json:"at"`
	UserID string          `json:"user_id"`
	Code   string          `json:"code"`
	Field  string          `json:"field"`
	Count  int             `json:"count"` // presence
	Users  []User          `json:"users"` // presence, when names are shown
}

// User is one person in a presence frame.
type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Client is one connection.
type Client struct {
	T       testing.TB
	WS      *websocket.Conn
	pending []Msg
	ids     int
}

// Wait is how long a test waits for an expected message.
const Wait = 5 * time.Second

// Dial connects to url (ws://…) with header; it returns the HTTP response
// when the upgrade is refused.
func Dial(t testing.TB, url string, header http.Header) (*Client, *http.Response, error) {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: Wait}
	ws, res, err := d.Dial(url, header)
	if err != nil {
		return nil, res, err
	}
	c := &Client{T: t, WS: ws}
	t.Cleanup(func() { _ = ws.Close() })
	return c, res, nil
}

// Send writes v as one JSON frame.
func (c *Client) Send(v any) {
	c.T.Helper()
	if err := c.WS.WriteJSON(v); err != nil {
		c.T.Fatalf("send %v: %v", v, err)
	}
}

// Next returns the next message, reading a frame (a message or an array of
// messages) when none is pending.
func (c *Client) Next(timeout time.Duration) (Msg, error) {
	for len(c.pending) == 0 {
		_ = c.WS.SetReadDeadline(time.Now().Add(timeout))
		_, data, err := c.WS.ReadMessage()
		if err != nil {
			return Msg{}, err
		}
		if err := Split(data, &c.pending); err != nil {
			return Msg{}, err
		}
	}
	m := c.pending[0]
	c.pending = c.pending[1:]
	return m, nil
}

// Split appends the messages of one server frame to out.
func Split(frame []byte, out *[]Msg) error {
	if len(frame) > 0 && frame[0] == '[' {
		var ms []Msg
		if err := json.Unmarshal(frame, &ms); err != nil {
			return fmt.Errorf("bad frame %q: %w", frame, err)
		}
		*out = append(*out, ms...)
		return nil
	}
	var m Msg
	if err := json.Unmarshal(frame, &m); err != nil {
		return fmt.Errorf("bad frame %q: %w", frame, err)
	}
	*out = append(*out, m)
	return nil
}

// Expect returns the next message, failing unless it has type typ.
// Messages of the types in skip before it are read and dropped (e.g.
// "presence" frames, which come whenever people join or leave).
func (c *Client) Expect(typ string, skip ...string) Msg {
	c.T.Helper()
	for {
		m, err := c.Next(Wait)
		if err != nil {
			c.T.Fatalf("waiting for %s: %v", typ, err)
		}
		if m.Type != typ && slices.Contains(skip, m.Type) {
			continue
		}
		if m.Type != typ {
			c.T.Fatalf("got %+v, want a %s", m, typ)
		}
		return m
	}
}

// Hello reads the first frame.
func (c *Client) Hello() Msg {
	c.T.Helper()
	return c.Expect("hello")
}

func (c *Client) nextID() string {
	c.ids++
	return strconv.Itoa(c.ids)
}

// Subscribe subscribes to topic (since < 0: live only) and returns what
// came before `subscribed` (the replay) and `subscribed` itself, or the
// reset or error answering it.
func (c *Client) Subscribe(topic string, since int64) ([]Msg, Msg) {
	c.T.Helper()
	id := c.nextID()
	f := map[string]any{"type": "subscribe", "id": id, "topic": topic}
	if since >= 0 {
		f["since"] = since
	}
	c.Send(f)
	var before []Msg
	for {
		m, err := c.Next(Wait)
		if err != nil {
			c.T.Fatalf("subscribe %s: %v", topic, err)
		}
		switch {
		case m.Type == "subscribed" && m.ID == id,
			m.Type == "error" && m.ID == id,
			m.Type == "reset" && m.Topic == topic:
			return before, m
		}
		before = append(before, m)
	}
}

// CloseCode reads until the connection ends and returns the close code
// the server sent, or -1 when it ended without one.
func (c *Client) CloseCode(timeout time.Duration) int {
	c.T.Helper()
	deadline := time.Now().Add(timeout)
	for {
		_, err := c.Next(time.Until(deadline))
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		var ne net.Error
		switch {
		case errors.As(err, &ne) && ne.Timeout():
			c.T.Fatalf("connection still open after %s", timeout)
		case errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return -1 // cut without a close frame
		}
		c.T.Fatalf("connection ended with a protocol error: %v", err)
		return 0
	}
}
