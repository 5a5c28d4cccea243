// Package boot wires the board's services together. main and the HTTP
// tests build the board the same way, through Build.
package boot

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/web"
)

// Board is a wired board ready to listen.
type Board struct {
	Config config.Config
	Store  *store.Store
	App    *fiber.App

	closers []func()
}

// Build creates the services and the web app on an open store.
func Build(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger) (*Board, error) {
	b := &Board{Config: cfg, Store: st}
	b.App = web.New(web.Deps{Config: cfg, Logger: log, Store: st})
	return b, nil
}

// Close stops background work (hub, cleaners); the caller closes the store.
func (b *Board) Close() {
	for i := len(b.closers) - 1; i >= 0; i-- {
		b.closers[i]()
	}
}
