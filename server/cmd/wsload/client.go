package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
)

// clientReport is what the client process prints when told to stop.
type clientReport struct {
	Latencies []int64 // ns from publish to receipt, per (event, subscriber)
	Closed    int     // connections the server closed
	Presence  int     // presence frames received, all connections
}

// runClients opens one connection per line of tokensFile ("token", or
// "token topic"), subscribes each to its topic (default: the bench topic),
// says "ready", records deliveries until "stop" on stdin, then prints its
// report as JSON. needle precedes each message's send time.
func runClients(url, origin, tokensFile string, needle []byte) error {
	data, err := os.ReadFile(tokensFile)
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	var (
		recs   = make([]*recorder, len(lines))
		closed atomic.Int64
		failed atomic.Int64
		ready  sync.WaitGroup
		dialer = websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 512}
		gate   = make(chan struct{}, 32) // dials in flight
	)
	for i, line := range lines {
		tok, tp, ok := strings.Cut(line, " ")
		if !ok {
			tp = topic
		}
		ready.Add(1)
		gate <- struct{}{}
		go func() {
			defer func() { <-gate }()
			h := http.Header{"Origin": {origin}, "Cookie": {"tavolo_session=" + tok}}
			ws, _, err := dialer.Dial(url, h)
			if err != nil {
				failed.Add(1)
				ready.Done()
				return
			}
			recs[i] = &recorder{needle: needle}
			go recs[i].read(ws, &ready, &closed, &failed)
			_ = ws.WriteJSON(map[string]any{"type": "subscribe", "id": "s", "topic": tp})
		}()
	}
	ready.Wait()
	if n := failed.Load(); n > 0 {
		fmt.Fprintf(os.Stderr, "wsload client: %d connections failed\n", n)
	}
	fmt.Println("ready")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() && in.Text() != "stop" {
	}
	report := clientReport{Closed: int(closed.Load())}
	for _, r := range recs {
		if r != nil {
			r.mu.Lock()
			report.Latencies = append(report.Latencies, r.lat...)
			report.Presence += r.presence
			r.mu.Unlock()
		}
	}
	out, _ := json.Marshal(report)
	fmt.Println(string(out))
	return nil
}

// recorder is one connection's deliveries.
type recorder struct {
	needle   []byte
	mu       sync.Mutex
	lat      []int64
	presence int
}

var (
	subscribed = []byte(`"type":"subscribed"`)
	refused    = []byte(`"type":"error"`)
	presence   = []byte(`"type":"presence"`)
)

// read records each event's latency. It scans frames for the send time
// (after the needle, e.g. "t" in the event's data) rather than decoding them, and reuses one
// buffer, so the clients take as little CPU from the server as possible.
func (r *recorder) read(ws *websocket.Conn, ready *sync.WaitGroup, closed, failed *atomic.Int64) {
	isSubscribed := false
	defer func() {
		if !isSubscribed {
			ready.Done()
		}
	}()
	var buf bytes.Buffer
	for {
		_, rd, err := ws.NextReader()
		if err != nil {
			closed.Add(1)
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(rd); err != nil {
			closed.Add(1)
			return
		}
		now := time.Now().UnixNano()
		frame := buf.Bytes()
		if !isSubscribed && bytes.Contains(frame, subscribed) {
			isSubscribed = true
			ready.Done()
		} else if !isSubscribed && bytes.Contains(frame, refused) {
			isSubscribed = true // not ready, but no longer waited for
			failed.Add(1)
			fmt.Fprintf(os.Stderr, "wsload client: subscribe refused: %s\n", frame)
			ready.Done()
		}
		r.mu.Lock()
		r.presence += bytes.Count(frame, presence)
		for {
			i := bytes.Index(frame, r.needle)
			if i < 0 {
				break
			}
			frame = frame[i+len(r.needle):]
			var t int64
			j := 0
			for ; j < len(frame) && frame[j] >= '0' && frame[j] <= '9'; j++ {
				t = t*10 + int64(frame[j]-'0')
			}
			frame = frame[j:]
			r.lat = append(r.lat, now-t)
		}
		r.mu.Unlock()
	}
}
