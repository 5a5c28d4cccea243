package realtime

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/cantieri/tavolo/server/internal/realtime/rttest"
)

// TestFrameEncodingReadByTheLibrary writes appendFrame's bytes straight to
// a socket and reads them with the websocket library's client: every
// length form (7-bit, 16-bit, 64-bit, at their edges) and the array a
// connection's queued messages become.
func TestFrameEncodingReadByTheLibrary(t *testing.T) {
	msg := func(n int) []byte { return []byte(strings.Repeat("a", n)) }
	cases := []struct {
		name string
		q    []outMsg
		want string
	}{
		{"empty", []outMsg{{one: []byte{}}}, ""},
		{"one byte", []outMsg{{one: []byte("1")}}, "1"},
		{"125: longest 7-bit length", []outMsg{{one: msg(125)}}, string(msg(125))},
		{"126: shortest 16-bit length", []outMsg{{one: msg(126)}}, string(msg(126))},
		{"65535: longest 16-bit length", []outMsg{{one: msg(65535)}}, string(msg(65535))},
		{"65536: shortest 64-bit length", []outMsg{{one: msg(65536)}}, string(msg(65536))},
		{"one of many", []outMsg{{many: [][]byte{[]byte(`{"a":1}`)}}}, `{"a":1}`},
		{"many", []outMsg{{many: [][]byte{[]byte(`1`), []byte(`2`)}}, {one: []byte(`3`)}}, `[1,2,3]`},
		{"array over 125", []outMsg{{one: msg(62)}, {one: msg(62)}}, `[` + string(msg(62)) + `,` + string(msg(62)) + `]`},
	}
	frames := make(chan []byte)
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for f := range frames {
			if _, err := ws.NetConn().Write(f); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	defer close(frames)
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, tc := range cases {
		frames <- appendFrame(nil, tc.q)
		_ = c.SetReadDeadline(time.Now().Add(rttest.Wait))
		kind, got, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("%s: read: %v", tc.name, err)
		}
		if kind != websocket.TextMessage || string(got) != tc.want {
			t.Errorf("%s: got kind %d, %d bytes %.40q; want text, %d bytes %.40q", tc.name, kind, len(got), got, len(tc.want), tc.want)
		}
	}
}

// TestFanOutWritesAtOnce: to subscribers that read, every event of a
// fan-out big enough to be split is written from the fan-out itself (no
// writer goroutine), and arrives once, in order.
func TestFanOutWritesAtOnce(t *testing.T) {
	h := newHarness(t, NewMemoryLog())
	const readers, events = splitFanOut + 6, 20
	cs := make([]*rttest.Client, readers)
	for i := range cs {
		cs[i] = h.dial("r" + strconv.Itoa(i))
		cs[i].Subscribe("room:1", -1)
	}
	before := h.hub.atOnce.Load()
	for i := range events {
		h.publish("room:1", 1)
		for _, c := range cs { // read each one, so none is writing when the next comes
			if m := c.Expect("event"); m.Seq != int64(i+1) {
				t.Fatalf("got seq %d, want %d", m.Seq, i+1)
			}
		}
	}
	if got, want := h.hub.atOnce.Load()-before, int64(readers*events); got != want {
		t.Errorf("frames written at once: got %d, want %d", got, want)
	}
}

// TestPausedReaderGetsEverythingInOrder: a reader that stops reading
// while big events keep coming fills its socket; the frame the socket took
// only part of is finished by a writer, which then writes the queue. When
// the reader resumes it gets every event once, intact and in order, and is
// not dropped.
func TestPausedReaderGetsEverythingInOrder(t *testing.T) {
	h := newHarness(t, NewMemoryLog())
	c := h.dial("paused")
	c.Subscribe("room:1", -1)
	big := strings.Repeat("y", 256<<10)
	const n = 40 // ~10 MiB: more than loopback's socket buffers, within the queue
	for range n {
		if _, err := h.hub.Publish(context.Background(), "room:1", "post.created", big); err != nil {
			t.Fatal(err)
		}
	}
	if h.hub.partial.Load() == 0 {
		t.Fatalf("no frame was written in part: the test did not fill the socket")
	}
	for i := range n {
		m := c.Expect("event")
		var s string
		if m.Seq != int64(i+1) || json.Unmarshal(m.Data, &s) != nil || s != big {
			t.Fatalf("event %d: seq %d, %d bytes of data", i+1, m.Seq, len(m.Data))
		}
	}
	if d := h.hub.Stats().Dropped; d != 0 {
		t.Errorf("dropped %d, want 0", d)
	}
}

// TestPongWaitsForTheRestOfAFrame: the client pings just when a frame
// went out in part and its writer has yet to finish it. The reader's pong
// takes the connection's write lock too, so it goes after the frame, not
// inside it: the event arrives intact, then the pong.
func TestPongWaitsForTheRestOfAFrame(t *testing.T) {
	t.Cleanup(func() { beforeRest = nil }) // after the hub's writers end
	h := newHarness(t, NewMemoryLog())
	c := h.dial("pinger")
	c.Subscribe("room:1", -1)
	var pongs atomic.Int64
	c.WS.SetPongHandler(func(string) error { pongs.Add(1); return nil })
	var once atomic.Bool
	beforeRest = func() {
		if once.CompareAndSwap(false, true) {
			_ = c.WS.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(time.Second))
			time.Sleep(200 * time.Millisecond) // the reader answers meanwhile
		}
	}
	body := strings.Repeat("z", 256<<10)
	const events = 40 // not read yet: the socket fills
	for range events {
		if _, err := h.hub.Publish(context.Background(), "room:1", "post.created", body); err != nil {
			t.Fatal(err)
		}
	}
	if !once.Load() {
		t.Fatalf("no frame was written in part: the test did not fill the socket")
	}
	for i := range events {
		m := c.Expect("event")
		var s string
		if m.Seq != int64(i+1) || json.Unmarshal(m.Data, &s) != nil || s != body {
			t.Fatalf("event %d: seq %d, data %.40q", i+1, m.Seq, m.Data)
		}
	}
	// Frames are answered in order: once this pong is read, the control
	// pong was too.
	c.Send(map[string]any{"type": "ping", "id": "last"})
	c.Expect("pong")
	if got := pongs.Load(); got != 1 {
		t.Errorf("pongs: got %d, want 1", got)
	}
}
