// Package store connects to MongoDB, or starts the embedded FerretDB when no
// URI is configured, so both modes share one code path through the driver.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Options says where the data lives.
type Options struct {
	URI      string // empty: embedded FerretDB in DataDir
	DataDir  string
	Database string
	Logger   *slog.Logger
	// Monitor, when set, sees every command of both clients (profiling).
	Monitor *event.CommandMonitor
}

// Store owns the clients and, in embedded mode, the FerretDB instance.
//
// FerretDB 1.24 applies an update as read, modify in Go, write back, with no
// lock: two concurrent $inc on one document lose one (measured: 32 concurrent
// $inc left n = 5). So in embedded mode DB is a client with a single
// connection, which FerretDB serves one command at a time, and only reads
// that may run in parallel go through ReadDB. On MongoDB both are the same.
type Store struct {
	Client   *mongo.Client
	DB       *mongo.Database // every write, and any read
	ReadDB   *mongo.Database // reads only, in parallel
	Embedded bool

	// shared: kit types treat this store as written by other instances
	// too, even when embedded (Shared).
	shared       bool
	readClient   *mongo.Client
	ids          *idIndexer // embedded mode
	stopEmbedded func()
}

// embeddedReadConns bounds the parallel reads on the embedded store.
const embeddedReadConns = 8

// Open connects and pings. In embedded mode FerretDB listens on loopback only.
func Open(ctx context.Context, o Options) (*Store, error) {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Store{}
	uri := o.URI
	if uri == "" {
		var err error
		uri, s.stopEmbedded, err = startEmbedded(o.DataDir, log)
		if err != nil {
			return nil, err
		}
		s.Embedded = true
		dir, _ := filepath.Abs(o.DataDir)
		s.ids = newIDIndexer(dir)
	}
	opts := options.Client().ApplyURI(uri).SetServerSelectionTimeout(10 * time.Second)
	if o.Monitor != nil {
		opts.SetMonitor(o.Monitor)
	}
	if s.Embedded {
		// FerretDB has no sessions or retryable writes worth negotiating.
		opts.SetRetryWrites(false)
		// FerretDB keeps one SQLite connection, with its own page cache,
		// per concurrent command and never closes it: 10,000 websocket
		// handshakes at once left ~100 MiB of caches behind. Reads are
		// CPU-bound on the embedded store, so a few connections serve them
		// as fast as a hundred.
		opts.SetMaxPoolSize(embeddedReadConns)
	}
	readClient, err := mongo.Connect(opts)
	if err != nil {
		s.closeEmbedded()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	s.readClient, s.Client = readClient, readClient
	if s.Embedded {
		if s.Client, err = mongo.Connect(opts.SetMaxPoolSize(1)); err != nil {
			_ = readClient.Disconnect(ctx)
			s.closeEmbedded()
			return nil, fmt.Errorf("connect to database: %w", err)
		}
	}
	s.DB = s.Client.Database(o.Database)
	s.ReadDB = readClient.Database(o.Database)
	if err := s.Ping(ctx); err != nil {
		_ = s.Close(context.Background())
		return nil, err
	}
	if s.Embedded {
		if err := s.EnsureIndexes(ctx); err != nil {
			_ = s.Close(context.Background())
			return nil, err
		}
		stop, done := make(chan struct{}), make(chan struct{})
		go func() { defer close(done); indexLoop(s.ids, log, stop) }()
		stopDB := s.stopEmbedded
		s.stopEmbedded = func() { close(stop); <-done; stopDB() }
	}
	return s, nil
}

// Prepare, on the embedded store, creates the named collections that do
// not exist yet and indexes them: FerretDB creates a table at its first
// write, and a table created after the start is indexed by _id only at the
// next idIndexInterval, so a hot collection's first seconds on a fresh
// board scanned it whole at every lookup. On MongoDB it does nothing.
func (s *Store) Prepare(ctx context.Context, names ...string) error {
	if s.ids == nil {
		return nil
	}
	have, err := s.DB.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("list collections: %w", err)
	}
	for _, n := range names {
		if slices.Contains(have, n) {
			continue
		}
		if err := s.DB.CreateCollection(ctx, n); err != nil {
			return fmt.Errorf("create collection %s: %w", n, err)
		}
	}
	return s.EnsureIndexes(ctx)
}

// EnsureIndexes, on the embedded store, indexes the tables created so far
// (see idindex.go); call it after creating collections in bulk. On MongoDB
// it does nothing: _id is always indexed there.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	if s.ids == nil {
		return nil
	}
	if err := s.ids.ensure(ctx); err != nil {
		return fmt.Errorf("index embedded tables: %w", err)
	}
	return nil
}

