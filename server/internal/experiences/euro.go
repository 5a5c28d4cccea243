package experiences

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Euro is an amount in euro cents: money is never a float. On the wire it
// is a JSON number of euro with at most two decimals (1234.5, 1234.56).
type Euro int64

// maxEuro bounds any amount (ten billion euro): a larger one is a typo.
const maxEuro Euro = 10_000_000_000 * 100

// EuroOf is n whole euro.
func EuroOf(n int64) Euro { return Euro(n * 100) }

// ParseEuro reads "1234", "1234.5" or "1234.56" (a leading minus is kept
// for the validation to refuse with its own code); more decimals, an
// exponent or an overflow are not amounts.
func ParseEuro(s string) (Euro, error) {
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(digits, ".")
	if whole == "" || len(whole) > 15 || len(frac) > 2 || hasDot && frac == "" || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, fmt.Errorf("not an amount in euro: %q", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not an amount in euro: %q", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	c, _ := strconv.ParseInt(frac, 10, 64)
	e := Euro(w*100 + c)
	if neg {
		e = -e
	}
	return e, nil
}

// String is the amount as the wire writes it: euro with two decimals.
func (e Euro) String() string {
	sign := ""
	if e < 0 {
		sign, e = "-", -e
	}
	return fmt.Sprintf("%s%d.%02d", sign, e/100, e%100)
}

// MarshalJSON writes the amount as a JSON number of euro.
func (e Euro) MarshalJSON() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalJSON reads a JSON number of euro exactly (never through a
// float); anything else is a type error naming the field.
func (e *Euro) UnmarshalJSON(b []byte) error {
	s := string(b)
	v, err := ParseEuro(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "number " + s, Type: reflect.TypeOf(*e)}
	}
	*e = v
	return nil
}
