package web

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/realtime"
)

const ctxWSIdentity = "ws_identity"

var (
	errWSOrigin   = problem.Define(problem.Forbidden, "forbidden_origin", "Connessione in tempo reale rifiutata: origine non ammessa.", "Realtime connection refused: origin not allowed.")
	errNotWSocket = problem.Define(problem.Invalid, "websocket_required", "Questo indirizzo accetta solo connessioni websocket.", "This address only accepts websocket connections.")
)

// wsConfig keeps an idle connection small: client frames are small (16 KiB
// at most, read in pieces). The hub frames its own messages (realtime's
// frames.go); the library writes only control frames, so its write buffer
// is borrowed from a pool that is seldom touched. Fiber's
// ReduceMemoryUsage (app.go) lets the upgraded connection drop its HTTP
// read buffer.
var wsConfig = websocket.Config{
	HandshakeTimeout: 10 * time.Second,
	ReadBufferSize:   512,
	WriteBufferSize:  16 << 10,
	WriteBufferPool:  &sync.Pool{},
}

// wsRoutes mounts /ws: the gate answers 403/401 before any upgrade (the
// contrib Origins check lets a missing Origin through), then the hub serves
// the connection.
func (s *server) wsRoutes(app *fiber.App) {
	cfg := wsConfig
	cfg.Origins = []string{s.origin}
	cfg.RecoverHandler = func(c *websocket.Conn) {
		if r := recover(); r != nil {
			s.log.Error("panic in websocket handler", "panic", r)
		}
	}
	app.Get("/ws", s.wsGate, websocket.New(s.wsServe, cfg))
}

// wsGate admits the upgrade only from the board's own origin and for an
// active user's live session, and copies the identity out of the request
// (nothing of the fiber.Ctx may outlive it).
func (s *server) wsGate(c *fiber.Ctx) error {
	if !websocket.IsWebSocketUpgrade(c) {
		return errNotWSocket
	}
	if c.Get(fiber.HeaderOrigin) != s.origin {
		return errWSOrigin
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	u, sid, expires, err := s.Accounts.SessionUser(ctx, c.Cookies(sessionCookie))
	if errors.Is(err, problem.ErrUnauthorized) || err == nil && !authz.Can(authz.TakePart, u.Subject(), authz.Item{}) {
		return problem.ErrUnauthorized
	}
	if err != nil {
		return err
	}
	c.Locals(ctxWSIdentity, wsLocal{id: realtime.Identity{User: u, SessionID: sid, ExpiresAt: expires}, rc: c.Context()})
	// contrib copies every request header and cookie into maps it keeps for
	// the connection's life: leave only what the upgrade reads.
	h := &c.Request().Header
	var drop []string
	h.VisitAll(func(k, _ []byte) {
		if !wsUpgradeHeaders[string(k)] {
			drop = append(drop, string(k))
		}
	})
	for _, k := range drop {
		h.Del(k)
	}
	h.DelAllCookies()
	return c.Next()
}

// wsUpgradeHeaders are the request headers the upgrade reads.
var wsUpgradeHeaders = map[string]bool{
	fiber.HeaderHost: true, fiber.HeaderConnection: true, fiber.HeaderUpgrade: true, fiber.HeaderOrigin: true,
	"Sec-Websocket-Key": true, "Sec-Websocket-Version": true, "Sec-Websocket-Extensions": true, "Sec-Websocket-Protocol": true,
}

// wsLocal is what the gate hands the connection.
type wsLocal struct {
	id realtime.Identity
	rc *fasthttp.RequestCtx
}

// wsServe runs the connection; it returns when the connection ends, and
// only then may contrib release c.
func (s *server) wsServe(c *websocket.Conn) {
	l, ok := c.Locals(ctxWSIdentity).(wsLocal)
	if !ok {
		return
	}
	// fasthttp keeps the request's context until this handler returns (and
	// then resets it for reuse): drop what the request and the upgrade
	// response hold now, not when the connection ends.
	l.rc.Request = fasthttp.Request{}
	l.rc.Response = fasthttp.Response{}
	l.rc.ResetUserValues()
	s.Hub.Serve(c.Conn, l.id)
}
