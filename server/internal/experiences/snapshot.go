package experiences

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/store"
)

// What the comparison table (package tables) reads of the records: which
// version of each record is current and who may read it, from the list's
// in-memory index (no store read on the hot path), and the content of one
// version, which never changes once stored (so callers may cache it by
// record id and version).

// Head is a record as the index knows it now.
type Head struct {
	ID             string
	Titolo         string
	Version        int
	Status         string
	Administration Administration // id, name, category, region
	ThreadID       string
	UpdatedAt      time.Time
}

// Heads are the current heads of ids that u may read, in the order of ids;
// unread is the ids that do not exist for u (unknown, or a draft of
// another administration for a participant).
func (s *Service) Heads(u *account.User, ids []string) (heads []Head, unread []string) {
	sub := u.Subject()
	s.index.mu.RLock()
	defer s.index.mu.RUnlock()
	for _, id := range ids {
		e := s.index.m[id]
		if e == nil || !authz.Can(authz.ReadExperience, sub, e.item()) || e.Moderated && !seesModerated(sub, e.item()) {
			unread = append(unread, id)
			continue
		}
		heads = append(heads, Head{ID: e.ID, Titolo: e.Titolo, Version: e.Version, Status: e.Status,
			Administration: Administration{ID: e.AdmID, CodiceIPA: e.AdmIPA, Name: e.AdmName, Category: e.Cat, Region: e.Region},
			ThreadID:       e.ThreadID, UpdatedAt: e.UpdatedAt})
	}
	return heads, unread
}

func (e *entry) item() authz.Item {
	it := authz.Item{AdministrationID: e.AdmID}
	if e.Status == StatusDraft {
		it.State = authz.Draft
	}
	return it
}

// Version is a record's content at one version.
type Version struct {
	ID      string
	N       int
	Status  string
	ByName  string
	At      time.Time
	Fields  Fields
	Atti    []string // the documents' types, in order
	Derived Derived  // sopra_soglia_ue and its threshold, computed for this content
}

// VersionOf reads version n of record id (the current one from its head,
// an older one from the version store). It does not check who reads: the
// caller has checked the record with Heads.
func (s *Service) VersionOf(ctx context.Context, id string, n int) (Version, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return Version{}, err
	}
	if n > d.Version { // a reader behind this process's latest write: ask the writer
		fresh, ok, err := store.Get[recordDoc](ctx, s.heads.Ordered(), id)
		if err != nil {
			return Version{}, fmt.Errorf("load experience %s: %w", id, err)
		}
		if ok {
			d = &fresh
		}
	}
	if n < 1 || n > d.Version {
		return Version{}, fmt.Errorf("experience %s: no version %d (now %d): %w", id, n, d.Version, ErrNotFound)
	}
	content, docs, status, by, at := d.Content, d.Documents, d.Status, d.UpdatedByName, d.UpdatedAt
	if n != d.Version {
		vs, err := s.loadVersions(ctx, d, n, n)
		if err != nil {
			return Version{}, err
		}
		v := vs[n]
		content, docs, status, by, at = v.Content, v.Documents, v.Status, v.ByName, v.At
	}
	var f Fields
	if err := json.Unmarshal(content, &f); err != nil {
		return Version{}, fmt.Errorf("experience %s v%d: decode content: %w", id, n, err)
	}
	atti := make([]string, len(docs))
	for i, doc := range docs {
		atti[i] = doc.Tipo
	}
	return Version{ID: id, N: n, Status: status, ByName: by, At: at, Fields: f, Atti: atti,
		Derived: Derive(&f, d.Administration.Category)}, nil
}
