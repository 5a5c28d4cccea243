package problem

import (
	"errors"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
)

var validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	// nocontrol rejects invalid UTF-8, NUL and other control characters
	// except tab and newlines.
	_ = v.RegisterValidation("nocontrol", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		if !utf8.ValidString(s) {
			return false
		}
		for _, r := range s {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
				return false
			}
		}
		return true
	})
	// notblank rejects strings of whitespace only, for text kept as typed.
	_ = v.RegisterValidation("notblank", func(fl validator.FieldLevel) bool {
		return strings.TrimSpace(fl.Field().String()) != ""
	})
	return v
}()

// RegisterValidation adds a custom validator tag (call from init or package vars).
func RegisterValidation(tag string, fn validator.Func) {
	if err := validate.RegisterValidation(tag, fn); err != nil {
		panic(err)
	}
}

// Validate checks v's `validate` tags and returns ErrInvalid with one field
// code per failing field (JSON names, dotted for nested structs).
func Validate(v any) error {
	err := validate.Struct(v)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return ErrInternal.Wrap(err)
	}
	fields := make(map[string]string, len(verrs))
	for _, fe := range verrs {
		ns := fe.Namespace()
		if i := strings.IndexByte(ns, '.'); i >= 0 {
			ns = ns[i+1:] // drop the struct name
		}
		if _, seen := fields[ns]; seen {
			continue
		}
		fields[ns] = fieldCode(fe)
	}
	return ErrInvalid.With(fields)
}

func fieldCode(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required", "required_if", "required_with", "required_without", "notblank":
		return FieldRequired
	case "email":
		return FieldEmail
	case "min", "gte":
		if fe.Kind() == reflect.String {
			return FieldMin + ":" + fe.Param()
		}
		return FieldInvalid
	case "max", "lte":
		if fe.Kind() == reflect.String {
			return FieldMax + ":" + fe.Param()
		}
		return FieldInvalid
	case "oneof":
		return FieldOneOf
	default:
		if msg := text("field."+fe.Tag(), "it"); msg != "field."+fe.Tag() {
			return fe.Tag()
		}
		return FieldInvalid
	}
}
