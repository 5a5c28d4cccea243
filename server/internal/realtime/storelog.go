package realtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/store"
)

// Collections owned by the stored log. Every access is by _id, the only
// fast lookup on the embedded store.
const (
	colHeads  = "topic_heads"  // {_id: topic, seq}
	colEvents = "topic_events" // {_id: "<topic>#<bucket>", ev: {"<seq>": storedEvent}}
)

// bucketSize events share one document (bucket = seq / bucketSize), so a
// replay reads at most ReplayWindow/bucketSize+1 documents by _id.
const bucketSize = 25

// keptBuckets are retained per topic: enough for ReplayWindow events
// before the bucket being filled.
const keptBuckets = ReplayWindow/bucketSize + 1

// StoreLog is the Log kept in the database. It owns each topic's head in
// memory once read, so it must be the only writer of its collections (one
// board process); the sequencer above it serialises appends per topic.
//
// An append writes the events first (a $set of keys named by seq, which a
// retry simply overwrites) and then moves the head: a reader, which trusts
// only the head, never sees a hole, and a failed append consumes no seq.
type StoreLog struct {
	heads, events *mongo.Collection
	log           *slog.Logger

	mu    sync.Mutex
	cache map[string]int64 // topic -> durable head
}

type storedEvent struct {
	Name string    `bson:"e"`
	Data string    `bson:"d"` // JSON text, replayed as is
	At   time.Time `bson:"at"`
}

// NewStoreLog returns the log on st.
func NewStoreLog(st *store.Store, log *slog.Logger) *StoreLog {
	return &StoreLog{heads: st.C(colHeads), events: st.C(colEvents), log: log, cache: map[string]int64{}}
}

func bucketID(topic string, b int64) string { return topic + "#" + strconv.FormatInt(b, 10) }

// Head implements Log.
func (l *StoreLog) Head(ctx context.Context, topic string) (int64, error) {
	l.mu.Lock()
	h, ok := l.cache[topic]
	l.mu.Unlock()
	if ok {
		return h, nil
	}
	var d struct {
		Seq int64 `bson:"seq"`
	}
	err := l.heads.FindOne(ctx, bson.D{{Key: "_id", Value: topic}}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return 0, fmt.Errorf("read head of %s: %w", topic, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// An append may have moved the head while we read; its value is newer.
	if cur, ok := l.cache[topic]; ok {
		return cur, nil
	}
	l.cache[topic] = d.Seq
	return d.Seq, nil
}

// Append implements Log: one $set per bucket touched (at most two for a
// batch of up to bucketSize events) and one head update.
func (l *StoreLog) Append(ctx context.Context, topic string, evs []*Event) error {
	if len(evs) == 0 {
		return nil
	}
	head, err := l.Head(ctx, topic)
	if err != nil {
		return err
	}
	first, last := head+1, head+int64(len(evs))
	for b := first / bucketSize; b <= last/bucketSize; b++ {
		set := bson.D{}
		for i, e := range evs {
			if seq := first + int64(i); seq/bucketSize == b {
				set = append(set, bson.E{Key: "ev." + strconv.FormatInt(seq, 10), Value: storedEvent{Name: e.Name, Data: string(e.Data), At: e.At}})
			}
		}
		_, err := l.events.UpdateOne(ctx, bson.D{{Key: "_id", Value: bucketID(topic, b)}},
			bson.D{{Key: "$set", Value: set}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("store events of %s: %w", topic, err)
		}
	}
	_, err = l.heads.UpdateOne(ctx, bson.D{{Key: "_id", Value: topic}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "seq", Value: last}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("move head of %s: %w", topic, err)
	}
	for i, e := range evs {
		e.Seq = first + int64(i)
	}
	l.mu.Lock()
	l.cache[topic] = last
	l.mu.Unlock()
	// Entering a bucket retires the one that left the window. A failure
	// only leaves an old bucket behind.
	for b := head/bucketSize + 1; b <= last/bucketSize; b++ {
		if old := b - keptBuckets; old >= 0 {
			if _, err := l.events.DeleteOne(ctx, bson.D{{Key: "_id", Value: bucketID(topic, old)}}); err != nil {
				l.log.Warn("retire old events", "topic", topic, "bucket", old, "err", err)
			}
		}
	}
	return nil
}

// Since implements Log.
func (l *StoreLog) Since(ctx context.Context, topic string, since int64) ([]*Event, int64, error) {
	head, err := l.Head(ctx, topic)
	if err != nil {
		return nil, 0, err
	}
	if !inWindow(since, head) {
		return nil, head, ErrOutOfWindow
	}
	out := make([]*Event, 0, head-since)
	for b := (since + 1) / bucketSize; b <= head/bucketSize && since < head; b++ {
		var d struct {
			Ev map[string]storedEvent `bson:"ev"`
		}
		err := l.events.FindOne(ctx, bson.D{{Key: "_id", Value: bucketID(topic, b)}}).Decode(&d)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, 0, fmt.Errorf("read events of %s: %w", topic, err)
		}
		lo, hi := max(since+1, b*bucketSize), min(head, b*bucketSize+bucketSize-1)
		for seq := lo; seq <= hi; seq++ {
			se, ok := d.Ev[strconv.FormatInt(seq, 10)]
			if !ok {
				// Only a store edited by hand gets here; the client refetches.
				l.log.Warn("event missing from the log", "topic", topic, "seq", seq)
				return nil, head, ErrOutOfWindow
			}
			out = append(out, &Event{Topic: topic, Seq: seq, Name: se.Name, Data: []byte(se.Data), At: se.At})
		}
	}
	return out, head, nil
}
