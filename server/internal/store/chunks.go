package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// WriteChunks writes models, each touching its own document, size to an
// unordered command. On the embedded store the writer serves no one else
// while a command runs, so a background writer keeps its commands short;
// with pause > 0 it also sleeps after each command for as long as the
// command held the writer (at most pause), leaving it to requests' writes
// about half the time.
func WriteChunks(ctx context.Context, c *mongo.Collection, models []mongo.WriteModel, size int, pause time.Duration) error {
	for i := 0; i < len(models); i += size {
		start := time.Now()
		if _, err := c.BulkWrite(ctx, models[i:min(i+size, len(models))], options.BulkWrite().SetOrdered(false)); err != nil {
			return err
		}
		if pause > 0 && i+size < len(models) {
			time.Sleep(min(time.Since(start), pause))
		}
	}
	return nil
}
