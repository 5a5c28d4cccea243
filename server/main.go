// Command server runs the Tavolo board: go run ./server
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/store"
)

func main() {
	demo := flag.Bool("demo", false, "seed a demo Cantiere into an empty store (same as TAVOLO_DEMO=1)")
	flag.Parse()

	cfg, err := config.Load(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tavolo: invalid configuration:\n%v\n", err)
		os.Exit(2)
	}
	cfg.Demo = cfg.Demo || *demo
	log := newLogger(cfg)
	slog.SetDefault(log)

	if err := run(cfg, log); err != nil {
		log.Error("tavolo stopped", "err", err)
		os.Exit(1)
	}
}

func newLogger(cfg config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func run(cfg config.Config, log *slog.Logger) error {
	started := time.Now()
	boot.TuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := store.Open(ctx, store.Options{URI: cfg.MongoURI, DataDir: cfg.DataDir, Database: cfg.Database, Logger: log})
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := st.Close(cctx); err != nil {
			log.Error("close store", "err", err)
		}
	}()

	board, err := boot.Build(ctx, cfg, st, log)
	if err != nil {
		return fmt.Errorf("build board: %w", err)
	}
	defer board.Close()
	app := board.App
	if cfg.Demo {
		logins, err := board.SeedDemo(ctx)
		if err != nil {
			return err
		}
		if logins == nil {
			log.Info("demo: the store already holds users, nothing seeded")
		}
		for _, l := range logins {
			log.Info("demo account", "email", l.Email, "password", l.Password, "role", l.Role, "administration", l.Administration)
		}
	}

	errc := make(chan error, 1)
	go func() { errc <- app.Listen(cfg.Addr) }()
	log.Info("tavolo listening", "addr", cfg.Addr, "public_url", cfg.PublicURL, "embedded_db", st.Embedded, "startup", time.Since(started).Round(time.Millisecond))

	select {
	case err := <-errc:
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if err := app.ShutdownWithTimeout(15 * time.Second); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Error("shutdown", "err", err)
	}
	return nil
}
