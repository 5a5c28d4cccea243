package account

import (
	"context"
	"fmt"
	"regexp"
	"slices"
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
	Handle string `bson:"_id"`
	Kind   string `bson:"kind"`
	ID     string `bson:"ref"` // user ID or administration ID
	Name   string `bson:"name"`
	Detail string `bson:"detail"` // a user's administration; an administration's codice IPA
	// Active: the administration (or the user's) is approved. Only active
	// handles resolve and are suggested.
	Active bool `bson:"active"`
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

// Writer is whom @-suggestions are ranked for: their administration and
// the users who wrote last in the thread they write in.
type Writer struct {
	AdministrationID string
	Participants     []string // user IDs
}

// maxSuggestScan bounds the matches ranked for one suggestion list.
const maxSuggestScan = 1000

// SuggestHandles returns up to limit active handles starting with prefix,
// or whose name has a word starting with it, for @-autocomplete, in the
// order rankSuggestions gives. The handles collection is one small
// document per user and administration: the scan is bounded by that.
func (s *Service) SuggestHandles(ctx context.Context, prefix string, limit int, w Writer) ([]Mentionable, error) {
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
	cur, err := s.st.C(colHandles).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(maxSuggestScan))
	if err != nil {
		return nil, fmt.Errorf("suggest handles: %w", err)
	}
	found := []Mentionable{}
	if err := cur.All(ctx, &found); err != nil {
		return nil, fmt.Errorf("read handles: %w", err)
	}
	ids := slices.Clone(w.Participants)
	for _, m := range found {
		if m.Kind == KindUser {
			ids = append(ids, m.ID)
		}
	}
	adminOf, err := s.administrationsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := rankSuggestions(p, found, nearness(w, adminOf))
	return out[:min(limit, len(out))], nil
}

// administrationsOf maps each of the users to their administration's ID.
func (s *Service) administrationsOf(ctx context.Context, userIDs []string) (map[string]string, error) {
	out := make(map[string]string, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	cur, err := s.st.R(colUsers).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: userIDs}}}},
		options.Find().SetProjection(bson.D{{Key: "administration_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("load administrations of users: %w", err)
	}
	var us []struct {
		ID    string `bson:"_id"`
		Admin string `bson:"administration_id"`
	}
	if err := cur.All(ctx, &us); err != nil {
		return nil, fmt.Errorf("read administrations of users: %w", err)
	}
	for _, u := range us {
		out[u.ID] = u.Admin
	}
	return out, nil
}

// near is who is close to the writer: their own administration, the
// thread's recent participants and those participants' administrations.
type near struct {
	ownAdmin     string
	users        map[string]bool   // participants
	admins       map[string]bool   // the writer's and the participants' administrations
	administered map[string]string // user ID -> administration ID, for the suggested users
}

func nearness(w Writer, adminOf map[string]string) near {
	n := near{ownAdmin: w.AdministrationID, users: map[string]bool{}, admins: map[string]bool{}, administered: adminOf}
	if w.AdministrationID != "" {
		n.admins[w.AdministrationID] = true
	}
	for _, id := range w.Participants {
		n.users[id] = true
		if a := adminOf[id]; a != "" {
			n.admins[a] = true
		}
	}
	return n
}

// isClose reports whether m is someone of the writer's administration, a
// recent participant, or one of those administrations.
func (n near) isClose(m Mentionable) bool {
	if m.Kind == KindAdministration {
		return n.admins[m.ID]
	}
	return n.users[m.ID] || n.ownAdmin != "" && n.administered[m.ID] == n.ownAdmin
}

// rankSuggestions orders the matches of prefix p: handles and names that
// start with p before those matching at a later word; within each, those
// close to the writer before the rest; then by handle.
func rankSuggestions(p string, found []Mentionable, n near) []Mentionable {
	type ranked struct {
		m          Mentionable
		inner, far bool
	}
	rs := make([]ranked, len(found))
	for i, m := range found {
		starts := strings.HasPrefix(m.Handle, p) || strings.HasPrefix(strings.ToLower(m.Name), p)
		rs[i] = ranked{m: m, inner: !starts, far: !n.isClose(m)}
	}
	slices.SortStableFunc(rs, func(a, b ranked) int {
		if a.inner != b.inner {
			return boolOrder(a.inner)
		}
		if a.far != b.far {
			return boolOrder(a.far)
		}
		return strings.Compare(a.m.Handle, b.m.Handle)
	})
	out := make([]Mentionable, len(rs))
	for i, r := range rs {
		out[i] = r.m
	}
	return out
}

// boolOrder sorts false before true.
func boolOrder(later bool) int {
	if later {
		return 1
	}
	return -1
}
