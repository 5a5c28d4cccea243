package experiences

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/randid"
	"github.com/cantieri/tavolo/server/internal/store"
)

// A cell is one field of one record, as the comparison table shows it and
// the cell comments (package cellnotes) are anchored to it. Its key is the
// field's ("ambito"), a part of an object field ("penali.previste",
// "fattori_critici.sla_e_penali"), or sopra_soglia_ue (derived).

// Cells is a record's current version, cell by cell.
type Cells struct {
	ID                 string
	Version            int
	Status             string
	AdministrationID   string
	AdministrationName string
	Item               authz.Item // for authz.Check by the caller
	// Moderated: a moderator hid or deleted the record (see Readable).
	Moderated bool
	// Values are canonical JSON by cell key; a cell not given is absent.
	Values map[string]json.RawMessage
}

// cellKeys are every cell key, in form order (FieldLabels) with each
// object's parts after it.
var cellKeys = func() []string {
	var out []string
	for _, l := range FieldLabels {
		out = append(out, l.Field)
		switch l.Field {
		case "penali":
			out = append(out, "penali.previste", "penali.applicate_eur")
		case "customer_satisfaction":
			out = append(out, "customer_satisfaction.svolta", "customer_satisfaction.punteggio")
		case "fattori_critici":
			for _, v := range listFattoriCritici.Values() {
				out = append(out, "fattori_critici."+v)
			}
		case "importo_aggiudicato_eur":
			out = append(out, "sopra_soglia_ue")
		}
	}
	return out
}()

// CellKeys are every cell key, in form order.
func CellKeys() []string { return slices.Clone(cellKeys) }

// IsCellKey reports whether k names a cell of a record.
func IsCellKey(k string) bool { return slices.Contains(cellKeys, k) }

// cells reads d's cells.
func (d *recordDoc) cells() (Cells, error) {
	f, err := d.fields()
	if err != nil {
		return Cells{}, err
	}
	vals := flatten(&f, d.Documents)
	raw, err := json.Marshal(&f)
	if err != nil {
		return Cells{}, fmt.Errorf("experience %s: encode: %w", d.ID, err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return Cells{}, fmt.Errorf("experience %s: decode: %w", d.ID, err)
	}
	for k, v := range top { // the objects whole, beside their parts
		vals[k] = v
	}
	if der := Derive(&f, d.Administration.Category); der.SopraSogliaUE != nil {
		vals["sopra_soglia_ue"], _ = json.Marshal(*der.SopraSogliaUE)
	}
	for k := range vals {
		if !IsCellKey(k) {
			delete(vals, k)
		}
	}
	return Cells{ID: d.ID, Version: d.Version, Status: d.Status, AdministrationID: d.Administration.ID,
		AdministrationName: d.Administration.Name, Item: d.item(), Moderated: d.Moderated != nil, Values: vals}, nil
}

// Readable says whether sub may do a on the record's cells: a's rule, and
// a moderated record only for those who see it as it is.
func (c Cells) Readable(sub authz.Subject, a authz.Action) bool {
	return authz.Can(a, sub, c.Item) && (!c.Moderated || seesModerated(sub, c.Item))
}

// CellsFor is record id's cells as u may read them: not found (or
// forbidden) as Get.
func (s *Service) CellsFor(ctx context.Context, u *account.User, id string) (Cells, error) {
	d, err := s.loadFor(ctx, u, id, authz.ReadExperience)
	if err != nil {
		return Cells{}, err
	}
	return d.cells()
}

// CellsOf reads the cells of the records ids, in parallel, whoever may read
// them (the caller checks Item); ids that name no record are left out.
func (s *Service) CellsOf(ctx context.Context, ids []string) (map[string]Cells, error) {
	var valid []string
	for _, id := range ids {
		if randid.Valid(id) {
			valid = append(valid, id)
		}
	}
	out := make(map[string]Cells, len(valid))
	if len(valid) == 0 {
		return out, nil
	}
	docs, err := store.Load[recordDoc](ctx, s.heads, valid)
	if err != nil {
		return nil, err
	}
	for i := range docs {
		if docs[i].ID == "" {
			continue
		}
		c, err := docs[i].cells()
		if err != nil {
			return nil, err
		}
		out[c.ID] = c
	}
	return out, nil
}
