// Package boottest builds a whole board on a test's store, for the domain
// packages' tests that need their neighbours (forum, records, rooms) real.
package boottest

import (
	"io"
	"log/slog"
	"testing"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// Board is the board on st with the default configuration, logging nothing.
func Board(t testing.TB, st *store.Store, opts ...boot.Option) *boot.Board {
	t.Helper()
	cfg := config.Default()
	cfg.Database = st.DB.Name()
	b, err := boot.Build(testenv.Ctx(t), cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
