// Package compare computes the comparison table of experience records: one
// row per field (grouped as in DOMAIN.md, in its default order), one
// column per record, each cell's value shown as people read it ("1.234,56
// €", dd/mm/yyyy, the labels of closed lists), whether a row differs, the
// position of numbers on the row's scale, the values far from the others,
// and what changed since the viewer last looked. It is a pure function of
// the records' versions, the viewer's seen versions and the language; it
// also writes the comparison as CSV and XLSX. Package tables stores the
// saved tables and calls it.
package compare

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/cantieri/tavolo/server/internal/experiences"
)

// Kinds of rows (how the client shows a cell).
const (
	KindText     = "text"
	KindList     = "list"
	KindMoney    = "money"
	KindNumber   = "number"
	KindDate     = "date"
	KindBool     = "bool"
	KindScore    = "score"
	KindMarkdown = "markdown"
)

// Group is a group of rows, as DOMAIN.md names them.
type Group struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// groupDef is a group in both languages.
type groupDef struct{ key, it, en string }

// groups are DOMAIN.md's groups in its order (documents come after the
// award, as the domain lists them).
var groups = []groupDef{
	{"identita", "Identità", "Identity"},
	{"strategia", "Strategia", "Strategy"},
	{"modello", "Modello gestionale", "Management model"},
	{"affidamento", "Affidamento", "Award"},
	{"documenti", "Atti", "Documents"},
	{"riorganizzazione", "Riorganizzazione", "Reorganisation"},
	{"monitoraggio", "Monitoraggio", "Monitoring"},
	{"reversibilita", "Reversibilità", "Reversibility"},
	{"fattori_critici", "Fattori critici", "Critical factors"},
	{"narrativa", "Lezioni apprese", "Narrative"},
}

// rowDef is one row: a field of the record (experiences.FieldLabels) or
// a value derived from them (sopra_soglia_ue).
type rowDef struct {
	experiences.FieldLabel
	kind string
}

// kinds of the fields that are not plain text or a closed list.
var kinds = map[string]string{
	"data_decisione": KindDate, "data_affidamento": KindDate, "data_avvio": KindDate, "data_fine_contratto": KindDate,
	"durata_mesi": KindNumber, "n_offerte": KindNumber, "personale_coinvolto": KindNumber, "delta_costo_pct": KindNumber,
	"customer_satisfaction":       KindNumber,
	"costo_interno_ante_eur_anno": KindMoney, "importo_base_eur": KindMoney, "importo_aggiudicato_eur": KindMoney, "penali": KindMoney,
	"clausola_sociale": KindBool, "clausola_uscita": KindBool, "piano_subentro": KindBool, "sopra_soglia_ue": KindBool,
	"valutazione_qualita": KindScore,
	"lezioni_apprese":     KindMarkdown,
	"enti_associati":      KindText, "indicatori": KindText,
}

// sopraSoglia is the derived row, shown after the award criterion.
var sopraSoglia = experiences.FieldLabel{Field: "sopra_soglia_ue", Group: "affidamento", IT: "Sopra soglia UE", EN: "Above the EU threshold"}

// rows are every row in the default order: DOMAIN.md's groups, and the
// form's order of fields inside each.
var rows, rowIndex = func() ([]rowDef, map[string]int) {
	var out []rowDef
	for _, g := range groups {
		for _, f := range experiences.FieldLabels {
			if f.Group != g.key {
				continue
			}
			out = append(out, rowDef{FieldLabel: f, kind: kindOf(f)})
			if f.Field == "criterio" {
				out = append(out, rowDef{FieldLabel: sopraSoglia, kind: KindBool})
			}
		}
	}
	idx := make(map[string]int, len(out))
	for i, r := range out {
		idx[r.Field] = i
	}
	return out, idx
}()

func kindOf(f experiences.FieldLabel) string {
	if k, ok := kinds[f.Field]; ok {
		return k
	}
	if f.List != "" {
		return KindList
	}
	return KindText
}

// Fields are the row keys in the default order (what row_order and the
// preferences name).
func Fields() []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Field
	}
	return out
}

// Known reports whether field is a row of the comparison.
func Known(field string) bool {
	_, ok := rowIndex[field]
	return ok
}

// RowKind is the kind of row field ("" if it is not a row): how its
// values are written (KindMoney: compare.Money).
func RowKind(field string) string {
	if i, ok := rowIndex[field]; ok {
		return rows[i].kind
	}
	return ""
}

// Order is the rows in order: those of order first (unknown and repeated
// keys skipped), then the others in the default order.
func Order(order []string) []int {
	out := make([]int, 0, len(rows))
	seen := make([]bool, len(rows))
	for _, f := range order {
		if i, ok := rowIndex[f]; ok && !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	for i := range rows {
		if !seen[i] {
			out = append(out, i)
		}
	}
	return out
}

func (g groupDef) label(lang string) string {
	if lang == "en" {
		return g.en
	}
	return g.it
}

func (r rowDef) label(lang string) string {
	if lang == "en" {
		return r.EN
	}
	return r.IT
}

// lists are the closed lists by name.
var lists = func() map[string]experiences.List {
	m := map[string]experiences.List{}
	for _, l := range experiences.Lists {
		m[l.Name] = l
	}
	return m
}()

// optionLabel is the label of a closed list's value ("" unknown values
// show as they are stored).
func optionLabel(list, value, lang string) string {
	for _, o := range lists[list].Options {
		if o.Value == value {
			if lang == "en" {
				return o.EN
			}
			return o.IT
		}
	}
	return value
}

// rawEqual compares two cells' stored values (JSON from one encoder, so
// equal values are equal bytes); nil is "not given".
func rawEqual(a, b json.RawMessage) bool {
	return bytes.Equal(orNull(a), orNull(b))
}

var null = json.RawMessage("null")

func orNull(v json.RawMessage) json.RawMessage {
	if len(v) == 0 {
		return null
	}
	return v
}

// joinNonEmpty joins the non-empty parts.
func joinNonEmpty(sep string, parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
