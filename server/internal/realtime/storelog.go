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
	"github.com/cantieri/tavolo/server/internal/store/group"
)

// Collections owned by the stored log. Every access is by _id, the only
// fast lookup on the embedded store.
const (
	colHeads  = "topic_heads" // {_id: topic, seq, low}
	colEvents = "topic_log"   // {_id: "<topic>#<seq>", e, d, at}: one document per event
)

// headStride: the durable head is written when a batch crosses a multiple
// of it (and on Flush), not on every append. It is only a starting point:
// on load the log probes the events after it, so it may lag.
const headStride = 64

// retireStride: events that left the replay window are deleted by _id in
// the background, once this many have accumulated, store.Chunk to a
// command (one command per event cost three times the writer's time; a
// short command keeps the appends behind it from waiting).
const retireStride = 64

// replayReaders bound the parallel _id reads of one replay.
const replayReaders = 4

// StoreLog is the Log kept in the database. It owns each topic's head in
// memory once read, so it must be the only writer of its collections (one
// board process); the sequencer above it serialises appends per topic.
//
// An append inserts one document per event (an insert rewrites nothing,
// unlike a $set on a bucket, which FerretDB rewrites whole); only then does
// the head in memory move, so a reader, which trusts that head, never sees
// a hole, and a failed append consumes no seq. The durable head is written
// every headStride events and on Flush; a process that stopped without
// Flush finds its events after the stored head by probing _ids.
type StoreLog struct {
	heads, events   *mongo.Collection // writes: the store's single writer
	rheads, revents *mongo.Collection // reads that may run in parallel
	inserts         *group.Inserter   // the appends of all topics, grouped
	log             *slog.Logger

	mu     sync.Mutex
	topics map[string]*logTopic

	retire chan string // topics with events to delete
}

type logTopic struct {
	head    int64 // latest stored seq
	durable int64 // head last written to topic_heads
	low     int64 // events up to low are deleted (or never existed here)
	queued  bool  // in the retire channel
}

type storedEvent struct {
	ID   string    `bson:"_id"`
	Name string    `bson:"e"`
	Data string    `bson:"d"` // JSON text, replayed as is
	At   time.Time `bson:"at"`
}

// NewStoreLog returns the log on st.
func NewStoreLog(st *store.Store, log *slog.Logger) *StoreLog {
	l := &StoreLog{
		heads: st.C(colHeads), events: st.C(colEvents),
		rheads: st.R(colHeads), revents: st.R(colEvents),
		inserts: group.New(st.C(colEvents), appendTimeout),
		log:     log, topics: map[string]*logTopic{},
		retire: make(chan string, 1024),
	}
	go l.retirer()
	return l
}

func eventID(topic string, seq int64) string { return topic + "#" + strconv.FormatInt(seq, 10) }

// topic returns the topic's state, loading it on first use.
func (l *StoreLog) topic(ctx context.Context, topic string) (*logTopic, error) {
	l.mu.Lock()
	t, ok := l.topics[topic]
	l.mu.Unlock()
	if ok {
		return t, nil
	}
	var d struct {
		Seq int64  `bson:"seq"`
		Low *int64 `bson:"low"`
	}
	err := l.rheads.FindOne(ctx, bson.D{{Key: "_id", Value: topic}}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("read head of %s: %w", topic, err)
	}
	head := d.Seq
	// Events stored after the durable head was last written.
	for {
		err := l.revents.FindOne(ctx, bson.D{{Key: "_id", Value: eventID(topic, head+1)}}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
		if errors.Is(err, mongo.ErrNoDocuments) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read head of %s: %w", topic, err)
		}
		head++
	}
	low := max(0, d.Seq-ReplayWindow) // a head without low predates this layout
	if d.Low != nil {
		low = *d.Low
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// An append may have loaded the topic while we read; its state is newer.
	if cur, ok := l.topics[topic]; ok {
		return cur, nil
	}
	t = &logTopic{head: head, durable: d.Seq, low: low}
	l.topics[topic] = t
	return t, nil
}

// Head implements Log.
func (l *StoreLog) Head(ctx context.Context, topic string) (int64, error) {
	t, err := l.topic(ctx, topic)
	if err != nil {
		return 0, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return t.head, nil
}

// Append implements Log: one insert of the batch's documents (with other
// topics' batches of the moment); every headStride events, one head update.
func (l *StoreLog) Append(ctx context.Context, topic string, evs []*Event) error {
	if len(evs) == 0 {
		return nil
	}
	t, err := l.topic(ctx, topic)
	if err != nil {
		return err
	}
	l.mu.Lock()
	head := t.head
	l.mu.Unlock()
	first, last := head+1, head+int64(len(evs))
	docs := make([]any, len(evs))
	for i, e := range evs {
		docs[i] = storedEvent{ID: eventID(topic, first+int64(i)), Name: e.Name, Data: string(e.Data), At: e.At}
	}
	// One insert with the other topics' appends waiting then (group commit):
	// a busy board's topics cost a few inserts, not one each.
	if err := l.inserts.Insert(ctx, docs); err != nil {
		if !mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("store events of %s: %w", topic, err)
		}
		// A failed append left some of these seqs behind (or another
		// topic's duplicate stopped the group's insert): overwrite them.
		for _, d := range docs {
			_, err := l.events.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.(storedEvent).ID}}, d, options.Replace().SetUpsert(true))
			if err != nil {
				return fmt.Errorf("store events of %s: %w", topic, err)
			}
		}
	}
	for i, e := range evs {
		e.Seq = first + int64(i)
	}
	l.mu.Lock()
	t.head = last
	writeHead := last/headStride != head/headStride
	retire := last-ReplayWindow-t.low >= retireStride && !t.queued
	if retire {
		t.queued = true
	}
	l.mu.Unlock()
	if writeHead {
		if err := l.writeHead(ctx, topic, t); err != nil {
			// Not fatal: a later write, or the probe on load, catches up.
			l.log.Warn("write head", "topic", topic, "err", err)
		}
	}
	if retire {
		select {
		case l.retire <- topic:
		default: // busy: a later append asks again
			l.mu.Lock()
			t.queued = false
			l.mu.Unlock()
		}
	}
	return nil
}

