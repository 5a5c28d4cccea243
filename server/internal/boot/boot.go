// Package boot wires the board's services together. main and the HTTP
// tests build the board the same way, through Build.
package boot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/cellnotes"
	"github.com/cantieri/tavolo/server/internal/demo"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/mailer"
	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/realtime"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/search"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/tables"
	"github.com/cantieri/tavolo/server/internal/web"
)

// Board is a wired board ready to listen.
type Board struct {
	Config config.Config
	Store  *store.Store
	App    *fiber.App

	Accounts *account.Service
	// DemoSeeders add demo content after the demo accounts (forum
	// categories, threads…); append to it in Build.
	DemoSeeders []demo.Seeder
	freshStore  bool // no user existed before Build: demo content may be seeded
	Hub         *realtime.Hub
	Forum       *forum.Service
	Rooms       *rooms.Service

	// Outbox records the work that follows each write until it is done.
	Outbox *outbox.Outbox
	// Audit is the log of moderator and admin actions.
	Audit  *audit.Log
	Search *search.Index
	// SearchQueue indexes posts in the background; Flush waits for it.
	SearchQueue *search.Queue
	Notify      *notify.Service
	Attachments *attachment.Store
	Experiences *experiences.Service
	Tables      *tables.Service
	CellNotes   *cellnotes.Service

	closers []func()
}

// Build creates the services and the web app on an open store.
func Build(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger, opts ...Option) (*Board, error) {
	b := &Board{Config: cfg, Store: st}
	var o options
	for _, opt := range opts {
		opt(&o)
	}

	mail, err := mailer.New(cfg.SMTPURL, cfg.MailFrom, log)
	if err != nil {
		return nil, fmt.Errorf("mailer: %w", err)
	}
	b.Outbox = outbox.New(st, log)
	b.closers = append(b.closers, b.Outbox.Close) // after the indexer and the forum's worker report
	b.Audit = audit.New(st, b.Outbox, log, nil)
	b.warmAudit(ctx, log)
	b.Accounts = account.New(st, account.Options{PublicURL: cfg.PublicURL, SessionTTL: cfg.SessionTTL,
		EnrolmentDeadline: cfg.EnrolmentDeadline, AdminEmail: cfg.AdminEmail, AdminPassword: cfg.AdminPassword,
		Mailer: mail, Logger: log, Audit: b.Audit})
	if b.freshStore, err = b.Accounts.Empty(ctx); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	if err := b.Accounts.Init(ctx); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	b.closers = append(b.closers, b.Accounts.StartCleaner(5*time.Minute), b.Accounts.Close)

	if o.eventLog == nil {
		o.eventLog = realtime.NewStoreLog(st, log)
	}
	b.Hub = realtime.New(realtime.Options{Log: o.eventLog, Logger: log})
	b.closers = append(b.closers, b.Hub.Close) // sends 1001 to every websocket
	b.Accounts.OnSessionEnd(b.Hub.EndSession)
	b.Search = search.New(st)
	b.SearchQueue = b.Search.Async(log)
	b.closers = append(b.closers, b.SearchQueue.Close) // drains before the hub and the store close
	b.Notify = notify.New(st, b.Hub, log)
	b.Attachments = attachment.New(st, cfg.AttachmentMaxBytes)
	if b.Forum, err = b.buildForum(ctx, log, b.Hub, o.forumNow); err != nil {
		return nil, err
	}
	b.Experiences = experiences.New(experiences.Deps{Store: st, Logger: log, Directory: b.Accounts, Forum: b.Forum,
		Attachments: b.Attachments, Outbox: b.Outbox, Publisher: b.Hub})
	b.Experiences.RegisterTopics(b.Hub)
	if err := b.Experiences.Init(ctx); err != nil {
		return nil, err
	}
	b.CellNotes = cellnotes.New(cellnotes.Deps{Store: st, Logger: log, Records: b.Experiences, Outbox: b.Outbox,
		Publisher: b.Hub, Rate: o.commentRate, Period: o.commentPeriod})
	b.Rooms = b.buildRooms(log, b.Hub, &o)
	b.Tables = b.buildTables(log)
	// Every service has said how to redo its kinds of pending work; the
	// work a crash cut off is redone before any request.
	if err := b.Outbox.Recover(ctx); err != nil {
		return nil, err
	}
	// Then the seqs a crash took without a message become voids.
	if err := b.Rooms.Reconcile(ctx); err != nil {
		return nil, fmt.Errorf("rooms: %w", err)
	}

	b.App = web.New(web.Deps{Config: cfg, Logger: log, Store: st, Accounts: b.Accounts, Forum: b.Forum, Rooms: b.Rooms, Hub: b.Hub,
		Search: b.Search, Attachments: b.Attachments, Notifications: b.Notify, Experiences: b.Experiences, CellNotes: b.CellNotes,
		Audit: b.Audit, Tables: b.Tables})
	return b, nil
}

// Option changes how Build wires the board.
type Option func(*options)

type options struct {
	eventLog realtime.Log
	forumNow func() time.Time
	// roomSends per roomPeriod per member (0: the rooms' default).
	roomSends  int
	roomPeriod time.Duration
	// commentRate cell comments per commentPeriod per person (0: the default).
	commentRate   int
	commentPeriod time.Duration
}

// WithCommentRate lets each person comment on cells n times per period.
func WithCommentRate(n int, period time.Duration) Option {
	return func(o *options) { o.commentRate, o.commentPeriod = n, period }
}

// WithRoomSendRate lets each member send n messages per period in a room
// (tests that send bursts raise it; the rate-limit test lowers it).
func WithRoomSendRate(n int, period time.Duration) Option {
	return func(o *options) { o.roomSends, o.roomPeriod = n, period }
}

// WithEventLog keeps topic events in l instead of the database: the load
// generator's in-memory baseline.
func WithEventLog(l realtime.Log) Option { return func(o *options) { o.eventLog = l } }

// WithForumClock makes the forum and the rooms read the time from now (dates, the edit
// window): tests move it past the window instead of sleeping through it.
func WithForumClock(now func() time.Time) Option { return func(o *options) { o.forumNow = now } }

// Close stops background work (hub, cleaners); the caller closes the store.
func (b *Board) Close() {
	for i := len(b.closers) - 1; i >= 0; i-- {
		b.closers[i]()
	}
}

// SeedDemo fills a store that was empty at start-up with the demo Cantiere
// and returns the demo logins; on a store that held users it does nothing.
func (b *Board) SeedDemo(ctx context.Context) ([]demo.Login, error) {
	if !b.freshStore {
		return nil, nil
	}
	logins, err := demo.Seed(ctx, b.Accounts, b.Config.AdminEmail, b.DemoSeeders)
	if err != nil {
		return nil, fmt.Errorf("seed demo: %w", err)
	}
	b.freshStore = false
	return logins, nil
}

// warmAudit builds the audit log's index in the background (seconds for
// tens of thousands of entries on a busy machine) so that the board starts
// at once; the first read or append waits for it. Close stops it.
func (b *Board) warmAudit(ctx context.Context, log *slog.Logger) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := b.Audit.Init(ctx); err != nil && ctx.Err() == nil {
			log.Error("audit: build the index; the first read retries", "err", err)
		}
	}()
	b.closers = append(b.closers, func() { cancel(); <-done })
}
