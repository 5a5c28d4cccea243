package compare

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cantieri/tavolo/server/internal/experiences"
)

func TestFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Money(0), "0,00 €"},
		{Money(5), "0,05 €"},
		{Money(123456), "1.234,56 €"},
		{Money(23145050), "231.450,50 €"},
		{Money(-100000000), "-1.000.000,00 €"},
		{Number(1234), "1.234"},
		{Number(12.5), "12,5"},
		{Number(-0.25), "-0,25"},
		{Number(1234567.125), "1.234.567,125"},
		{Date("2025-05-20"), "20/05/2025"},
		{Date("2025-5-20"), "2025-5-20"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestOrder(t *testing.T) {
	all := Fields()
	if all[0] != "titolo" || !slices.Contains(all, "sopra_soglia_ue") || slices.Index(all, "atti") > slices.Index(all, "personale_coinvolto") {
		t.Fatalf("default order %v: want DOMAIN.md's groups (documents after the award)", all)
	}
	for _, tc := range []struct {
		order []string
		first []string
	}{
		{nil, all[:3]},
		{[]string{"cig", "titolo"}, []string{"cig", "titolo", all[1]}},
		{[]string{"colore", "cig", "cig"}, []string{"cig", all[0], all[1]}},
	} {
		idx := Order(tc.order)
		var got []string
		for _, i := range idx[:3] {
			got = append(got, rows[i].Field)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.first) || len(idx) != len(all) {
			t.Errorf("Order(%v) starts %v (%d rows), want %v (%d)", tc.order, got, len(idx), tc.first, len(all))
		}
	}
}

// version is a record version with the given fields.
func version(id string, n int, f experiences.Fields) *Prepared {
	return Prepare(&experiences.Version{ID: id, N: n, Fields: f, Derived: experiences.Derive(&f, "comune")})
}

func euro(n int64) *experiences.Euro { e := experiences.EuroOf(n); return &e }

// TestBuildNumbers checks scale and outliers against a simple model:
// scale = (x - min) / (max - min); an outlier is further from the median
// than twice the median absolute deviation, with at least 3 values.
func TestBuildNumbers(t *testing.T) {
	for _, tc := range []struct {
		name     string
		amounts  []int64 // -1: not given
		scale    []float64
		outliers []bool
	}{
		{"two values: no outliers", []int64{100, 300}, []float64{0, 1}, []bool{false, false}},
		{"one far", []int64{100000, 110000, 120000, 1000000}, []float64{0, 10.0 / 900, 20.0 / 900, 1}, []bool{false, false, false, true}},
		{"all equal", []int64{5, 5, 5}, []float64{1, 1, 1}, []bool{false, false, false}},
		{"a missing value", []int64{10, -1, 20, 30}, []float64{0, -1, 0.5, 1}, []bool{false, false, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in []Input
			for i, a := range tc.amounts {
				f := experiences.Fields{Titolo: "R"}
				if a >= 0 {
					f.ImportoBaseEur = euro(a)
				}
				id := fmt.Sprint("r", i)
				in = append(in, Input{Head: experiences.Head{ID: id, Version: 1}, Now: version(id, 1, f)})
			}
			c := Build(in, "it", View{})
			var row Row
			for _, r := range c.Rows {
				if r.Field == "importo_base_eur" {
					row = r
				}
			}
			for i, cell := range row.Cells {
				switch {
				case tc.scale[i] < 0 && cell.Scale != nil:
					t.Errorf("cell %d: scale %v, want none", i, *cell.Scale)
				case tc.scale[i] >= 0 && (cell.Scale == nil || math.Abs(*cell.Scale-tc.scale[i]) > 1e-12):
					t.Errorf("cell %d: scale %v, want %v", i, cell.Scale, tc.scale[i])
				case cell.Outlier != tc.outliers[i]:
					t.Errorf("cell %d: outlier %v, want %v", i, cell.Outlier, tc.outliers[i])
				}
			}
		})
	}
}

// TestBuildChanged: a cell is changed when its value at the seen version
// differs; was is that value's display.
func TestBuildChanged(t *testing.T) {
	old := experiences.Fields{Titolo: "Servizio", Procedura: "aperta", ImportoBaseEur: euro(1000)}
	now := old
	now.Procedura, now.ImportoBaseEur = "ristretta", nil
	other := experiences.Fields{Titolo: "Servizio", Procedura: "ristretta"}
	in := []Input{
		{Head: experiences.Head{ID: "a", Version: 3}, Now: version("a", 3, now), Seen: version("a", 2, old)},
		{Head: experiences.Head{ID: "b", Version: 1}, Now: version("b", 1, other)},
	}
	c := Build(in, "it", View{Hidden: []string{"cig"}})
	got := map[string]string{}
	for _, r := range c.Rows {
		for i, cell := range r.Cells {
			if cell.Changed {
				got[fmt.Sprint(i, r.Field)] = *cell.Was + " -> " + cell.Display
			}
		}
		if r.Field == "procedura" && r.Differ || r.Field == "titolo" && r.Differ || r.Field == "importo_base_eur" && r.Differ {
			t.Errorf("%s differs, but every column has the same value", r.Field)
		}
		if r.Hidden != (r.Field == "cig") {
			t.Errorf("%s hidden %v", r.Field, r.Hidden)
		}
	}
	want := map[string]string{"0procedura": "Procedura aperta -> Procedura ristretta", "0importo_base_eur": "1.000,00 € -> "}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("changed %v, want %v", got, want)
	}
	if c.Columns[0].SeenVersion == nil || *c.Columns[0].SeenVersion != 2 || c.Columns[1].SeenVersion != nil {
		t.Errorf("seen versions %v %v", c.Columns[0].SeenVersion, c.Columns[1].SeenVersion)
	}
}