// writeHead stores the topic's head and low mark.
func (l *StoreLog) writeHead(ctx context.Context, topic string, t *logTopic) error {
	l.mu.Lock()
	head, low := t.head, t.low
	l.mu.Unlock()
	_, err := l.heads.UpdateOne(ctx, bson.D{{Key: "_id", Value: topic}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "seq", Value: head}, {Key: "low", Value: low}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return err
	}
	l.mu.Lock()
	t.durable = max(t.durable, head)
	l.mu.Unlock()
	return nil
}

// Flush writes the heads not yet stored; the hub calls it on Close.
func (l *StoreLog) Flush(ctx context.Context) error {
	l.mu.Lock()
	var stale []string
	for name, t := range l.topics {
		if t.durable < t.head {
			stale = append(stale, name)
		}
	}
	l.mu.Unlock()
	var errs []error
	for _, name := range stale {
		l.mu.Lock()
		t := l.topics[name]
		l.mu.Unlock()
		if err := l.writeHead(ctx, name, t); err != nil {
			errs = append(errs, fmt.Errorf("write head of %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// retirer deletes, one _id at a time, the events that left the replay
// window of the topics it is sent, so that no append waits for them.
func (l *StoreLog) retirer() {
	for topic := range l.retire {
		for {
			l.mu.Lock()
			t := l.topics[topic]
			from, to := t.low+1, t.head-ReplayWindow
			if from > to {
				t.queued = false
				l.mu.Unlock()
				break
			}
			l.mu.Unlock()
			done := from - 1
			for lo := from; lo <= to; lo += store.Chunk {
				hi := min(to, lo+store.Chunk-1)
				dels := make([]mongo.WriteModel, 0, hi-lo+1)
				for seq := lo; seq <= hi; seq++ {
					dels = append(dels, mongo.NewDeleteOneModel().SetFilter(bson.D{{Key: "_id", Value: eventID(topic, seq)}}))
				}
				// Each command has its own deadline: a pass may hold hundreds,
				// and one deadline for all of them failed whole passes on a
				// busy store (a pass only resumes on a later append).
				ctx, cancel := context.WithTimeout(context.Background(), appendTimeout)
				_, err := l.events.BulkWrite(ctx, dels, options.BulkWrite().SetOrdered(false))
				cancel()
				if err != nil {
					l.log.Warn("retire old events", "topic", topic, "from", lo, "to", hi, "err", err)
					break
				}
				done = hi
			}
			l.mu.Lock()
			t.low = max(t.low, done)
			if done < to { // failed: a later append asks again
				t.queued = false
				l.mu.Unlock()
				break
			}
			l.mu.Unlock()
		}
	}
}

// retiredTo is the seq up to which the topic's events are deleted.
func (l *StoreLog) retiredTo(topic string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.topics[topic]; t != nil {
		return t.low
	}
	return 0
}

// Since implements Log: the events are read by _id, a few in parallel.
func (l *StoreLog) Since(ctx context.Context, topic string, since int64) ([]*Event, int64, error) {
	head, err := l.Head(ctx, topic)
	if err != nil {
		return nil, 0, err
	}
	if !inWindow(since, head) {
		return nil, head, ErrOutOfWindow
	}
	n := int(head - since)
	out := make([]*Event, n)
	errs := make([]error, replayReaders)
	var wg sync.WaitGroup
	for w := range min(replayReaders, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += replayReaders {
				seq := since + 1 + int64(i)
				var se storedEvent
				err := l.revents.FindOne(ctx, bson.D{{Key: "_id", Value: eventID(topic, seq)}}).Decode(&se)
				if errors.Is(err, mongo.ErrNoDocuments) {
					// Retired meanwhile, or a store edited by hand: the client refetches.
					l.log.Warn("event missing from the log", "topic", topic, "seq", seq)
					errs[w] = ErrOutOfWindow
					return
				}
				if err != nil {
					errs[w] = fmt.Errorf("read events of %s: %w", topic, err)
					return
				}
				out[i] = &Event{Topic: topic, Seq: seq, Name: se.Name, Data: []byte(se.Data), At: se.At}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if errors.Is(err, ErrOutOfWindow) {
			return nil, head, err
		}
		if err != nil {
			return nil, 0, err
		}
	}
	return out, head, nil
}
