// Package testenv gives every test its own database on one embedded
// FerretDB per test binary, or on TAVOLO_TEST_MONGODB_URI when set.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/store"
)

var (
	once   sync.Once
	shared *store.Store
	errO   error
)

var unsafe = regexp.MustCompile(`[^a-zA-Z0-9_]`)

// Store returns a store on a fresh database, dropped when the test ends.
func Store(t testing.TB) *store.Store {
	t.Helper()
	once.Do(func() {
		dir, err := os.MkdirTemp("", "tavolo-test-")
		if err != nil {
			errO = err
			return
		}
		shared, errO = store.Open(context.Background(), store.Options{
			URI:      os.Getenv("TAVOLO_TEST_MONGODB_URI"),
			DataDir:  dir,
			Database: "tavolo_test",
		})
	})
	if errO != nil {
		t.Fatalf("open test store: %v", errO)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := unsafe.ReplaceAllString(t.Name(), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	s := shared.WithDatabase(strings.ToLower("t_" + name + "_" + hex.EncodeToString(b)))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.DB.Drop(ctx)
	})
	return s
}

// Ctx returns a context that ends with the test.
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
