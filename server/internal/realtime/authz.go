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
	mu       sync.RWMutex
	kinds    map[string]Rule
	typing   map[string]Rule         // optional, on top of kinds for `typing`
	presence map[string]PresenceRule // kinds with presence
}

func newRules() *rules {
	r := &rules{kinds: map[string]Rule{}, typing: map[string]Rule{}, presence: map[string]PresenceRule{}}
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
	return answer(log, u, topic, rule(ctx, u, id))
}

// checkTyping returns "" when u may publish `typing` on topic, else the
// error code to answer: the topic's rule, then its kind's typing rule.
func (r *rules) checkTyping(ctx context.Context, log *slog.Logger, u *account.User, topic string) string {
	if code := r.check(ctx, log, u, topic); code != "" {
		return code
	}
	kind, id, _ := strings.Cut(topic, ":")
	r.mu.RLock()
	rule := r.typing[kind]
	r.mu.RUnlock()
	if rule == nil {
		return ""
	}
	return answer(log, u, topic, rule(ctx, u, id))
}

// answer maps a rule's error to the code sent to the client.
func answer(log *slog.Logger, u *account.User, topic string, err error) string {
	if err == nil {
		return ""
	}
	if p, ok := problem.As(err); ok && (p.Kind == problem.Forbidden || p.Kind == problem.NotFound) {
		return CodeForbidden
	}
	log.Error("topic rule failed", "topic", topic, "user", u.ID, "err", err)
	return CodeInternal
}
