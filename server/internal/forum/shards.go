package forum

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/store"
)

// A user's read positions and a category's listing are maps keyed by thread
// id, each split over a few documents, "<owner>#<shard>", by a hash of the
// thread id, so that an update rewrites one of them (store/shard).
const (
	readShards    = 16
	listingShards = 8
)

// migrated reports whether the migration marked by marker (a forum_counters
// document) is done; read through the writer, as start-up work must see
// the writes before it.
func (s *Service) migrated(ctx context.Context, marker string) (bool, error) {
	_, ok, err := store.Get[struct{}](ctx, s.deps.Store.Collection(colCounters).Ordered(), marker)
	if err != nil {
		return false, fmt.Errorf("check migration %s: %w", marker, err)
	}
	return ok, nil
}

// shardsMigrated marks, in forum_counters, that the unsharded documents of
// earlier versions have been split.
const shardsMigrated = "sharded_maps"

// migrateShards splits the read positions and listings that earlier
// versions kept in one document per owner. The shards are written before
// the old document is deleted, so a crash in between only repeats the work.
func (s *Service) migrateShards(ctx context.Context) error {
	if done, err := s.migrated(ctx, shardsMigrated); err != nil || done {
		return err
	}
	if err := s.listings.Split(ctx, "$set"); err != nil {
		return err
	}
	if err := s.reads.Split(ctx, "$max"); err != nil {
		return err
	}
	if _, err := s.deps.Store.C(colCounters).UpdateOne(ctx, bson.M{"_id": shardsMigrated}, bson.M{"$set": bson.M{"n": 1}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return fmt.Errorf("record shard migration: %w", err)
	}
	return nil
}
