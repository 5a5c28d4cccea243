package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB's SQLite backend uses
)

// FerretDB 1.24's SQLite backend looks documents up by
// `_ferretdb_sjson->'$._id'`, but its unique _id index is on
// `_ferretdb_sjson->"_id"`, a different expression, so SQLite never uses it:
// every {_id: X} read, update and delete scans the whole table (~33 ms at
// 20,000 documents). An index on the exact expression makes them ~0.4 ms.
// FerretDB creates tables lazily, so the store adds the index at start-up
// and then every idIndexInterval to tables created since.
const idIndexInterval = 5 * time.Second

// idIndexer adds the missing _id expression indexes to every database
// file in dir. It remembers the tables it has indexed: a CREATE INDEX, even
// IF NOT EXISTS, asks SQLite for the write lock the board's writes wait on.
type idIndexer struct {
	dir  string
	mu   sync.Mutex      // one pass at a time
	done map[string]bool // "<file>\x00<table>"
}

func newIDIndexer(dir string) *idIndexer { return &idIndexer{dir: dir, done: map[string]bool{}} }

func (x *idIndexer) ensure(ctx context.Context) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	files, err := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := x.ensureFile(ctx, f); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
	}
	return nil
}

func (x *idIndexer) ensureFile(ctx context.Context, file string) error {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return nil // a database file without collections yet
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		if !x.done[file+"\x00"+t] {
			tables = append(tables, t)
		}
	}
	rows.Close()
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+"_tavolo_id", t)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("index %s: %w", t, err)
		}
		x.done[file+"\x00"+t] = true
	}
	return nil
}

// indexLoop keeps new tables indexed until stop is closed.
func indexLoop(x *idIndexer, log *slog.Logger, stop <-chan struct{}) {
	tick := time.NewTicker(idIndexInterval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			if err := x.ensure(ctx); err != nil {
				log.Warn("index embedded tables", "err", err)
			}
			cancel()
		}
	}
}
