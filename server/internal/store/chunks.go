package store

import (
	"context"
	"errors"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Chunk is how many statements a background writer puts in one command.
// On the embedded store each statement is a transaction of its own
// (~1 ms) and the writer serves no one else while a command runs; the
// requests' group inserts (a send's outbox entry, its topic's events)
// each wait behind a whole background command, so they alternate with
// them. At 40 rooms × 50 members and 200 messages/s, 4 rather than 16
// took the delivery p99 from 59–215 ms to 46–59 ms in most runs
// (alternated, README); on MongoDB it only costs more round trips.
const Chunk = 4

// WriteChunks writes models, each touching its own document, size to an
// unordered command. On the embedded store the writer serves no one else
// while a command runs, so a background writer keeps its commands short;
// with pause > 0 it also sleeps after each command for as long as the
// command held the writer (at most pause), leaving it to requests' writes
// about half the time.
func WriteChunks(ctx context.Context, c *mongo.Collection, models []mongo.WriteModel, size int, pause time.Duration) error {
	return writeChunks(ctx, c, models, size, pause, false)
}

// InsertNew inserts docs size to an unordered command, as WriteChunks
// does; a document whose _id is stored already counts as written (a redo
// after a crash, a retried pass).
func InsertNew(ctx context.Context, c *mongo.Collection, docs []any, size int) error {
	models := make([]mongo.WriteModel, len(docs))
	for i, d := range docs {
		models[i] = mongo.NewInsertOneModel().SetDocument(d)
	}
	return writeChunks(ctx, c, models, size, 0, true)
}

func writeChunks(ctx context.Context, c *mongo.Collection, models []mongo.WriteModel, size int, pause time.Duration, storedOK bool) error {
	for i := 0; i < len(models); i += size {
		start := time.Now()
		_, err := c.BulkWrite(ctx, models[i:min(i+size, len(models))], options.BulkWrite().SetOrdered(false))
		if err != nil && !(storedOK && onlyDuplicates(err)) {
			return err
		}
		if pause > 0 && i+size < len(models) {
			time.Sleep(min(time.Since(start), pause))
		}
	}
	return nil
}

// onlyDuplicates says every write of a bulk write failed on a duplicate
// key, and nothing else went wrong.
func onlyDuplicates(err error) bool {
	var be mongo.BulkWriteException
	return errors.As(err, &be) && be.WriteConcernError == nil &&
		!slices.ContainsFunc(be.WriteErrors, func(we mongo.BulkWriteError) bool { return we.Code != 11000 })
}
