// Package problem defines the typed errors that domain packages return and
// the web layer maps to HTTP: a kind (the status), a stable code, a message
// in Italian and English, and per-field details.
package problem

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Kind classifies an error; the web layer maps it to an HTTP status.
type Kind int

const (
	Internal Kind = iota
	Invalid
	Unauthorized
	Forbidden
	NotFound
	Conflict
	Gone
	TooLarge
	Unsupported
	TooMany
)

// Status is the HTTP status for the kind.
func (k Kind) Status() int {
	return [...]int{500, 400, 401, 403, 404, 409, 410, 413, 415, 429}[k]
}

// Error is a client-facing error. Its message is safe to show a user.
type Error struct {
	Kind       Kind
	Code       string
	Fields     map[string]string // field (JSON name) -> field code, see FieldMessage
	RetryAfter time.Duration
	// Until is when a state the error reports ends (a mute), shown as is.
	Until time.Time
	// Reason is a person's words about the state (a suspension's), shown as is.
	Reason string
	Err    error // internal cause, never shown to users
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if len(e.Fields) > 0 {
		fmt.Fprintf(&b, " %v", e.Fields)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches sentinels by code, so errors.Is(err, forum.ErrLocked) works on
// copies carrying fields or causes.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// With returns a copy carrying field details.
func (e *Error) With(fields map[string]string) *Error {
	c := *e
	c.Fields = fields
	return &c
}

// Wrap returns a copy carrying an internal cause.
func (e *Error) Wrap(err error) *Error {
	c := *e
	c.Err = err
	return &c
}

// Message is the user-facing text in lang ("it" or "en").
func (e *Error) Message(lang string) string { return text(e.Code, lang) }

type pair struct{ it, en string }

var (
	mu       sync.RWMutex
	messages = map[string]pair{}
)

// Define registers an error code with its messages and returns its sentinel.
// Call it from package-level vars so every code has text in both languages.
func Define(kind Kind, code, it, en string) *Error {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := messages[code]; dup {
		panic("problem: code defined twice: " + code)
	}
	messages[code] = pair{it, en}
	return &Error{Kind: kind, Code: code}
}

// DefineField registers a field error code (shown next to a form field).
func DefineField(code, it, en string) string {
	mu.Lock()
	defer mu.Unlock()
	messages["field."+code] = pair{it, en}
	return code
}

func text(code, lang string) string {
	mu.RLock()
	p, ok := messages[code]
	mu.RUnlock()
	if !ok {
		return code
	}
	if lang == "en" {
		return p.en
	}
	return p.it
}

// FieldMessage is the text for a field code. Codes may carry a parameter
// after a colon ("min:8"), substituted for %s.
func FieldMessage(code, lang string) string {
	name, param, _ := strings.Cut(code, ":")
	msg := text("field."+name, lang)
	if strings.Contains(msg, "%s") {
		return fmt.Sprintf(msg, param)
	}
	return msg
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var p *Error
	ok := errors.As(err, &p)
	return p, ok
}

// Shared sentinels used across packages.
var (
	ErrInternal     = Define(Internal, "internal", "Si è verificato un errore interno. Riprova tra poco.", "Something went wrong on our side. Please try again shortly.")
	ErrInvalid      = Define(Invalid, "validation_failed", "Alcuni campi non sono validi: correggili e riprova.", "Some fields are not valid: correct them and try again.")
	ErrBadJSON      = Define(Invalid, "bad_json", "La richiesta non è un JSON valido per questa operazione.", "The request is not valid JSON for this operation.")
	ErrUnauthorized = Define(Unauthorized, "unauthenticated", "Devi accedere per continuare.", "You need to log in to continue.")
	ErrForbidden    = Define(Forbidden, "forbidden", "Non hai i permessi per questa operazione.", "You are not allowed to do this.")
	ErrNotFound     = Define(NotFound, "not_found", "Non trovato.", "Not found.")
	ErrConflict     = Define(Conflict, "conflict", "L'operazione è in conflitto con lo stato attuale.", "The operation conflicts with the current state.")
	ErrTooLarge     = Define(TooLarge, "too_large", "La richiesta è troppo grande.", "The request is too large.")
	ErrTooMany      = Define(TooMany, "rate_limited", "Troppi tentativi: riprova più tardi.", "Too many attempts: try again later.")
	ErrUnsupported  = Define(Unsupported, "unsupported_media_type", "Formato della richiesta non supportato.", "Unsupported request format.")
)

// Field codes shared by every form.
var (
	FieldRequired = DefineField("required", "Campo obbligatorio.", "This field is required.")
	FieldEmail    = DefineField("email", "Indirizzo email non valido.", "Not a valid email address.")
	FieldMin      = DefineField("min", "Troppo corto: almeno %s caratteri.", "Too short: at least %s characters.")
	FieldMax      = DefineField("max", "Troppo lungo: al massimo %s caratteri.", "Too long: at most %s characters.")
	FieldOneOf    = DefineField("oneof", "Valore non ammesso.", "Value not allowed.")
	FieldInvalid  = DefineField("invalid", "Valore non valido.", "Not a valid value.")
	FieldType     = DefineField("type", "Tipo di valore errato.", "Wrong type of value.")
	FieldUnknown  = DefineField("unknown", "Campo non previsto.", "Unexpected field.")
	FieldTaken    = DefineField("taken", "Valore già in uso.", "Already in use.")
	FieldControl  = DefineField("nocontrol", "Contiene caratteri non ammessi.", "Contains characters that are not allowed.")
	FieldUnicode  = DefineField("unicode", "Contiene testo non valido (caratteri Unicode non validi).", "Contains text that is not valid Unicode.")
)
