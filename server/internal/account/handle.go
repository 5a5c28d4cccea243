package account

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/text/unicode/norm"
)

// Mentionable kinds.
const (
	KindUser           = "user"
	KindAdministration = "administration"
)

// Mentionable is what an @handle names: a user or an administration. The
// handles collection is keyed by handle, so uniqueness across both kinds is
// the primary key's and resolving is an _id lookup.
type Mentionable struct {
	Handle string `bson:"_id" json:"handle"`
	Kind   string `bson:"kind" json:"kind"`
	ID     string `bson:"ref" json:"-"` // user ID or administration ID
	Name   string `bson:"name" json:"name"`
	Detail string `bson:"detail" json:"detail"` // a user's administration; an administration's codice IPA
	// Active: the administration (or the user's) is approved. Only active
	// handles resolve and are suggested.
	Active bool `bson:"active" json:"-"`
}

const maxHandle = 30

var handleRE = regexp.MustCompile(`^[a-z0-9_]{1,30}$`)

// handleBase turns a name into a handle: accents dropped, lowercase, runs of
// anything else as one underscore ("Maria Teresa D'Angelo" -> maria_teresa_d_angelo).
func handleBase(name string) string {
	var b strings.Builder
	under := false
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			under = false
		default:
			if !under && b.Len() > 0 {
				b.WriteByte('_')
				under = true
			}
		}
	}
	h := strings.Trim(b.String(), "_")
	if len(h) > maxHandle-4 {
		h = strings.TrimRight(h[:maxHandle-4], "_")
	}
	if h == "" {
		h = "utente"
	}
	return h
}

// claimHandle inserts m under base, or base2, base3… until one is free.
func (s *Service) claimHandle(ctx context.Context, base string, m Mentionable) (string, error) {
	for n := 1; n < 1000; n++ {
		h := base
		if n > 1 {
			h = base + strconv.Itoa(n)
		}
		m.Handle = h
		_, err := s.st.C(colHandles).InsertOne(ctx, m)
		if err == nil {
			return h, nil
		}
		if !isDup(err) {
			return "", fmt.Errorf("claim handle: %w", err)
		}
	}
	return "", fmt.Errorf("no free handle for %q", base)
}

// ResolveHandles maps each known, active handle (without @, any case) to
// what it names; unknown handles are absent from the map.
func (s *Service) ResolveHandles(ctx context.Context, handles []string) (map[string]Mentionable, error) {
	out := make(map[string]Mentionable, len(handles))
	for _, h := range handles {
		h = strings.ToLower(strings.TrimPrefix(h, "@"))
		if _, done := out[h]; done || !handleRE.MatchString(h) {
			continue
		}
		var m Mentionable
		err := s.st.R(colHandles).FindOne(ctx, bson.D{{Key: "_id", Value: h}}).Decode(&m)
		if notFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("resolve handle: %w", err)
		}
		if m.Active {
			out[h] = m
		}
	}
	return out, nil
}

// SuggestHandles returns up to limit active handles starting with prefix,
// or whose name has a word starting with it, for @-autocomplete. The
// handles collection is one small document per user and administration:
// the scan is bounded by that.
func (s *Service) SuggestHandles(ctx context.Context, prefix string, limit int) ([]Mentionable, error) {
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	p := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(prefix), "@"))
	if len(p) > maxHandle {
		return []Mentionable{}, nil
	}
	q := regexp.QuoteMeta(p)
	filter := bson.D{{Key: "active", Value: true}}
	if p != "" {
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "_id", Value: bson.Regex{Pattern: "^" + q}}},
			bson.D{{Key: "name", Value: bson.Regex{Pattern: `(^|\s)` + q, Options: "i"}}},
		}})
	}
	cur, err := s.st.C(colHandles).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("suggest handles: %w", err)
	}
	out := []Mentionable{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("read handles: %w", err)
	}
	return out, nil
}
