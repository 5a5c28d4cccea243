package rooms

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/store"
)

// goneDoc lists the seqs of a room that are not messages (deleted, or
// voids), apart from the room: every send reads the room, and on the
// embedded store a read decodes the whole document, so a room with
// thousands of deleted messages made every send slower (BenchmarkSendAckGone5000).
// Only the views with unread counts read it.
//
// A room stored before the list moved kept it in its own "gone" field:
// Reconcile moves it here at start-up (migrateGone).
type goneDoc struct {
	ID   string `bson:"_id"`
	Seqs []int  `bson:"seqs"`
}

// withGone sets the rooms' Gone from their lists (fresh: through the
// writer, for a read that must see the writes before it); a list still in
// the room's own field is kept too.
func (s *Service) withGone(ctx context.Context, rs []*roomDoc, fresh bool) error {
	if len(rs) == 0 {
		return nil
	}
	c := s.deps.Store.Collection(colGone)
	if fresh {
		c = c.Ordered()
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	docs, err := store.Load[goneDoc](ctx, c, ids)
	if err != nil {
		return err
	}
	for i, r := range rs {
		for _, g := range docs[i].Seqs {
			if !slices.Contains(r.Gone, g) {
				r.Gone = append(r.Gone, g)
			}
		}
	}
	return nil
}

// markGone records that seq is not a message (deleted, or a void).
func (s *Service) markGone(ctx context.Context, roomID string, seq int) error {
	if _, err := s.deps.Store.C(colGone).UpdateOne(ctx, bson.M{"_id": roomID}, bson.M{"$addToSet": bson.M{"seqs": seq}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return fmt.Errorf("mark %s seq %d gone: %w", roomID, seq, err)
	}
	return nil
}

// unmarkGone makes a voided seq a message again (a send written late;
// rare). The outbox redoes sends before Reconcile migrates, so a room's
// own field may still hold the seq.
func (s *Service) unmarkGone(ctx context.Context, roomID string, seq int) error {
	unvoid := func(c *mongo.Collection, field string) error {
		if _, err := c.UpdateOne(ctx, bson.M{"_id": roomID}, bson.M{"$pull": bson.M{field: seq}}); err != nil {
			return fmt.Errorf("unvoid %s seq %d: %w", roomID, seq, err)
		}
		return nil
	}
	if err := unvoid(s.deps.Store.C(colGone), "seqs"); err != nil {
		return err
	}
	return s.updateRoom(ctx, roomID, func(c *mongo.Collection) error { return unvoid(c, "gone") })
}

// migrateGone moves a room's list from its own field to room_gone: the
// list first, then the field goes (a crash between leaves both, and
// withGone reads their union).
func (s *Service) migrateGone(ctx context.Context, r *roomDoc) error {
	if len(r.Gone) == 0 {
		return nil
	}
	if _, err := s.deps.Store.C(colGone).UpdateOne(ctx, bson.M{"_id": r.ID}, bson.M{"$addToSet": bson.M{"seqs": bson.M{"$each": r.Gone}}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return fmt.Errorf("move the gone list of %s: %w", r.ID, err)
	}
	return s.updateRoom(ctx, r.ID, func(c *mongo.Collection) error {
		if _, err := c.UpdateOne(ctx, bson.M{"_id": r.ID}, bson.M{"$unset": bson.M{"gone": ""}}); err != nil {
			return fmt.Errorf("move the gone list of %s: %w", r.ID, err)
		}
		return nil
	})
}
