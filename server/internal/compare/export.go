package compare

import (
	"fmt"
	"io"
	"strconv"
	"time"
	_ "time/tzdata" // Europe/Rome on minimal images (and in this package's tests)

	"github.com/xuri/excelize/v2"

	"github.com/cantieri/tavolo/server/internal/csvexport"
)

// ExportComment is a cell comment as an export lists it.
type ExportComment struct {
	ExperienceID   string
	Field          string
	Author         string
	Administration string
	At             time.Time
	Version        int // the record's version the comment was written about
	Body           string
}

// Export is what an export writes: a comparison in Italian, its name and
// the comments on its cells.
type Export struct {
	Title      string
	Comparison Comparison
	Comments   []ExportComment
	At         time.Time
}

// cell is one exported cell: a number or a text.
type cell struct {
	num   *float64
	text  string
	money bool
}

func (c cell) value() any {
	if c.num != nil {
		return *c.num
	}
	return csvexport.Text(c.text)
}

// sheet lays the comparison out as rows of cells: a header block naming
// each column's record and version, then one row per visible field.
func (e *Export) sheet() [][]cell {
	cols := e.Comparison.Columns
	txt := func(s string) cell { return cell{text: s} }
	line := func(first, second string, f func(Column) cell) []cell {
		out := []cell{txt(first), txt(second)}
		for _, c := range cols {
			out = append(out, f(c))
		}
		return out
	}
	out := [][]cell{
		{txt("Confronto"), txt(e.Title)},
		{txt("Esportato il"), txt(e.At.In(rome).Format("02/01/2006 15:04"))},
		{},
		line("", "Esperienza", func(c Column) cell { return txt(c.Titolo) }),
		line("", "Amministrazione", func(c Column) cell { return txt(c.Administration.Name) }),
		line("", "Versione della scheda", func(c Column) cell { n := float64(c.Version); return cell{num: &n} }),
		line("", "Aggiornata il", func(c Column) cell { return txt(c.UpdatedAt.In(rome).Format("02/01/2006 15:04")) }),
		line("", "Identificativo", func(c Column) cell { return txt(c.ID) }),
		{},
		line("Gruppo", "Campo", func(c Column) cell { return txt(c.Titolo) }),
	}
	groupLabel := map[string]string{}
	for _, g := range e.Comparison.Groups {
		groupLabel[g.Key] = g.Label
	}
	for _, r := range e.Comparison.Rows {
		if r.Hidden {
			continue
		}
		row := []cell{txt(groupLabel[r.Group]), txt(r.Label)}
		for _, c := range r.Cells {
			if c.number != nil {
				row = append(row, cell{num: c.number, money: r.Kind == KindMoney})
			} else {
				row = append(row, txt(c.Display))
			}
		}
		out = append(out, row)
	}
	return out
}

// comments lays the comments out: a header, then one per line.
func (e *Export) comments() [][]cell {
	txt := func(s string) cell { return cell{text: s} }
	titles, labels := map[string]string{}, map[string]string{}
	for _, c := range e.Comparison.Columns {
		titles[c.ID] = c.Titolo
	}
	for _, r := range rows {
		labels[r.Field] = r.IT
	}
	out := [][]cell{{txt("Esperienza"), txt("Campo"), txt("Autore"), txt("Amministrazione"), txt("Data"), txt("Versione"), txt("Commento")}}
	for _, c := range e.Comments {
		n := float64(c.Version)
		field := labels[c.Field]
		if field == "" {
			field = c.Field
		}
		out = append(out, []cell{txt(titles[c.ExperienceID]), txt(field), txt(c.Author), txt(c.Administration),
			txt(c.At.In(rome).Format("02/01/2006 15:04")), {num: &n}, txt(c.Body)})
	}
	return out
}

// rome is the board's time zone for dates in exports.
var rome = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Rome"); err == nil {
		return l
	}
	return time.UTC
}()

// WriteCSV writes the export as CSV (RFC 4180, formulas neutralised):
// the comparison, an empty line, "Commenti" and the comments.
func WriteCSV(w io.Writer, e *Export) error {
	cw := csvexport.New(w)
	write := func(rows [][]cell) {
		for _, r := range rows {
			vals := make([]any, len(r))
			for i, c := range r {
				if c.num != nil {
					vals[i] = *c.num
				} else {
					vals[i] = c.text // csvexport neutralises text cells
				}
			}
			if len(vals) == 0 {
				vals = []any{""}
			}
			_ = cw.Row(vals...)
		}
	}
	write(e.sheet())
	write([][]cell{{}, {{text: "Commenti"}}})
	write(e.comments())
	return cw.Flush()
}

// Sheet names of the XLSX export.
const (
	SheetComparison = "Confronto"
	SheetComments   = "Commenti"
)

// WriteXLSX writes the export as an XLSX workbook: the comparison on one
// sheet (numbers as numbers, amounts in euro format), the comments on a
// second; text cells neutralised as in the CSV.
func WriteXLSX(w io.Writer, e *Export) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetComparison); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if _, err := f.NewSheet(SheetComments); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	money, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr(`#,##0.00 "€"`)})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	put := func(sheet string, rows [][]cell) error {
		for i, r := range rows {
			if len(r) == 0 {
				continue
			}
			vals := make([]any, len(r))
			for j, c := range r {
				vals[j] = c.value()
			}
			first := "A" + strconv.Itoa(i+1)
			if err := f.SetSheetRow(sheet, first, &vals); err != nil {
				return fmt.Errorf("xlsx: row %d: %w", i+1, err)
			}
			for j, c := range r {
				if c.money && c.num != nil {
					name, _ := excelize.CoordinatesToCellName(j+1, i+1)
					if err := f.SetCellStyle(sheet, name, name, money); err != nil {
						return fmt.Errorf("xlsx: %w", err)
					}
				}
			}
		}
		return nil
	}
	if err := put(SheetComparison, e.sheet()); err != nil {
		return err
	}
	if err := put(SheetComments, e.comments()); err != nil {
		return err
	}
	_ = f.SetColWidth(SheetComparison, "A", "B", 28)
	if n := len(e.Comparison.Columns); n > 0 {
		last, _ := excelize.ColumnNumberToName(n + 2)
		_ = f.SetColWidth(SheetComparison, "C", last, 32)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: write: %w", err)
	}
	return nil
}
