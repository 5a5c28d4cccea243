package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/problem"
)

// decode reads the JSON body into dst (a pointer to a typed struct), rejects
// unknown fields and trailing data, and validates `validate` tags. Operator
// objects such as {"$ne": null} fail here: they never match a typed field.
func decode(c *fiber.Ctx, dst any) error {
	if ct := string(c.Request().Header.ContentType()); !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return problem.ErrUnsupported
	}
	if !utf8.Valid(c.Body()) {
		// encoding/json would quietly turn invalid bytes into U+FFFD.
		return badUTF8(c.Body())
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
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

// badUTF8 names the fields whose values hold invalid UTF-8.
func badUTF8(body []byte) error {
	fields := map[string]string{}
	var walk func(prefix string, raw []byte)
	walk = func(prefix string, raw []byte) {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return
		}
		for k, v := range obj {
			if utf8.Valid(v) {
				continue
			}
			if len(v) > 0 && v[0] == '{' {
				walk(prefix+k+".", v)
			} else {
				fields[prefix+k] = problem.FieldInvalid
			}
		}
	}
	walk("", body)
	if len(fields) == 0 {
		return problem.ErrBadJSON
	}
	return problem.ErrInvalid.With(fields)
}

// limitJSONBody refuses bodies over cfg.BodyLimit; the app-wide limit is
// higher only so that attachment uploads (multipart) fit.
func (s *server) limitJSONBody(c *fiber.Ctx) error {
	if len(c.Body()) > s.cfg.BodyLimit && !strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
		return problem.ErrTooLarge
	}
	return c.Next()
}
