package web

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/realtime"
)

const ctxWSIdentity = "ws_identity"

var (
	errWSOrigin   = problem.Define(problem.Forbidden, "forbidden_origin", "Connessione in tempo reale rifiutata: origine non ammessa.", "Realtime connection refused: origin not allowed.")
	errNotWSocket = problem.Define(problem.Invalid, "websocket_required", "Questo indirizzo accetta solo connessioni websocket.", "This address only accepts websocket connections.")
)

// wsConfig keeps an idle connection small: client frames are small (16 KiB
// at most, read in pieces), and write buffers are borrowed from one pool
// only while a frame is being written.
var wsConfig = websocket.Config{
	HandshakeTimeout: 10 * time.Second,
	ReadBufferSize:   512,
	WriteBufferSize:  4096,
	WriteBufferPool:  &sync.Pool{},
}

// wsRoutes mounts /ws: the gate answers 403/401 before any upgrade (the
// contrib Origins check lets a missing Origin through), then the hub serves
// the connection.
func (s *server) wsRoutes(app *fiber.App) {
	cfg := wsConfig
	cfg.Origins = []string{s.cfg.Origin()}
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
	if c.Get(fiber.HeaderOrigin) != s.cfg.Origin() {
		return errWSOrigin
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	u, sid, expires, err := s.Accounts.SessionUser(ctx, c.Cookies(sessionCookie))
	if errors.Is(err, problem.ErrUnauthorized) || err == nil && !u.Active() {
		return problem.ErrUnauthorized
	}
	if err != nil {
		return err
	}
	c.Locals(ctxWSIdentity, realtime.Identity{User: u, SessionID: sid, ExpiresAt: expires})
	return c.Next()
}

// wsServe runs the connection; it returns when the connection ends, and
// only then may contrib release c.
func (s *server) wsServe(c *websocket.Conn) {
	id, ok := c.Locals(ctxWSIdentity).(realtime.Identity)
	if !ok {
		return
	}
	s.Hub.Serve(c.Conn, id)
}
