package forum

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/store"
)

// colThreadKeys maps a caller's idempotency key to the thread it opened.
const colThreadKeys = "forum_thread_keys"

type threadKeyDoc struct {
	ID       string `bson:"_id"`
	ThreadID string `bson:"thread_id"`
}

// threadByKey is the thread opened with key, if it exists. A key whose
// thread was never written (a crash between the two) counts as unused: the
// next creation takes a new id and points the key at it.
func (s *Service) threadByKey(ctx context.Context, key string) (ThreadSummary, bool, error) {
	if key == "" {
		return ThreadSummary{}, false, nil
	}
	k, ok, err := store.Get[threadKeyDoc](ctx, s.deps.Store.Collection(colThreadKeys).Ordered(), key)
	if err != nil || !ok {
		return ThreadSummary{}, false, err
	}
	t, err := s.thread(ctx, k.ThreadID)
	if errors.Is(err, ErrThreadNotFound) {
		return ThreadSummary{}, false, nil
	}
	if err != nil {
		return ThreadSummary{}, false, err
	}
	return *t, true, nil
}

// keyThread records, before any of the thread's writes, which id key gets.
func (s *Service) keyThread(ctx context.Context, key, threadID string) error {
	if key == "" {
		return nil
	}
	_, err := s.deps.Store.C(colThreadKeys).UpdateOne(ctx, bson.M{"_id": key},
		bson.M{"$set": bson.M{"thread_id": threadID}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("thread key %q: %w", key, err)
	}
	return nil
}
