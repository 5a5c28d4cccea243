package attachment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
)

// Ref names what a file is attached to: a kind of thing ("post"; later a
// room message, an experience record) and its id within that kind.
type Ref struct {
	Kind string `bson:"kind"`
	ID   string `bson:"id"`
}

// Access is what a rule says of a user and the thing a file is attached to.
type Access int

const (
	// Gone: the thing does not exist, e.g. a write that stopped between
	// attaching the file and storing the post. It does not count as
	// attached.
	Gone Access = iota
	// Hidden: it exists and the user may not see it.
	Hidden
	// Visible: the user may see it, and so its files.
	Visible
)

// Rule tells what u may see of the thing of one kind with this id. The
// domain that owns the kind registers it (Authorize).
type Rule func(ctx context.Context, u *account.User, id string) (Access, error)

type rules struct {
	mu    sync.RWMutex
	kinds map[string]Rule
}

// Authorize sets the rule for files attached to things of a kind.
func (s *Store) Authorize(kind string, rule Rule) {
	s.rules.mu.Lock()
	defer s.rules.mu.Unlock()
	s.rules.kinds[kind] = rule
}

func (s *Store) rule(kind string) Rule {
	s.rules.mu.RLock()
	defer s.rules.mu.RUnlock()
	return s.rules.kinds[kind]
}

// maxRefsPerWrite bounds the files one write attaches (a body may name
// many URLs; the ones past this stay their owner's alone).
const maxRefsPerWrite = 50

// Attach attaches to ref those of ids that ownerID uploaded; ids of other
// people's files, or of no file, are left alone, so naming a URL never
// widens who reads someone else's file. A file may be attached to several
// things; it is read by whoever may see any of them. Attach before storing
// the thing: a file attached to something never stored stays its owner's.
func (s *Store) Attach(ctx context.Context, ownerID string, ids []string, ref Ref) error {
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] || len(seen) == maxRefsPerWrite {
			continue
		}
		seen[id] = true
		a, err := s.Get(ctx, id)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return err
		}
		if a.OwnerID != ownerID || slices.Contains(a.AttachedTo, ref) {
			continue
		}
		key, _ := fileKey(id)
		// The filter is the _id alone: the embedded store scans for
		// anything more.
		if _, err := s.bucket.GetFilesCollection().UpdateOne(ctx, bson.D{{Key: "_id", Value: key}},
			bson.M{"$addToSet": bson.M{"metadata.attached_to": ref}}); err != nil {
			return fmt.Errorf("attachment: attach %s to %s %s: %w", id, ref.Kind, ref.ID, err)
		}
	}
	return nil
}

// May reports whether u may read a: when a is attached to something, if u
// may see one of those things; otherwise only its owner.
func (s *Store) May(ctx context.Context, u *account.User, a Attachment) (bool, error) {
	if !authz.Can(authz.TakePart, u.Subject(), authz.Item{}) {
		return false, nil
	}
	attached := false
	for _, ref := range a.AttachedTo {
		rule := s.rule(ref.Kind)
		if rule == nil {
			attached = true // a kind this build does not know: nobody
			continue
		}
		acc, err := rule(ctx, u, ref.ID)
		if err != nil {
			return false, fmt.Errorf("attachment: access to %s %s: %w", ref.Kind, ref.ID, err)
		}
		switch acc {
		case Visible:
			return true, nil
		case Hidden:
			attached = true
		}
	}
	return !attached && a.OwnerID == u.ID, nil
}

// OpenFor returns a file's bytes if u may read it (May); a file u may not
// read is not found, so nothing tells it exists. The caller closes the
// reader.
func (s *Store) OpenFor(ctx context.Context, u *account.User, id string) (io.ReadCloser, Attachment, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, Attachment{}, err
	}
	ok, err := s.May(ctx, u, a)
	if err != nil {
		return nil, Attachment{}, err
	}
	if !ok {
		return nil, Attachment{}, ErrNotFound
	}
	rc, err := s.open(ctx, a)
	if err != nil {
		return nil, Attachment{}, err
	}
	return rc, a, nil
}

// urlInText finds attachment URLs in text (markdown links and images).
var urlInText = regexp.MustCompile(regexp.QuoteMeta(URLPrefix) + `([A-Za-z0-9_-]+)`)

// IDsIn lists the file ids whose URLs text names, in order, each once.
func IDsIn(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range urlInText.FindAllStringSubmatch(text, -1) {
		if _, ok := fileKey(m[1]); ok && !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}
