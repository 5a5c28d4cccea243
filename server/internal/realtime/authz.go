package realtime

import (
	"context"
	"log/slog"
	"strings"
	"sync"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// Rule decides whether u may subscribe to (and publish transient events on)
// the topic "<kind>:<id>" ("<kind>" alone gives id ""). It returns nil, a
// problem error of kind Forbidden or NotFound (both answered `forbidden`,
// so a topic's existence does not leak), or an internal error.
type Rule func(ctx context.Context, u *account.User, id string) error

// rules is the topic authorisation registry, filled by the features at
// start-up.
type rules struct {
	mu    sync.RWMutex
	kinds map[string]Rule
}

func newRules() *rules {
	r := &rules{kinds: map[string]Rule{}}
	r.add("user", func(_ context.Context, u *account.User, id string) error {
		if !authz.Can(authz.SubscribeUser, u.Subject(), authz.Item{OwnerID: id}) {
			return problem.ErrForbidden
		}
		return nil
	})
	return r
}

func (r *rules) add(kind string, rule Rule) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.kinds[kind]; dup {
		panic("realtime: topic kind authorised twice: " + kind)
	}
	r.kinds[kind] = rule
}

// maxTopicLen keeps topics (and the _ids built from them) small.
const maxTopicLen = 160

// check returns "" when u may use topic, else the error code to answer.
func (r *rules) check(ctx context.Context, log *slog.Logger, u *account.User, topic string) string {
	if topic == "" || len(topic) > maxTopicLen || strings.ContainsAny(topic, "#\x00") {
		return CodeUnknownTopic
	}
	kind, id, _ := strings.Cut(topic, ":")
	r.mu.RLock()
	rule := r.kinds[kind]
	r.mu.RUnlock()
	if rule == nil {
		return CodeUnknownTopic
	}
	err := rule(ctx, u, id)
	if err == nil {
		return ""
	}
	if p, ok := problem.As(err); ok && (p.Kind == problem.Forbidden || p.Kind == problem.NotFound) {
		return CodeForbidden
	}
	log.Error("topic rule failed", "topic", topic, "user", u.ID, "err", err)
	return CodeInternal
}
