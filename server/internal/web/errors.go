package web

import (
	"errors"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/problem"
)

// errorBody is the one JSON shape of every API error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	// Details repeat Fields as a list with each field's stable code, for
	// clients that localise by code.
	Details []fieldDetail `json:"details,omitempty"`
	// RetryAfterS repeats the Retry-After header of a 429 for clients
	// that show a countdown.
	RetryAfterS int `json:"retry_after_s,omitempty"`
	// Until is when the refused state ends (a mute).
	Until *time.Time `json:"until,omitempty"`
	// Reason is a moderator's words on the refused state (a suspension).
	Reason string `json:"reason,omitempty"`
}

type fieldDetail struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// errorHandler maps domain errors to statuses; 5xx are logged once here and
// say only "internal error" to the client.
func (s *server) errorHandler(c *fiber.Ctx, err error) error {
	lang := langOf(c)
	var p *problem.Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &p):
	case errors.As(err, &fe):
		p = fiberProblem(fe)
	default:
		p = problem.ErrInternal.Wrap(err)
	}
	status := p.Kind.Status()
	if status >= 500 {
		s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "request_id", c.Locals(ctxRequestID), "err", err)
	} else if p.Err != nil {
		s.log.Debug("request refused", "path", c.Path(), "code", p.Code, "err", p.Err)
	}
	body := errorBody{Error: errorDetail{Code: p.Code, Message: p.Message(lang), Reason: p.Reason}}
	if p.RetryAfter > 0 {
		body.Error.RetryAfterS = int(p.RetryAfter.Seconds() + 0.999)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(body.Error.RetryAfterS))
	}
	if !p.Until.IsZero() {
		body.Error.Until = &p.Until
	}
	if len(p.Fields) > 0 {
		body.Error.Fields = make(map[string]string, len(p.Fields))
		for f, code := range p.Fields {
			msg := problem.FieldMessage(code, lang)
			body.Error.Fields[f] = msg
			name, _, _ := strings.Cut(code, ":")
			body.Error.Details = append(body.Error.Details, fieldDetail{Field: f, Code: name, Message: msg})
		}
		sort.Slice(body.Error.Details, func(i, j int) bool { return body.Error.Details[i].Field < body.Error.Details[j].Field })
	}
	return c.Status(status).JSON(body)
}

var (
	errRouteNotFound    = problem.Define(problem.NotFound, "route_not_found", "Questo indirizzo dell'API non esiste.", "This API address does not exist.")
	errMethodNotAllowed = problem.Define(problem.NotFound, "method_not_allowed", "Metodo non consentito su questo indirizzo.", "Method not allowed on this address.")
	errTimeout          = problem.Define(problem.Internal, "timeout", "La richiesta ha impiegato troppo tempo.", "The request took too long.")
)

func fiberProblem(fe *fiber.Error) *problem.Error {
	switch fe.Code {
	case fiber.StatusNotFound:
		return errRouteNotFound
	case fiber.StatusMethodNotAllowed:
		return errMethodNotAllowed
	case fiber.StatusRequestEntityTooLarge:
		return problem.ErrTooLarge
	case fiber.StatusUnsupportedMediaType:
		return problem.ErrUnsupported
	case fiber.StatusBadRequest:
		return problem.ErrBadJSON
	case fiber.StatusTooManyRequests:
		return problem.ErrTooMany
	case fiber.StatusRequestTimeout:
		return errTimeout
	default:
		if fe.Code >= 400 && fe.Code < 500 {
			return problem.ErrInvalid.Wrap(fe)
		}
		return problem.ErrInternal.Wrap(fe)
	}
}

// logger returns the server's logger; handlers use it sparingly.
func (s *server) logger() *slog.Logger { return s.log }
