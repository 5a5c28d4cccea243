package web_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/compare"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// formulaFromCorpus is a payload of the shared corpus from its first "="
// on (no line of the corpus starts with one): what a spreadsheet would run.
func formulaFromCorpus(t *testing.T) string {
	for _, line := range testenv.Corpus(t, "xss.txt") {
		if i := strings.Index(line, "="); i >= 0 && len(line)-i > 5 && len(line)-i < 150 && !strings.ContainsAny(line, "\t\r\n") {
			return line[i:]
		}
	}
	t.Fatal("no payload with = in the corpus")
	return ""
}

// TestTableExport opens the CSV and the XLSX of a table: the record
// versions in the header block, Italian labels, a formula-like title from
// the corpus neutralised, amounts and a negative number as numbers.
func TestTableExport(t *testing.T) {
	env := webtest.Start(t, nil)
	alice, _ := env.NewUser(account.RoleParticipant)
	formula := formulaFromCorpus(t)
	a := publishedWith(t, alice, formula, map[string]any{"delta_costo_pct": -12.5})
	b := publishedWith(t, alice, "Paghe del comune", map[string]any{"ambito": "paghe_personale"})
	tb := newTable(t, alice, "=SUM(A1:A9)", a.ID, b.ID)

	// want: the row label -> the first column's cell as the file writes it.
	want := map[string]string{
		"Confronto":               "'=SUM(A1:A9)",
		"Esperienza":              "'" + formula,
		"Versione della scheda":   strconv.Itoa(a.Version),
		"Ambito":                  "Servizi ICT",
		"Importo aggiudicato (€)": "231450.5",
		"Variazione di costo (%)": "-12.5",
		"Data dell'affidamento":   "20/05/2025",
		"Indicatori (SLA)":        "Disponibilità (soglia 99,5 %)",
	}
	// The title line is "Confronto", title; the others are group, label,
	// then a cell per column.
	labelOf := func(row []string) string {
		if len(row) > 1 && row[0] == "Confronto" {
			return "Confronto"
		}
		if len(row) > 1 {
			return row[1]
		}
		return ""
	}
	cellOf := func(row []string) string {
		switch {
		case len(row) > 2 && row[0] != "Confronto":
			return row[2]
		case len(row) > 1:
			return row[1]
		}
		return ""
	}

	r := alice.Expect(200, "GET", "/api/v1/tables/"+tb.ID+"/export?format=csv", nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(r.Header.Get("Content-Disposition"), ".csv") {
		t.Fatalf("csv served as %s, %s", ct, r.Header.Get("Content-Disposition"))
	}
	cr := csv.NewReader(bytes.NewReader(r.Body))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("read the csv: %v", err)
	}
	got := map[string]string{}
	comments := false
	for _, row := range recs {
		got[labelOf(row)] = cellOf(row)
		comments = comments || len(row) == 1 && row[0] == "Commenti"
	}
	for label, w := range want {
		if got[label] != w {
			t.Errorf("csv %q: got %q, want %q", label, got[label], w)
		}
	}
	if !comments {
		t.Errorf("csv has no Commenti section")
	}

	r = alice.Expect(200, "GET", "/api/v1/tables/"+tb.ID+"/export?format=xlsx", nil)
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("open the xlsx: %v", err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 2 || sheets[0] != compare.SheetComparison || sheets[1] != compare.SheetComments {
		t.Fatalf("sheets %v", sheets)
	}
	rows, err := f.GetRows(compare.SheetComparison, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	got = map[string]string{}
	numeric := map[string]bool{}
	for i, row := range rows {
		if len(row) < 2 {
			continue
		}
		label, col := labelOf(row), 3
		if label == "Confronto" {
			col = 2
		}
		got[label] = cellOf(row)
		name, _ := excelize.CoordinatesToCellName(col, i+1)
		typ, err := f.GetCellType(compare.SheetComparison, name)
		if err != nil {
			t.Fatal(err)
		}
		numeric[label] = typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber
	}
	for label, w := range want {
		if label == "Confronto" {
			continue
		}
		if got[label] != w {
			t.Errorf("xlsx %q: got %q, want %q", label, got[label], w)
		}
	}
	for _, label := range []string{"Importo aggiudicato (€)", "Variazione di costo (%)", "Versione della scheda"} {
		if !numeric[label] {
			t.Errorf("xlsx %q is not a number", label)
		}
	}
	if numeric["Esperienza"] || numeric["Ambito"] {
		t.Errorf("xlsx text cells written as numbers")
	}

	// The ad-hoc export; a format that does not exist.
	r = alice.Expect(200, "GET", "/api/v1/compare/export?format=xlsx&ids="+a.ID+","+b.ID, nil)
	if !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") || !bytes.HasPrefix(r.Body, []byte("PK")) {
		t.Errorf("ad-hoc xlsx served as %s", r.Header.Get("Content-Type"))
	}
	alice.Expect(400, "GET", "/api/v1/tables/"+tb.ID+"/export?format=pdf", nil)
}
