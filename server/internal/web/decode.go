package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/strictjson"
)

// errNotObject refuses a body that is valid JSON but not an object: null
// must not mean "everything" (every body would decode into its zero value).
var errNotObject = problem.Define(problem.Invalid, "body_not_object",
	"Il corpo della richiesta deve essere un oggetto JSON ({...}).", "The request body must be a JSON object ({...}).")

// decode reads the JSON body into dst (a pointer to a typed struct), rejects
// a body that is not an object, text that is not valid Unicode, unknown
// fields and trailing data, and validates `validate` tags. It is the one way
// handlers read a JSON body. Operator objects such as {"$ne": null} fail
// here: they never match a typed field.
func decode(c *fiber.Ctx, dst any) error {
	if ct := string(c.Request().Header.ContentType()); !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return problem.ErrUnsupported
	}
	body := c.Body()
	if !strictjson.IsObject(body) {
		if json.Valid(body) {
			return errNotObject
		}
		return problem.ErrBadJSON
	}
	// encoding/json would quietly turn invalid bytes and lone surrogates into U+FFFD.
	if field, bad := strictjson.InvalidText(body); bad {
		if field == "" {
			return problem.ErrBadJSON
		}
		return problem.ErrInvalid.With(map[string]string{field: problem.FieldUnicode})
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return problem.ErrBadJSON
	}
	return problem.Validate(dst)
}

func jsonProblem(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return problem.ErrInvalid.With(map[string]string{te.Field: problem.FieldType}).Wrap(err)
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return problem.ErrInvalid.With(map[string]string{strings.Trim(f, `"`): problem.FieldUnknown}).Wrap(err)
	}
	return problem.ErrBadJSON.Wrap(err)
}

// limitJSONBody refuses bodies over cfg.BodyLimit; the app-wide limit is
// higher only so that attachment uploads (multipart) fit.
func (s *server) limitJSONBody(c *fiber.Ctx) error {
	if len(c.Body()) > s.cfg.BodyLimit && !strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
		return problem.ErrTooLarge
	}
	return c.Next()
}
