package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/store"
)

// After EnsureIndexes, SQLite answers an _id lookup through an index, not a
// scan of the whole table (FerretDB's own _id index is on another
// expression); Prepare gives a collection its table and index before its
// first write, and leaves one that exists as it is.
func TestEmbeddedIDLookupsUseAnIndex(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(ctx context.Context, s *store.Store) error
	}{
		{"written, then EnsureIndexes", func(ctx context.Context, s *store.Store) error {
			if _, err := s.C("things").InsertOne(ctx, bson.M{"_id": "a"}); err != nil {
				return err
			}
			return s.EnsureIndexes(ctx)
		}},
		{"Prepare before any write", func(ctx context.Context, s *store.Store) error {
			return s.Prepare(ctx, "things", "others")
		}},
		{"Prepare of a collection written before", func(ctx context.Context, s *store.Store) error {
			if _, err := s.C("things").InsertOne(ctx, bson.M{"_id": "a"}); err != nil {
				return err
			}
			return s.Prepare(ctx, "things")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ctx := t.Context()
			s, err := store.Open(ctx, store.Options{DataDir: dir, Database: "idx"})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close(ctx)
			if err := tc.setup(ctx, s); err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "idx.sqlite"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var table string
			if err := db.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = 'things'`).Scan(&table); err != nil {
				t.Fatal(err)
			}
			rows, err := db.Query(fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, table), `"a"`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			if p := strings.Join(plan, "; "); !strings.Contains(p, "USING INDEX") {
				t.Fatalf("plan %q: the _id lookup scans the table", p)
			}
		})
	}
}
