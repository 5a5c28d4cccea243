package attachment

import (
	"context"
	"errors"
	"fmt"
)

// ErrNotOwned says a listed id is no file, or another user's upload: the
// caller names its own field in the error it answers.
var ErrNotOwned = errors.New("attachment: unknown, or uploaded by someone else")

// Getter reads a file's description (Store satisfies it).
type Getter interface {
	Get(ctx context.Context, id string) (Attachment, error)
}

// Owned reads the distinct ids, in order, and checks that ownerID uploaded
// each: what a post or a message may take as its files.
func Owned(ctx context.Context, g Getter, ownerID string, ids []string) ([]Attachment, error) {
	out := []Attachment{}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		a, err := g.Get(ctx, id)
		if errors.Is(err, ErrNotFound) || err == nil && a.OwnerID != ownerID {
			return nil, ErrNotOwned
		}
		if err != nil {
			return nil, fmt.Errorf("load attachment %s: %w", id, err)
		}
		out = append(out, a)
	}
	return out, nil
}
