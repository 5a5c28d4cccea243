// Package web is the HTTP and websocket layer: it parses requests, makes
// one domain call and writes the response. Nothing imports it.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/cellnotes"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/realtime"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/search"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/tables"
)

// Deps are what the web layer needs from the rest of the server.
type Deps struct {
	Config config.Config
	Logger *slog.Logger
	Store  *store.Store

	Accounts *account.Service
	Forum    *forum.Service
	Rooms    *rooms.Service
	Hub      *realtime.Hub // /ws

	Search        *search.Index
	Attachments   *attachment.Store
	Notifications *notify.Service
	Experiences   *experiences.Service
	CellNotes     *cellnotes.Service // comments on the cells of experience records
	Audit         *audit.Log         // the log of moderator and admin actions
	Tables        *tables.Service
}

type server struct {
	Deps
	cfg config.Config
	log *slog.Logger
	// Computed once: every response and every unsafe request reads them.
	origin, csp string
	// comparisons are the encoded answers of recent comparisons.
	comparisons *encodedCache
}

// requestTimeout bounds every API request's database work.
const requestTimeout = 15 * time.Second

// New builds the Fiber app with every route.
func New(d Deps) *fiber.App {
	s := &server{Deps: d, cfg: d.Config, log: d.Logger, origin: d.Config.Origin(), csp: contentSecurityPolicy(d.Config.Secure()),
		comparisons: newEncodedCache()}
	bodyLimit := int(d.Config.AttachmentMaxBytes) + 1<<20
	if d.Config.BodyLimit > bodyLimit {
		bodyLimit = d.Config.BodyLimit
	}
	fc := fiber.Config{
		AppName:               "tavolo",
		ErrorHandler:          s.errorHandler,
		BodyLimit:             bodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		ReadBufferSize:        16 << 10,
		// Release the read and write buffers between requests: an upgraded
		// websocket would otherwise keep its 16 KiB read buffer for its whole life.
		ReduceMemoryUsage: true,
	}
	if len(d.Config.TrustedProxies) > 0 {
		// Only then is X-Forwarded-For believed (rate limits key on c.IP()).
		fc.EnableTrustedProxyCheck = true
		fc.TrustedProxies = d.Config.TrustedProxies
		fc.ProxyHeader = fiber.HeaderXForwardedFor
	}
	app := fiber.New(fc)
	s.routes(app)
	return app
}

const ctxRequestID = "request_id"

func (s *server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in handler", "path", c.Path(), "panic", r)
			err = fiber.ErrInternalServerError
		}
	}()
	return c.Next()
}

func requestID(c *fiber.Ctx) error {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	c.Locals(ctxRequestID, id)
	c.Set("X-Request-Id", id)
	return c.Next()
}

// withDeadline gives the handler a context that ends with the request.
func withDeadline(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

func (s *server) securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", s.csp)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if s.cfg.Secure() {
		c.Set("Strict-Transport-Security", "max-age=31536000")
	}
	return c.Next()
}

// contentSecurityPolicy allows no inline script; styles allow inline
// attributes, which React and bootstrap-italia's components set.
func contentSecurityPolicy(secure bool) string {
	ws := "ws:"
	if secure {
		ws = "wss:"
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
		"font-src 'self' data:; connect-src 'self' " + ws + "; object-src 'none'; base-uri 'self'; " +
		"form-action 'self'; frame-ancestors 'none'"
}

func (s *server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

func (s *server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "database unreachable"})
	}
	return c.JSON(fiber.Map{"status": "ready"})
}
