package realtime

import (
	"context"
	"sync"
)

// Revocation: a topic's rule reads the store (a room's access), so when the
// thing behind a topic changes who may see it, the feature calls Recheck
// and the subscriptions the rule now refuses end at once, instead of
// living until their connection does.
//
// A subscribe checks its rule before the owner adds the subscription; a
// Recheck that snapshots the subscribers in between would miss it. Each
// Recheck bumps the topic's generation when it snapshots, and a subscribe
// whose check began under an older generation checks again.

// recheckWorkers bounds the rule checks of one Recheck running at once:
// each is a store read, and a crowded topic must not flood the store.
const recheckWorkers = 4

// generations counts the rechecks of each topic ever rechecked (topics
// whose access changed: few).
type generations struct {
	mu sync.Mutex
	n  map[string]uint64
}

func (g *generations) get(topic string) uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n[topic]
}

func (g *generations) bump(topic string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n == nil {
		g.n = map[string]uint64{}
	}
	g.n[topic]++
}

// Recheck runs topic's subscribe rule again for every connection
// subscribed to it and ends the subscriptions it refuses: their presence
// goes, and each such connection gets `unsubscribed` with the topic and the
// code (`forbidden`) and no further event of the topic. It returns how many
// subscriptions it ended, once they are ended. The rule runs off the owner
// goroutine, once per user; a rule that fails (not a refusal) keeps the
// subscription, logged.
func (h *Hub) Recheck(ctx context.Context, topic string) int {
	users := map[string][]*Conn{}
	h.call(func() {
		h.gens.bump(topic)
		for c := range h.topics[topic] {
			users[c.user.ID] = append(users[c.user.ID], c)
		}
	})
	if len(users) == 0 {
		return 0
	}
	var (
		mu      sync.Mutex
		refused []*Conn
		wg      sync.WaitGroup
		slots   = make(chan struct{}, recheckWorkers)
	)
	for _, conns := range users {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			if h.rules.check(ctx, h.log, conns[0].user, topic) == CodeForbidden {
				mu.Lock()
				refused = append(refused, conns...)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(refused) == 0 {
		return 0
	}
	frame := encode(topicMsg{Type: "unsubscribed", Topic: topic, Code: CodeForbidden})
	ended := 0
	h.call(func() {
		for _, c := range refused {
			if c.sub(topic) == nil {
				continue // unsubscribed or gone meanwhile
			}
			h.removeSub(c, topic)
			c.enqueue(outMsg{one: frame})
			ended++
		}
	})
	return ended
}
