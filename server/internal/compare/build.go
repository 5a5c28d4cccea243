package compare

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cantieri/tavolo/server/internal/experiences"
)

// Comparison is the table as the API serves it (COMPARE-API.md).
type Comparison struct {
	Columns []Column `json:"columns"`
	Groups  []Group  `json:"groups"`
	Rows    []Row    `json:"rows"`
	Seq     *int64   `json:"seq,omitempty"`
}

// Column is one compared record.
type Column struct {
	ID             string      `json:"id"`
	Titolo         string      `json:"titolo"`
	Administration ColumnOwner `json:"administration"`
	Version        int         `json:"version"`
	UpdatedAt      time.Time   `json:"updated_at"`
	ThreadID       string      `json:"thread_id,omitempty"`
	SeenVersion    *int        `json:"seen_version,omitempty"`
}

// ColumnOwner is the administration of a column's record.
type ColumnOwner struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Row is one field across the columns.
type Row struct {
	Field  string `json:"field"`
	Group  string `json:"group"`
	Label  string `json:"label"`
	Kind   string `json:"kind"`
	Hidden bool   `json:"hidden"`
	Differ bool   `json:"differ"`
	Cells  []Cell `json:"cells"`
}

// Cell is one field of one record.
type Cell struct {
	Value   json.RawMessage `json:"value"`
	Display string          `json:"display"`
	Scale   *float64        `json:"scale,omitempty"`
	Outlier bool            `json:"outlier,omitempty"`
	Changed bool            `json:"changed,omitempty"`
	Was     *string         `json:"was,omitempty"`
	// number is the value the exports write as a number (a field whose
	// value is a plain number); nil: the display text.
	number *float64
}

// Input is one column: the record's head, its current version prepared,
// and the version the viewer last saw (Seen nil: never seen, or no marks
// wanted).
type Input struct {
	Head experiences.Head
	Now  *Prepared
	Seen *Prepared
}

// View is how the viewer wants the rows: their order (nil: the default)
// and the rows they hide.
type View struct {
	Order  []string
	Hidden []string
}

// Build computes the comparison of cols in lang.
func Build(cols []Input, lang string, v View) Comparison {
	out := Comparison{Columns: make([]Column, len(cols)), Groups: make([]Group, len(groups)), Rows: make([]Row, 0, len(rows))}
	for i, c := range cols {
		col := Column{ID: c.Head.ID, Titolo: c.Head.Titolo, Version: c.Head.Version, UpdatedAt: c.Head.UpdatedAt, ThreadID: c.Head.ThreadID,
			Administration: ColumnOwner{ID: c.Head.Administration.ID, Name: c.Head.Administration.Name}}
		if c.Seen != nil {
			col.SeenVersion = ptr(c.Seen.Version)
		}
		out.Columns[i] = col
	}
	for i, g := range groups {
		out.Groups[i] = Group{Key: g.key, Label: g.label(lang)}
	}
	nums := make([]float64, 0, len(cols))
	for _, ri := range Order(v.Order) {
		r := rows[ri]
		row := Row{Field: r.Field, Group: r.Group, Label: r.label(lang), Kind: r.kind, Hidden: slices.Contains(v.Hidden, r.Field),
			Cells: make([]Cell, len(cols))}
		nums = nums[:0]
		for ci, c := range cols {
			now := &c.Now.values[ri]
			cell := Cell{Value: now.raw, Display: now.text(lang)}
			if now.num != nil && plainNumber(now.raw) {
				cell.number = now.num
			}
			if c.Seen != nil && c.Seen.Version != c.Now.Version {
				if was := &c.Seen.values[ri]; !rawEqual(was.raw, now.raw) {
					cell.Changed, cell.Was = true, ptr(was.text(lang))
				}
			}
			if ci > 0 && !rawEqual(now.raw, cols[0].Now.values[ri].raw) {
				row.Differ = true
			}
			if now.num != nil {
				nums = append(nums, *now.num)
			}
			row.Cells[ci] = cell
		}
		if len(nums) > 0 {
			markNumbers(row.Cells, cols, ri, nums)
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// markNumbers sets the scale of each numeric cell (its position between
// the row's least and greatest value, 1 when they are all equal) and marks
// the outliers: |x - median| > 2 * MAD, with at least 3 values.
func markNumbers(cells []Cell, cols []Input, ri int, nums []float64) {
	lo, hi := slices.Min(nums), slices.Max(nums)
	med, mad := math.NaN(), math.NaN()
	if len(nums) >= 3 {
		med = median(nums)
		dev := make([]float64, len(nums))
		for i, x := range nums {
			dev[i] = math.Abs(x - med)
		}
		mad = median(dev)
	}
	for ci, c := range cols {
		x := c.Now.values[ri].num
		if x == nil {
			continue
		}
		s := 1.0
		if hi > lo {
			s = (*x - lo) / (hi - lo)
		}
		cells[ci].Scale = ptr(s)
		cells[ci].Outlier = !math.IsNaN(med) && math.Abs(*x-med) > 2*mad
	}
}

// median of xs (not changed).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// plainNumber reports whether raw is a JSON number (not an object that
// holds one).
func plainNumber(raw json.RawMessage) bool {
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
}

// Fingerprint names everything a comparison is computed from: the
// language, the topic's seq, each column's record, version, seen version
// and thread, and the rows' order and hidden flags. Two comparisons with
// the same fingerprint are the same (a version never changes), so callers
// may cache what they derive from one (its encoded JSON) under it.
func (c *Comparison) Fingerprint(lang string) string {
	var b strings.Builder
	b.Grow(32 + 48*len(c.Columns) + 4*len(c.Rows))
	b.WriteString(lang)
	if c.Seq != nil {
		b.WriteString("|s")
		b.WriteString(strconv.FormatInt(*c.Seq, 10))
	}
	for _, col := range c.Columns {
		b.WriteByte('|')
		b.WriteString(col.ID)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(col.Version))
		if col.SeenVersion != nil {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(*col.SeenVersion))
		}
		b.WriteByte(':')
		b.WriteString(col.ThreadID)
	}
	b.WriteByte('|')
	for _, r := range c.Rows {
		i := rowIndex[r.Field]
		b.WriteByte(byte('0' + i/64))
		b.WriteByte(byte('0' + i%64))
		if r.Hidden {
			b.WriteByte('h')
		}
	}
	return b.String()
}
