package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/demo"
)

// roomMessage is what the crash test reads of a message.
type roomMessage struct {
	Seq      int    `json:"seq"`
	ClientID string `json:"client_id"`
	Body     string `json:"body"`
	Author   struct {
		ID string `json:"id"`
	} `json:"author"`
}

// roomSend sends one message; ok is false when it was not acknowledged
// (the board is gone, or it answered anything but 201/200).
func roomSend(c *client, roomID, clientID, body string) (roomMessage, int, bool) {
	status, data, err := c.do("POST", "/api/v1/rooms/"+roomID+"/messages", map[string]any{"client_id": clientID, "body": body})
	if err != nil || (status != http.StatusCreated && status != http.StatusOK) {
		return roomMessage{}, status, false
	}
	var m roomMessage
	if json.Unmarshal(data, &m) != nil || m.Seq == 0 {
		return roomMessage{}, status, false
	}
	return m, status, true
}

// A kill -9 during a burst of room messages from several senders: after a
// restart each sender resends every message it saw no answer for, as the
// client's outbox does. Then every acknowledged message is stored exactly
// once under the seq it was acknowledged with, no client id is stored
// twice, each sender's messages are in the order sent, and every resend
// was answered - within a bounded time.
func TestKillMidRoomBurstLosesAndDuplicatesNothing(t *testing.T) {
	b := newBoard(t)
	b.start()
	emails := []string{"elena.marchetti@example.org", "giulia.bianchi@example.org", "admin@tavolo.test"}
	var senders []*client
	for _, e := range emails {
		senders = append(senders, login(t, b.base, e, demo.Password))
	}
	status, data, err := senders[2].do("POST", "/api/v1/rooms", map[string]any{"name": "Prova di resistenza", "kind": "theme",
		"access": "open", "history": "full", "presence": "names"})
	if err != nil || status != http.StatusCreated {
		t.Fatalf("create room: %d %s %v", status, data, err)
	}
	var room struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(data, &room)

	type sender struct {
		acked   map[string]int // client id -> seq acknowledged
		order   []string       // client ids in the order sent
		pending []string       // sent, never answered
	}
	state := make([]*sender, len(senders))
	var (
		mu     sync.Mutex
		total  int
		wg     sync.WaitGroup
		killed sync.Once
	)
	const ackedBeforeKill = 30 // the send rate lets each sender 20 at once
	for i, c := range senders {
		st := &sender{acked: map[string]int{}}
		state[i] = st
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 200; n++ {
				cid := fmt.Sprintf("s%d-%03d", i, n)
				if len(st.order) == 0 || st.order[len(st.order)-1] != cid {
					st.order = append(st.order, cid)
				}
				m, status, ok := roomSend(c, room.ID, cid, "messaggio "+cid)
				if status == http.StatusTooManyRequests { // the client waits and sends it again, in order
					time.Sleep(300 * time.Millisecond)
					n--
					continue
				}
				if !ok {
					st.pending = append(st.pending, cid)
					return // the board is gone
				}
				st.acked[cid] = m.Seq
				mu.Lock()
				total++
				n := total
				mu.Unlock()
				if n >= ackedBeforeKill {
					killed.Do(b.kill)
				}
			}
		}()
	}
	wg.Wait()
	killed.Do(b.kill)
	if total < ackedBeforeKill {
		t.Fatalf("only %d messages acknowledged before the board stopped:\n%s", total, b.logTail())
	}

	start := time.Now()
	b.start()
	deadline := time.Now().Add(60 * time.Second)
	for i, e := range emails {
		senders[i] = login(t, b.base, e, demo.Password)
	}
	var problems []string
	for i, st := range state {
		for k := 0; k < len(st.pending); k++ {
			cid := st.pending[k]
			m, status, ok := roomSend(senders[i], room.ID, cid, "messaggio "+cid)
			if status == http.StatusTooManyRequests && time.Now().Before(deadline) {
				time.Sleep(time.Second)
				k--
				continue
			}
			if !ok {
				problems = append(problems, fmt.Sprintf("resend %s: status %d", cid, status))
				continue
			}
			st.acked[cid] = m.Seq
		}
		// A resend of an acknowledged message answers the same seq.
		for cid, seq := range st.acked {
			if m, status, ok := roomSend(senders[i], room.ID, cid, "messaggio "+cid); ok && status == http.StatusOK && m.Seq != seq {
				problems = append(problems, fmt.Sprintf("resend of acknowledged %s: seq %d, want %d", cid, m.Seq, seq))
			}
			break
		}
	}
	// Read everything back with the catch-up pages.
	stored := map[string][]int{}
	var seqs []int
	for after := 0; ; {
		var p struct {
			Messages []roomMessage `json:"messages"`
			HasMore  bool          `json:"has_more"`
		}
		if err := senders[0].get(fmt.Sprintf("/api/v1/rooms/%s/messages?after=%d&limit=100", room.ID, after), &p); err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Messages {
			stored[m.ClientID] = append(stored[m.ClientID], m.Seq)
			seqs = append(seqs, m.Seq)
			after = m.Seq
		}
		if !p.HasMore || len(p.Messages) == 0 {
			break
		}
	}
	for cid, s := range stored {
		if len(s) != 1 {
			problems = append(problems, fmt.Sprintf("client id %s stored %d times (seqs %v)", cid, len(s), s))
		}
	}
	acked := 0
	for _, st := range state {
		last := 0
		for _, cid := range st.order {
			seq, ok := st.acked[cid]
			if !ok {
				continue
			}
			acked++
			if got := stored[cid]; len(got) == 0 || got[0] != seq {
				problems = append(problems, fmt.Sprintf("acknowledged %s (seq %d): stored at %v", cid, seq, got))
			}
			if seq < last {
				problems = append(problems, fmt.Sprintf("%s at seq %d after seq %d: out of order", cid, seq, last))
			}
			last = max(last, seq)
		}
	}
	if len(stored) != acked {
		problems = append(problems, fmt.Sprintf("%d client ids stored, %d acknowledged", len(stored), acked))
	}
	took := time.Since(start)
	logged, _ := os.ReadFile(b.log)
	t.Logf("%d acknowledged before the kill, %d after the resends, %d stored (%d voids, %d redone); restart and resends took %v",
		total, acked, len(seqs), strings.Count(string(logged), "void left by a crash"), strings.Count(string(logged), "pending work redone"), took)
	if took > 90*time.Second {
		problems = append(problems, fmt.Sprintf("restart and resends took %v", took))
	}
	if len(problems) > 0 {
		t.Errorf("after a kill -9 and the resends:\n%s", strings.Join(problems, "\n"))
		t.Logf("board log:\n%s", b.logTail())
	}
}
