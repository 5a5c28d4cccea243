package web

import (
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/server/internal/problem"
)

// maxQueryValue bounds every query parameter, whatever its own tags say.
const maxQueryValue = 1024

var fieldInteger = problem.DefineField("integer", "Deve essere un numero intero.", "Must be a whole number.")

// queryParams fills dst, a pointer to a struct holding the defaults, from
// the query string; it is the one way handlers read query parameters. Each
// field's json tag names its parameter; an absent or empty parameter keeps
// the default. Every value must be valid UTF-8 without control characters
// and at most maxQueryValue bytes, an int field's a whole number; then the
// `validate` tags apply. Any failure is a 400 naming the parameter. A
// string field tagged query:"list" takes a list: the parameter repeated
// (ambito=a&ambito=b) is the same as its values joined by commas
// (ambito=a,b), so both kinds of link work.
func queryParams(c *fiber.Ctx, dst any) error {
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	fields := map[string]string{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		raw := c.Query(name)
		if t.Field(i).Tag.Get("query") == "list" {
			raw = listParam(c, name)
		}
		if raw == "" {
			continue
		}
		if code := queryValueProblem(raw); code != "" {
			fields[name] = code
			continue
		}
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString(strings.Clone(raw)) // fiber reuses the buffer after the handler
		case reflect.Int:
			n, err := strconv.Atoi(raw)
			if err != nil {
				fields[name] = fieldInteger
				continue
			}
			f.SetInt(int64(n))
		default:
			panic("web: queryParams cannot fill a " + f.Kind().String())
		}
	}
	if len(fields) > 0 {
		return problem.ErrInvalid.With(fields)
	}
	return problem.Validate(dst)
}

// queryValueProblem is the field code of a value no parameter accepts.
func queryValueProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return problem.FieldUnicode
	case len(s) > maxQueryValue:
		return problem.FieldMax + ":" + strconv.Itoa(maxQueryValue)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return problem.FieldControl
		}
	}
	return ""
}

// listParam is the values of a repeated parameter joined by commas (empty
// ones left out).
func listParam(c *fiber.Ctx, name string) string {
	var vals []string
	for _, v := range c.Context().QueryArgs().PeekMulti(name) {
		if len(v) > 0 {
			vals = append(vals, string(v))
		}
	}
	return strings.Join(vals, ",")
}
