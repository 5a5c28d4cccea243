package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// UpdateIf applies update to the document id of collection only while its
// fields hold the values of cond ({field: value}); matched is false when
// they did not (or there is no such document). The caller holds a lock of
// its process over its read, check and write: on MongoDB cond is part of
// the filter, so other instances' writes are seen; the embedded store
// scans the whole table for a filter on more than _id (README, "embedded
// store"), so there, where this process is the only writer, the filter is
// the _id alone and the lock is the check.
func (s *Store) UpdateIf(ctx context.Context, collection, id string, cond, update bson.M) (matched bool, err error) {
	filter := bson.M{"_id": id}
	if !s.SoleWriter() {
		for k, v := range cond {
			filter[k] = v
		}
	}
	res, err := s.C(collection).UpdateOne(ctx, filter, update)
	if err != nil {
		return false, fmt.Errorf("update %s %s: %w", collection, id, err)
	}
	return res.MatchedCount > 0, nil
}
