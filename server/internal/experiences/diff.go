package experiences

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// flatten is a record's content as field path -> canonical JSON value:
// top-level fields, and the fields of its objects (penali.previste,
// fattori_critici.sla_e_penali); lists (indicatori, obiettivi, atti) are
// one value each, since their items have no identity of their own.
func flatten(f *Fields, docs []documentDoc) map[string]json.RawMessage {
	raw, _ := json.Marshal(f) // Fields always encodes
	var top map[string]json.RawMessage
	_ = json.Unmarshal(raw, &top)
	out := map[string]json.RawMessage{}
	for k, v := range top {
		if bytes.HasPrefix(v, []byte("{")) {
			var inner map[string]json.RawMessage
			_ = json.Unmarshal(v, &inner)
			for ik, iv := range inner {
				out[k+"."+ik] = iv
			}
			continue
		}
		out[k] = v
	}
	if len(docs) > 0 {
		out["atti"], _ = json.Marshal(documentsView(docs))
	}
	return out
}

// changedFields lists the paths whose values differ, sorted.
func changedFields(before, after map[string]json.RawMessage) []string {
	var out []string
	for k, v := range after {
		if !bytes.Equal(before[k], v) {
			out = append(out, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Change is one field's change between two versions: null is "not given".
type Change struct {
	Field   string          `json:"field"`
	From    json.RawMessage `json:"from"`
	To      json.RawMessage `json:"to"`
	Version int             `json:"version"` // the last version in the range that changed it
	ByName  string          `json:"by_name"`
	At      time.Time       `json:"at"`
}

// Diff is what changed from one version to another.
type Diff struct {
	From    int      `json:"from"`
	To      int      `json:"to"`
	Changes []Change `json:"changes"`
}

// VersionInfo is one entry of a record's history.
type VersionInfo struct {
	Version int       `json:"version"`
	Status  string    `json:"status"`
	ByName  string    `json:"by_name"`
	At      time.Time `json:"at"`
	Changed []string  `json:"changed"`
}

// History is every version of a record, newest first.
type History struct {
	ID       string        `json:"id"`
	Version  int           `json:"version"`
	Versions []VersionInfo `json:"versions"`
}

var null = json.RawMessage("null")

// loadVersions reads versions lo..hi of a record.
func (s *Service) loadVersions(ctx context.Context, d *recordDoc, lo, hi int) (map[int]versionDoc, error) {
	vs, err := s.versions.Load(ctx, d.ref(), lo, hi)
	if err != nil {
		return nil, err
	}
	for n := lo; n <= hi; n++ {
		if _, ok := vs[n]; !ok {
			return nil, fmt.Errorf("experience %s: version %d missing", d.ID, n)
		}
	}
	return vs, nil
}

// diff compares versions from and to (from < to) of d.
func (s *Service) diff(ctx context.Context, d *recordDoc, from, to int) (Diff, error) {
	vs, err := s.loadVersions(ctx, d, from, to)
	if err != nil {
		return Diff{}, err
	}
	flat := func(v versionDoc) (map[string]json.RawMessage, error) {
		var f Fields
		if err := json.Unmarshal(v.Content, &f); err != nil {
			return nil, fmt.Errorf("experience %s v%d: %w", d.ID, v.N, err)
		}
		return flatten(&f, v.Documents), nil
	}
	a, err := flat(vs[from])
	if err != nil {
		return Diff{}, err
	}
	b, err := flat(vs[to])
	if err != nil {
		return Diff{}, err
	}
	out := Diff{From: from, To: to, Changes: []Change{}}
	for _, field := range changedFields(a, b) {
		c := Change{Field: field, From: orNull(a[field]), To: orNull(b[field])}
		for n := to; n > from; n-- {
			if v := vs[n]; changedIn(v.Changed, field) {
				c.Version, c.ByName, c.At = n, v.ByName, v.At
				break
			}
		}
		out.Changes = append(out.Changes, c)
	}
	return out, nil
}

// changedIn: a version that changed "penali" changed "penali.previste" too.
func changedIn(changed []string, field string) bool {
	for _, c := range changed {
		if c == field || strings.HasPrefix(field, c+".") || strings.HasPrefix(c, field+".") {
			return true
		}
	}
	return false
}

func orNull(v json.RawMessage) json.RawMessage {
	if v == nil {
		return null
	}
	return v
}

// History lists a record's versions, newest first.
func (s *Service) History(ctx context.Context, u *account.User, id string) (History, error) {
	d, err := s.loadFor(ctx, u, id, authz.ReadExperienceHistory)
	if err != nil {
		return History{}, err
	}
	vs, err := s.loadVersions(ctx, d, 1, d.Version)
	if err != nil {
		return History{}, err
	}
	h := History{ID: d.ID, Version: d.Version, Versions: make([]VersionInfo, 0, d.Version)}
	for n := d.Version; n >= 1; n-- {
		v := vs[n]
		h.Versions = append(h.Versions, VersionInfo{Version: n, Status: v.Status, ByName: v.ByName, At: v.At, Changed: nonNil(v.Changed)})
	}
	return h, nil
}

// DiffOf compares two versions of a record; from 0 means to-1.
func (s *Service) DiffOf(ctx context.Context, u *account.User, id string, from, to int) (Diff, error) {
	d, err := s.loadFor(ctx, u, id, authz.ReadExperienceHistory)
	if err != nil {
		return Diff{}, err
	}
	if to == 0 {
		to = d.Version
	}
	if from == 0 {
		from = to - 1
	}
	switch {
	case to < 1 || to > d.Version:
		return Diff{}, invalid(map[string]string{"to": problem.FieldInvalid})
	case from < 1 || from >= to:
		return Diff{}, invalid(map[string]string{"from": problem.FieldInvalid})
	}
	return s.diff(ctx, d, from, to)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// cutCode splits "range:1–5" into its name and parameter.
func cutCode(code string) (string, string, bool) { return strings.Cut(code, ":") }

func sortNotices(ns []Notice) {
	sort.Slice(ns, func(i, j int) bool { return ns[i].Field < ns[j].Field })
}