// TestExportFiles: the CSV lines and the XLSX cells of a small export,
// comments included; formula-like text neutralised, numbers as numbers.
func TestExportFiles(t *testing.T) {
	d := -7.5
	f := experiences.Fields{Titolo: "@SUM(1+1)", DeltaCostoPct: &d, ImportoBaseEur: euro(1500)}
	g := experiences.Fields{Titolo: "Altro", CIG: "B0A1C2D3E4"}
	in := []Input{{Head: experiences.Head{ID: "a", Titolo: f.Titolo, Version: 4, Administration: experiences.Administration{Name: "Comune di Prova"}}, Now: version("a", 4, f)},
		{Head: experiences.Head{ID: "b", Titolo: g.Titolo, Version: 1}, Now: version("b", 1, g)}}
	hidden := []string{}
	for _, k := range Fields() {
		if k != "titolo" && k != "delta_costo_pct" && k != "importo_base_eur" {
			hidden = append(hidden, k)
		}
	}
	at := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	e := &Export{Title: "Prova", Comparison: Build(in, "it", View{Hidden: hidden}), At: at,
		Comments: []ExportComment{{ExperienceID: "a", Field: "importo_base_eur", Author: "Anna", Administration: "Comune", At: at, Version: 3, ValueThen: "+1.000,00 €", Body: "-1 è troppo?"}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, e); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"Confronto,Prova",
		"Esportato il,02/12/2026 09:00",
		`""`,
		",Esperienza,'@SUM(1+1),Altro",
		",Amministrazione,Comune di Prova,",
		",Versione della scheda,4,1",
		",Aggiornata il,01/01/0001 00:49,01/01/0001 00:49",
		",Identificativo,a,b",
		`""`,
		"Gruppo,Campo,'@SUM(1+1),Altro",
		"Identità,Titolo,'@SUM(1+1),Altro",
		"Affidamento,Importo a base di gara (€),1500,",
		"Monitoraggio,Variazione di costo (%),-7.5,",
		`""`,
		"Commenti",
		"Esperienza,Campo,Autore,Amministrazione,Data,Versione,Valore allora,Commento",
		"'@SUM(1+1),Importo a base di gara (€),Anna,Comune,02/12/2026 09:00,3,\"'+1.000,00 €\",'-1 è troppo?",
		"",
	}, "\r\n")
	if buf.String() != want {
		t.Errorf("csv:\n%s\nwant:\n%s", buf.String(), want)
	}

	buf.Reset()
	if err := WriteXLSX(&buf, e); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for _, tc := range []struct {
		sheet, cell, value string
		number             bool
	}{
		{SheetComparison, "C4", "'@SUM(1+1)", false},
		{SheetComparison, "C6", "4", true},
		{SheetComparison, "C12", "1500", true},
		{SheetComparison, "C13", "-7.5", true},
		{SheetComments, "G2", "'+1.000,00 €", false},
		{SheetComments, "H2", "'-1 è troppo?", false},
		{SheetComments, "F2", "3", true},
	} {
		v, err := x.GetCellValue(tc.sheet, tc.cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		typ, _ := x.GetCellType(tc.sheet, tc.cell)
		isNum := typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber
		if v != tc.value || isNum != tc.number {
			t.Errorf("%s!%s: got %q (number %v), want %q (%v)", tc.sheet, tc.cell, v, isNum, tc.value, tc.number)
		}
	}
}

func TestPreparedValuesAreJSON(t *testing.T) {
	f := experiences.Fields{Titolo: "X", Obiettivi: []string{"innovazione"}, FattoriCritici: map[string]int{"sla_e_penali": 5}}
	p := version("a", 1, f)
	for i, v := range p.values {
		if !json.Valid(v.raw) {
			t.Errorf("%s: %q is not JSON", rows[i].Field, v.raw)
		}
	}
}