// WithDatabase returns a store sharing the connection but using another
// database; tests give each test its own.
func (s *Store) WithDatabase(name string) *Store {
	return &Store{Client: s.Client, readClient: s.readClient, DB: s.Client.Database(name),
		ReadDB: s.readClient.Database(name), Embedded: s.Embedded, shared: s.shared, ids: s.ids}
}

// Shared returns a store on the same database that the kit treats as one
// of several writers, as on MongoDB with several instances: no sole-writer
// shortcut. Tests use it to run two instances on the embedded store.
func (s *Store) Shared() *Store {
	c := *s
	c.shared, c.stopEmbedded = true, nil // the copy does not own the clients
	return &c
}

// SoleWriter reports whether this process is the only one writing the
// store: true of the embedded store, which one process owns. The kit's
// caches and guarded updates take shortcuts on it (store/versioned,
// store/bucket); domain rules must not ask.
func (s *Store) SoleWriter() bool { return s.Embedded && !s.shared }

// The writer/reader rule. On the embedded store every write goes through
// one connection (FerretDB loses concurrent read-modify-writes, see Store),
// so writes queue; reads that need not see this process's latest writes in
// order go through a pool of readers. On MongoDB both are the same client.
//   - C: every write, and a read that must see the writes before it (a
//     read-check-write, the start-up redo).
//   - R: every other read, above all the hot views.

// C returns a collection for writes (and reads that must see them in order).
func (s *Store) C(name string) *mongo.Collection { return s.DB.Collection(name) }

// R returns a collection for reads that may run in parallel: hot views.
func (s *Store) R(name string) *mongo.Collection { return s.ReadDB.Collection(name) }

// Collection is one collection through both clients, for the kit's types:
// W for writes, R for reads (the writer/reader rule above).
type Collection struct {
	Name string
	W, R *mongo.Collection
}

// Ordered is c with its reads through the writer as well: for a read that
// must see the writes before it (a read-check-write, a start-up marker).
func (c Collection) Ordered() Collection {
	c.R = c.W
	return c
}

// Collection returns the named collection through both clients.
func (s *Store) Collection(name string) Collection {
	return Collection{Name: name, W: s.C(name), R: s.R(name)}
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.DB.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err(); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Close disconnects and, in embedded mode, stops FerretDB after the client
// is gone so every acknowledged write is flushed.
func (s *Store) Close(ctx context.Context) error {
	var errs []error
	if s.stopEmbedded != nil || !s.Embedded { // a WithDatabase copy does not own the clients
		if s.Client != nil {
			errs = append(errs, s.Client.Disconnect(ctx))
		}
		if s.readClient != nil && s.readClient != s.Client {
			errs = append(errs, s.readClient.Disconnect(ctx))
		}
	}
	s.closeEmbedded()
	return errors.Join(errs...)
}

func (s *Store) closeEmbedded() {
	if s.stopEmbedded != nil {
		s.stopEmbedded()
		s.stopEmbedded = nil
	}
}

func startEmbedded(dataDir string, log *slog.Logger) (string, func(), error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return "", nil, fmt.Errorf("data dir: %w", err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return "", nil, fmt.Errorf("create data dir %s: %w", abs, err)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/?_pragma=cache_size(-512)",
		Logger:    slog.New(quietHandler{Handler: log.Handler()}),
	})
	if err != nil {
		return "", nil, fmt.Errorf("start embedded database: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("embedded database stopped", "err", err)
		}
	}()
	stop := func() {
		cancel()
		<-done
	}
	return f.MongoDBURI(), stop, nil
}

// quietHandler keeps only FerretDB's errors: it logs every unsupported
// command the driver probes (endSessions…) as a warning. FerretDB builds a
// logger with each statement's arguments; the standard handlers format
// attributes as soon as they are added, so the handler holds them and
// hands them on only with a record it keeps (an error): formatting the
// arguments of every write only to drop them cost ~17% of a write-heavy
// benchmark's CPU.
type quietHandler struct {
	slog.Handler
	with []func(slog.Handler) slog.Handler // attrs and groups, in order
}

func (h quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelError && h.Handler.Enabled(ctx, l)
}

func (h quietHandler) Handle(ctx context.Context, r slog.Record) error {
	inner := h.Handler
	for _, w := range h.with {
		inner = w(inner)
	}
	return inner.Handle(ctx, r)
}

func (h quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return quietHandler{h.Handler, append(slices.Clip(h.with), func(inner slog.Handler) slog.Handler { return inner.WithAttrs(as) })}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler, append(slices.Clip(h.with), func(inner slog.Handler) slog.Handler { return inner.WithGroup(name) })}
}
