package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

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