// TestFingerprint: comparisons of the same versions, seen versions, rows
// and language share a fingerprint; any of them changing changes it.
func TestFingerprint(t *testing.T) {
	f := experiences.Fields{Titolo: "A"}
	a1, a2 := version("a", 1, f), version("a", 2, f)
	b1 := version("b", 1, f)
	base := []Input{{Head: experiences.Head{ID: "a", Version: 2}, Now: a2, Seen: a1}, {Head: experiences.Head{ID: "b", Version: 1}, Now: b1}}
	fp := func(in []Input, lang string, v View) string { c := Build(in, lang, v); return c.Fingerprint(lang) }
	want := fp(base, "it", View{})
	if got := fp(base, "it", View{}); got != want {
		t.Fatalf("same comparison, fingerprints %q and %q", got, want)
	}
	for _, tc := range []struct {
		name string
		got  string
	}{
		{"language", fp(base, "en", View{})},
		{"seen version", fp([]Input{{Head: experiences.Head{ID: "a", Version: 2}, Now: a2, Seen: a2}, base[1]}, "it", View{})},
		{"never seen", fp([]Input{{Head: experiences.Head{ID: "a", Version: 2}, Now: a2}, base[1]}, "it", View{})},
		{"columns' order", fp([]Input{base[1], base[0]}, "it", View{})},
		{"rows' order", fp(base, "it", View{Order: []string{"cig"}})},
		{"a hidden row", fp(base, "it", View{Hidden: []string{"cig"}})},
	} {
		if tc.got == want {
			t.Errorf("%s changed, the fingerprint did not", tc.name)
		}
	}
}

// TestApplyMarks: the shared comparison with a viewer's marks is the
// comparison Build gives for that viewer, for several views and seen
// versions (what the saved table's GET sends in two parts).
func TestApplyMarks(t *testing.T) {
	old := experiences.Fields{Titolo: "Servizio", Procedura: "aperta", ImportoBaseEur: euro(1000), CIG: "B0A1C2D3E4"}
	now := old
	now.Procedura, now.ImportoBaseEur, now.Titolo = "ristretta", nil, "Servizio (rev.)"
	other := experiences.Fields{Titolo: "Altro", Procedura: "ristretta", ImportoBaseEur: euro(5000)}
	a2, a3, b1 := version("a", 2, old), version("a", 3, now), version("b", 1, other)
	heads := []experiences.Head{{ID: "a", Version: 3}, {ID: "b", Version: 1}}
	shared := func(lang string, order []string) Comparison {
		return Build([]Input{{Head: heads[0], Now: a3}, {Head: heads[1], Now: b1}}, lang, View{Order: order})
	}
	seq := int64(42)
	for _, tc := range []struct {
		name   string
		seen   [2]*Prepared
		view   View
		shared []string // the table's order
	}{
		{"never seen", [2]*Prepared{}, View{}, nil},
		{"seen before the edit", [2]*Prepared{a2, b1}, View{}, nil},
		{"seen now", [2]*Prepared{a3, nil}, View{Hidden: []string{"cig", "colore"}}, nil},
		{"own order and hidden rows", [2]*Prepared{a2, nil}, View{Order: []string{"procedura", "cig"}, Hidden: []string{"titolo"}}, []string{"cig"}},
		{"the table's order", [2]*Prepared{a2, b1}, View{Order: []string{"importo_base_eur"}}, []string{"titolo", "procedura"}},
	} {
		for _, lang := range []string{"it", "en"} {
			in := []Input{{Head: heads[0], Now: a3, Seen: tc.seen[0]}, {Head: heads[1], Now: b1, Seen: tc.seen[1]}}
			want := Build(in, lang, tc.view)
			want.Seq = &seq
			m := MarksOf(in, lang, tc.view)
			m.Seq = &seq
			got := Apply(shared(lang, tc.shared), m)
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(want)
			if !bytes.Equal(gb, wb) {
				t.Errorf("%s (%s): shared + marks\n%s\nwant\n%s", tc.name, lang, gb, wb)
			}
		}
	}
	// The key of the shared part moves with the table and with any record.
	in := []Input{{Head: heads[0], Now: a3}, {Head: heads[1], Now: b1}}
	key := SharedKey("t", 1, "it", in)
	moved := []Input{{Head: experiences.Head{ID: "a", Version: 4}, Now: a3}, in[1]}
	threaded := []Input{{Head: experiences.Head{ID: "a", Version: 3, ThreadID: "th"}, Now: a3}, in[1]}
	for name, k := range map[string]string{"table version": SharedKey("t", 2, "it", in), "language": SharedKey("t", 1, "en", in),
		"record version": SharedKey("t", 1, "it", moved), "thread": SharedKey("t", 1, "it", threaded),
		"a column less": SharedKey("t", 1, "it", in[:1]), "another table": SharedKey("u", 1, "it", in)} {
		if k == key {
			t.Errorf("%s changed, the shared key did not (%q)", name, k)
		}
	}
}
