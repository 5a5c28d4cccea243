package cellnotes

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/cantieri/tavolo/server/internal/compare"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/markdown"
)

// NotGiven is how a cell without a value reads.
const NotGiven = "—"

// labels of the parts of the object fields, which FieldLabels does not name.
var partLabels = map[string][2]string{
	"previste":      {"previste", "foreseen"},
	"applicate_eur": {"applicate", "applied"},
	"svolta":        {"svolta", "carried out"},
	"punteggio":     {"punteggio", "score"},
}

// labels are the closed lists' labels by list name and value.
var labels = func() map[string]map[string]experiences.Option {
	out := map[string]map[string]experiences.Option{}
	for _, l := range experiences.Lists {
		m := map[string]experiences.Option{}
		for _, o := range l.Options {
			m[o.Value] = o
		}
		out[l.Name] = m
	}
	return out
}()

// listOf is the closed list a cell takes its values from ("" if none).
var listOf = func() map[string]string {
	out := map[string]string{}
	for _, l := range experiences.FieldLabels {
		if l.List != "" && l.Field != "atti" && l.Field != "fattori_critici" {
			out[l.Field] = l.List
		}
	}
	return out
}()

func pick(lang string, it, en string) string {
	if lang == "en" {
		return en
	}
	return it
}

// Display is a cell's value (canonical JSON, nil when not given) as a
// person reads it in lang ("it" or "en"): the labels of closed lists,
// amounts, numbers and dates as the comparison writes them (compare.Money,
// compare.Number, compare.Date: 1.234,56 €, 12,5, dd/mm/yyyy in both
// languages, the board's convention), sì/no.
func Display(field string, raw json.RawMessage, lang string) string {
	if len(raw) == 0 || string(raw) == "null" {
		return NotGiven
	}
	top, part, _ := strings.Cut(field, ".")
	switch {
	case listOf[field] != "":
		return labelsOf(listOf[field], raw, lang)
	case top == "fattori_critici" && part != "":
		return plain(raw, lang) + "/5"
	case field == "fattori_critici":
		var m map[string]int
		if json.Unmarshal(raw, &m) != nil {
			return string(raw)
		}
		var parts []string
		for _, v := range experiences.Lists {
			if v.Name != "fattori_critici" {
				continue
			}
			for _, o := range v.Options {
				if n, ok := m[o.Value]; ok {
					parts = append(parts, pick(lang, o.IT, o.EN)+": "+strconv.Itoa(n)+"/5")
				}
			}
		}
		return orNotGiven(strings.Join(parts, "; "))
	case field == "atti":
		var docs []struct{ Tipo, Name string }
		if json.Unmarshal(raw, &docs) != nil {
			return string(raw)
		}
		parts := make([]string, 0, len(docs))
		for _, d := range docs {
			o := labels["tipo_atto"][d.Tipo]
			parts = append(parts, pick(lang, o.IT, o.EN)+": "+d.Name)
		}
		return orNotGiven(strings.Join(parts, "; "))
	case field == "indicatori":
		var ins []experiences.Indicatore
		if json.Unmarshal(raw, &ins) != nil {
			return string(raw)
		}
		parts := make([]string, 0, len(ins))
		for _, in := range ins {
			p := in.Nome
			if in.Valore != nil {
				p += ": " + compare.Number(*in.Valore) + unit(in.Unita)
			}
			if in.Soglia != nil {
				p += " (" + pick(lang, "soglia ", "threshold ") + compare.Number(*in.Soglia) + unit(in.Unita) + ")"
			}
			parts = append(parts, p)
		}
		return orNotGiven(strings.Join(parts, "; "))
	case raw[0] == '{': // penali, customer_satisfaction: each part
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return string(raw)
		}
		var parts []string
		for _, k := range []string{"previste", "applicate_eur", "svolta", "punteggio"} {
			if v, ok := m[k]; ok {
				l := partLabels[k]
				parts = append(parts, pick(lang, l[0], l[1])+": "+Display(field+"."+k, v, lang))
			}
		}
		return orNotGiven(strings.Join(parts, "; "))
	case strings.HasSuffix(field, "_eur") || compare.RowKind(field) == compare.KindMoney: // penali.applicate_eur is no row
		e, err := experiences.ParseEuro(string(raw))
		if err != nil {
			return string(raw)
		}
		return compare.Money(int64(e))
	case strings.HasPrefix(field, "data_"):
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return string(raw)
		}
		return compare.Date(s)
	case field == "delta_costo_pct":
		return plain(raw, lang) + " %"
	case field == "lezioni_apprese":
		var md string
		if json.Unmarshal(raw, &md) != nil {
			return string(raw)
		}
		return excerpt(markdown.PlainText(md))
	}
	return plain(raw, lang)
}

func orNotGiven(s string) string {
	if s == "" {
		return NotGiven
	}
	return s
}

func unit(u string) string {
	if u == "" {
		return ""
	}
	return " " + u
}

// labelsOf is a value of list, or several joined.
func labelsOf(list string, raw json.RawMessage, lang string) string {
	var vals []string
	if raw[0] == '[' {
		if json.Unmarshal(raw, &vals) != nil {
			return string(raw)
		}
	} else {
		var v string
		if json.Unmarshal(raw, &v) != nil {
			return string(raw)
		}
		vals = []string{v}
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		if o, ok := labels[list][v]; ok {
			out[i] = pick(lang, o.IT, o.EN)
		} else {
			out[i] = v
		}
	}
	return orNotGiven(strings.Join(out, ", "))
}

// plain is a string, a list of strings, a bool or a number.
func plain(raw json.RawMessage, lang string) string {
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case '[':
		var ss []string
		if json.Unmarshal(raw, &ss) == nil {
			return orNotGiven(strings.Join(ss, ", "))
		}
	case 't':
		return pick(lang, "sì", "yes")
	case 'f':
		return "no"
	default:
		var f float64
		if json.Unmarshal(raw, &f) == nil {
			return compare.Number(f)
		}
	}
	return string(raw)
}

// maxExcerpt bounds the display of free text (the lessons learned run to
// 20,000 characters): a comment recalls it, the record shows it whole.
const maxExcerpt = 280

func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxExcerpt {
		return strings.TrimSpace(string(r[:maxExcerpt-1])) + "…"
	}
	return orNotGiven(s)
}
