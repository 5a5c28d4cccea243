package compare

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cantieri/tavolo/server/internal/experiences"
)

// value is one field of one version, ready for any comparison: the stored
// value, its display in each language and, for numeric rows, the number
// the scale, the outliers and the exports use.
type value struct {
	raw     json.RawMessage
	display [2]string // it, en
	num     *float64
}

func (v *value) text(lang string) string {
	if lang == "en" {
		return v.display[1]
	}
	return v.display[0]
}

// Prepared is one version of one record, every row's value computed. It
// never changes (a version never does): callers cache it by record id and
// version.
type Prepared struct {
	ID      string
	Version int
	values  []value // by row, in rows' order
}

// Size is about the bytes p holds (its values and displays), for caches
// that bound their memory.
func (p *Prepared) Size() int {
	n := 64 + len(p.ID)
	for i := range p.values {
		v := &p.values[i]
		n += 48 + len(v.raw) + len(v.display[0]) + len(v.display[1])
	}
	return n
}

// Prepare computes every row of version v.
func Prepare(v *experiences.Version) *Prepared {
	raw, _ := json.Marshal(&v.Fields) // Fields always encodes
	var top map[string]json.RawMessage
	_ = json.Unmarshal(raw, &top)
	if len(v.Atti) > 0 {
		top["atti"], _ = json.Marshal(v.Atti)
	}
	if s := v.Derived.SopraSogliaUE; s != nil {
		top["sopra_soglia_ue"], _ = json.Marshal(*s)
	}
	p := &Prepared{ID: v.ID, Version: v.N, values: make([]value, len(rows))}
	for i, r := range rows {
		p.values[i] = prepareValue(r, v, top[r.Field])
	}
	return p
}

func prepareValue(r rowDef, v *experiences.Version, raw json.RawMessage) value {
	out := value{raw: orNull(raw)}
	if len(raw) == 0 {
		return out
	}
	f := &v.Fields
	both := func(s string) { out.display = [2]string{s, s} }
	switch r.Field {
	case "penali":
		if f.Penali != nil {
			for i, lang := range []string{"it", "en"} {
				var prev string
				if f.Penali.Previste != nil {
					prev = map[bool]string{true: t(lang, "previste", "provided for"), false: t(lang, "non previste", "none")}[*f.Penali.Previste]
				}
				var applied string
				if f.Penali.ApplicateEur != nil {
					applied = t(lang, "applicate ", "applied ") + Money(int64(*f.Penali.ApplicateEur))
				}
				out.display[i] = joinNonEmpty(", ", prev, applied)
			}
			if f.Penali.ApplicateEur != nil {
				out.num = ptr(float64(*f.Penali.ApplicateEur) / 100)
			}
		}
		return out
	case "customer_satisfaction":
		if c := f.CustomerSatisfaction; c != nil {
			for i, lang := range []string{"it", "en"} {
				var done string
				if c.Svolta != nil {
					done = map[bool]string{true: t(lang, "svolta", "surveyed"), false: t(lang, "non svolta", "not surveyed")}[*c.Svolta]
				}
				var score string
				if c.Punteggio != nil {
					score = Number(*c.Punteggio) + "/100"
				}
				out.display[i] = joinNonEmpty(", ", done, score)
			}
			out.num = c.Punteggio
		}
		return out
	case "indicatori":
		parts := make([]string, len(f.Indicatori))
		for i, in := range f.Indicatori {
			s := in.Nome
			if in.Valore != nil {
				s += ": " + joinNonEmpty(" ", Number(*in.Valore), in.Unita)
			}
			if in.Soglia != nil {
				s += " (soglia " + joinNonEmpty(" ", Number(*in.Soglia), in.Unita) + ")"
			}
			parts[i] = s
		}
		both(strings.Join(parts, "; "))
		return out
	case "fattori_critici":
		for i, lang := range []string{"it", "en"} {
			var parts []string
			for _, o := range lists["fattori_critici"].Options { // in the list's order, not the map's
				if n, ok := f.FattoriCritici[o.Value]; ok {
					parts = append(parts, optionLabel("fattori_critici", o.Value, lang)+": "+strconv.Itoa(n))
				}
			}
			out.display[i] = strings.Join(parts, "; ")
		}
		return out
	}
	switch r.kind {
	case KindMoney:
		var e experiences.Euro
		if json.Unmarshal(raw, &e) == nil {
			both(Money(int64(e)))
			out.num = ptr(float64(e) / 100)
		}
	case KindNumber, KindScore:
		var x float64
		if json.Unmarshal(raw, &x) == nil {
			s := Number(x)
			if r.Field == "delta_costo_pct" {
				s += " %"
			}
			both(s)
			out.num = &x
		}
	case KindDate:
		var s string
		_ = json.Unmarshal(raw, &s)
		both(Date(s))
	case KindBool:
		var b bool
		_ = json.Unmarshal(raw, &b)
		out.display = [2]string{map[bool]string{true: "sì", false: "no"}[b], map[bool]string{true: "yes", false: "no"}[b]}
	case KindList:
		var one string
		var many []string
		if json.Unmarshal(raw, &one) == nil {
			many = []string{one}
		} else {
			_ = json.Unmarshal(raw, &many)
		}
		for i, lang := range []string{"it", "en"} {
			labels := make([]string, len(many))
			for j, s := range many {
				labels[j] = optionLabel(r.List, s, lang)
			}
			out.display[i] = strings.Join(labels, ", ")
		}
	default: // text, markdown, lists of codes
		var s string
		var many []string
		if json.Unmarshal(raw, &s) == nil {
			both(s)
		} else if json.Unmarshal(raw, &many) == nil {
			both(strings.Join(many, ", "))
		}
	}
	return out
}

func t(lang, it, en string) string {
	if lang == "en" {
		return en
	}
	return it
}

func ptr[T any](v T) *T { return &v }

// Money is an amount in cents as Italians write it: "1.234,56 €"
// ("-1.234,56 €" below zero), in both languages (the board's convention).
func Money(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return sign + thousands(strconv.FormatInt(cents/100, 10)) + "," + twoDigits(cents%100) + " €"
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// thousands puts dots between groups of three digits.
func thousands(digits string) string {
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Number is x the Italian way: dots between thousands, a decimal comma,
// at most the decimals it has ("1.234", "12,5", "-3").
func Number(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	s := strconv.FormatFloat(x, 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	out := sign + thousands(whole)
	if frac != "" {
		out += "," + frac
	}
	return out
}

// Date is an ISO date (YYYY-MM-DD) as dd/mm/yyyy; anything else as it is.
func Date(iso string) string {
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return d.Format("02/01/2006")
}
