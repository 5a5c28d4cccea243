package main

import (
	"bufio"
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
}

// runClients opens one connection per session token, subscribes each to
// the topic, says "ready", records deliveries until "stop" on stdin, then
// prints its report as JSON.
func runClients(url, origin, tokensFile string) error {
	data, err := os.ReadFile(tokensFile)
	if err != nil {
		return err
	}
	tokens := strings.Fields(string(data))
	var (
		recs   = make([]*recorder, len(tokens))
		closed atomic.Int64
		failed atomic.Int64
		ready  sync.WaitGroup
		dialer = websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 512}
		gate   = make(chan struct{}, 32) // dials in flight
	)
	for i, tok := range tokens {
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
			recs[i] = &recorder{}
			go recs[i].read(ws, &ready, &closed)
			_ = ws.WriteJSON(map[string]any{"type": "subscribe", "id": "s", "topic": topic})
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
			r.mu.Unlock()
		}
	}
	out, _ := json.Marshal(report)
	fmt.Println(string(out))
	return nil
}

// recorder is one connection's deliveries.
type recorder struct {
	mu  sync.Mutex
	lat []int64
}

type wireMsg struct {
	Type string `json:"type"`
	Data struct {
		T int64 `json:"t"`
	} `json:"data"`
}

func (r *recorder) read(ws *websocket.Conn, ready *sync.WaitGroup, closed *atomic.Int64) {
	subscribed := false
	defer func() {
		if !subscribed {
			ready.Done()
		}
	}()
	for {
		_, frame, err := ws.ReadMessage()
		if err != nil {
			closed.Add(1)
			return
		}
		now := time.Now().UnixNano()
		var msgs []wireMsg
		if frame[0] == '[' {
			_ = json.Unmarshal(frame, &msgs)
		} else {
			var m wireMsg
			_ = json.Unmarshal(frame, &m)
			msgs = append(msgs, m)
		}
		r.mu.Lock()
		for _, m := range msgs {
			switch m.Type {
			case "subscribed":
				if !subscribed {
					subscribed = true
					ready.Done()
				}
			case "event":
				r.lat = append(r.lat, now-m.Data.T)
			}
		}
		r.mu.Unlock()
	}
}
