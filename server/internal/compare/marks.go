package compare

import (
	"slices"
	"strconv"
	"strings"
)

// A saved table's comparison is the same for every viewer but for their
// marks: their row order and hidden rows, the versions they last saw and
// the cells changed since. Shared (Build with no Seen, the table's order)
// is kept encoded once per table and versions (SharedKey); Marks, small,
// are computed for each request; Apply joins them (the client does the
// same).

// Marks are one viewer's part of a saved table's comparison.
type Marks struct {
	// Seq is the head of the table's topic when it was read.
	Seq *int64 `json:"seq,omitempty"`
	// Order is every row, in the viewer's order.
	Order []string `json:"order"`
	// Hidden are the rows the viewer hides.
	Hidden []string `json:"hidden"`
	// Seen is the version of each column's record the viewer last saw
	// (absent: never seen).
	Seen map[string]int `json:"seen"`
	// Changed are the cells whose value changed since that version.
	Changed []Change `json:"changed"`
}

// Change is one cell changed since the viewer last looked.
type Change struct {
	ID    string `json:"id"`    // the column's record
	Field string `json:"field"` // the row
	Was   string `json:"was"`   // the value's display at the seen version
}

// MarksOf are the marks of cols (with their Seen versions) in lang for a
// viewer with view v.
func MarksOf(cols []Input, lang string, v View) Marks {
	idx := Order(v.Order)
	m := Marks{Order: make([]string, len(idx)), Hidden: []string{}, Seen: map[string]int{}, Changed: []Change{}}
	for i, ri := range idx {
		m.Order[i] = rows[ri].Field
		if slices.Contains(v.Hidden, rows[ri].Field) {
			m.Hidden = append(m.Hidden, rows[ri].Field)
		}
	}
	for _, c := range cols {
		if c.Seen == nil {
			continue
		}
		m.Seen[c.Head.ID] = c.Seen.Version
		if c.Seen.Version == c.Now.Version {
			continue
		}
		for _, ri := range idx {
			if now, was := &c.Now.values[ri], &c.Seen.values[ri]; !rawEqual(was.raw, now.raw) {
				m.Changed = append(m.Changed, Change{ID: c.Head.ID, Field: rows[ri].Field, Was: was.text(lang)})
			}
		}
	}
	return m
}

// Apply is shared with m's marks: the comparison Build gives with the
// viewer's seen versions and view (rows unknown to m keep their place
// after m's).
func Apply(shared Comparison, m Marks) Comparison {
	out := shared
	out.Seq = m.Seq
	out.Columns = slices.Clone(shared.Columns)
	col := map[string]int{}
	for i := range out.Columns {
		col[out.Columns[i].ID] = i
		if v, ok := m.Seen[out.Columns[i].ID]; ok {
			out.Columns[i].SeenVersion = ptr(v)
		}
	}
	byField := map[string]int{}
	for i, r := range shared.Rows {
		byField[r.Field] = i
	}
	out.Rows = make([]Row, 0, len(shared.Rows))
	placed := make([]bool, len(shared.Rows))
	add := func(i int) {
		r := shared.Rows[i]
		r.Cells = slices.Clone(r.Cells)
		r.Hidden = slices.Contains(m.Hidden, r.Field)
		out.Rows = append(out.Rows, r)
		placed[i] = true
	}
	for _, f := range m.Order {
		if i, ok := byField[f]; ok && !placed[i] {
			add(i)
		}
	}
	for i := range shared.Rows {
		if !placed[i] {
			add(i)
		}
	}
	at := map[string]int{}
	for i, r := range out.Rows {
		at[r.Field] = i
	}
	for _, ch := range m.Changed {
		ri, rok := at[ch.Field]
		ci, cok := col[ch.ID]
		if rok && cok && ci < len(out.Rows[ri].Cells) {
			cell := &out.Rows[ri].Cells[ci]
			cell.Changed, cell.Was = true, ptr(ch.Was)
		}
	}
	return out
}

// SharedKey names what a saved table's shared comparison is computed
// from: the table, its version (its columns and shared order), the
// language and each column's record, version and thread. Any edit of the
// table or of a compared record changes it.
func SharedKey(tableID string, tableVersion int, lang string, cols []Input) string {
	var b strings.Builder
	b.Grow(32 + len(tableID) + 48*len(cols))
	b.WriteString(tableID)
	b.WriteByte('@')
	b.WriteString(strconv.Itoa(tableVersion))
	b.WriteByte('|')
	b.WriteString(lang)
	for _, c := range cols {
		b.WriteByte('|')
		b.WriteString(c.Head.ID)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(c.Head.Version))
		b.WriteByte(':')
		b.WriteString(c.Head.ThreadID)
	}
	return b.String()
}
