package tables

import (
	"context"
	"fmt"
	"io"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/compare"
	"github.com/cantieri/tavolo/server/internal/problem"
)

// Comments gives the cell comments of records for an export (the cell
// comments' package). Optional: without it, exports list no comments.
type Comments interface {
	ForExport(ctx context.Context, experienceIDs []string) ([]compare.ExportComment, error)
}

// Export formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// ExportFile is an export ready to send.
type ExportFile struct {
	Name        string // the file name, with its extension
	ContentType string
	write       func(io.Writer) error
}

// Write writes the file.
func (f *ExportFile) Write(w io.Writer) error { return f.write(w) }

// Export is table id's comparison (u's order, without u's hidden rows) as
// a file of format, with Italian labels.
func (s *Service) Export(ctx context.Context, u *account.User, id, format string) (*ExportFile, error) {
	d, err := s.loadFor(ctx, u, id, authz.ExportTable)
	if err != nil {
		return nil, err
	}
	cmp, err := s.Comparison(ctx, u, id, "it")
	if err != nil {
		return nil, err
	}
	return s.exportFile(ctx, d.Name, "tavolo-"+d.ID, cmp, format)
}

// ExportAdHoc is the ad-hoc comparison of ids as a file of format.
func (s *Service) ExportAdHoc(ctx context.Context, u *account.User, ids []string, format string) (*ExportFile, error) {
	if !authz.Can(authz.ExportTable, u.Subject(), authz.Item{}) {
		return nil, problem.ErrForbidden
	}
	cmp, err := s.Compare(ctx, u, ids, "it")
	if err != nil {
		return nil, err
	}
	return s.exportFile(ctx, "Confronto di esperienze", "confronto", cmp, format)
}

func (s *Service) exportFile(ctx context.Context, title, name string, cmp compare.Comparison, format string) (*ExportFile, error) {
	e := &compare.Export{Title: title, Comparison: cmp, At: s.now()}
	if s.deps.Comments != nil {
		ids := make([]string, len(cmp.Columns))
		for i, c := range cmp.Columns {
			ids[i] = c.ID
		}
		cs, err := s.deps.Comments.ForExport(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("export: comments: %w", err)
		}
		e.Comments = cs
	}
	switch format {
	case FormatCSV:
		return &ExportFile{Name: name + ".csv", ContentType: "text/csv; charset=utf-8",
			write: func(w io.Writer) error { return compare.WriteCSV(w, e) }}, nil
	case FormatXLSX:
		return &ExportFile{Name: name + ".xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			write: func(w io.Writer) error { return compare.WriteXLSX(w, e) }}, nil
	}
	return nil, problem.ErrInvalid.With(map[string]string{"format": problem.FieldOneOf})
}
