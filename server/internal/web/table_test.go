package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/compare"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/tables"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// publishedWith makes a published record of c's administration with
// expFields changed by edit.
func publishedWith(t *testing.T, c *webtest.Client, title string, edit map[string]any) experiences.Experience {
	t.Helper()
	f := expFields(title)
	for k, v := range edit {
		if v == nil {
			delete(f, k)
		} else {
			f[k] = v
		}
	}
	return publishExperience(t, c, newExperience(t, c, f))
}

func newTable(t *testing.T, c *webtest.Client, name string, ids ...string) tables.Table {
	t.Helper()
	var tb tables.Table
	c.Expect(201, "POST", "/api/v1/tables", map[string]any{"name": name, "description": "Per capire.", "experiences": ids}).JSON(t, &tb)
	return tb
}

// rowOf is the row of field in c.
func rowOf(t *testing.T, c compare.Comparison, field string) compare.Row {
	t.Helper()
	for _, r := range c.Rows {
		if r.Field == field {
			return r
		}
	}
	t.Fatalf("no row %q", field)
	return compare.Row{}
}

func countTables(t *testing.T, env *webtest.Env) int64 {
	t.Helper()
	n, err := env.Board.Store.R("tables").CountDocuments(t.Context(), map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTableCreateRefusals: a table of 1 or 13 columns, a repeated or
// unknown record, another administration's draft, forged fields and `$`
// operators are refused with the field named, and nothing is stored.
func TestTableCreateRefusals(t *testing.T) {
	env := webtest.Start(t, nil)
	alice, _ := env.NewUser(account.RoleParticipant)
	carol, _ := env.NewUser(account.RoleParticipant)
	a := publishedWith(t, alice, "Servizi ICT del comune", nil)
	b := publishedWith(t, alice, "Paghe del comune", map[string]any{"ambito": "paghe_personale"})
	draft := newExperience(t, carol, expFields("Bozza di Carol"))
	thirteen := make([]string, 13)
	for i := range thirteen {
		thirteen[i] = fmt.Sprintf("id%02d", i)
	}
	before := countTables(t, env)
	for _, tc := range []struct {
		name       string
		body       string
		wantField  string
		wantDetail string
	}{
		{"one column", fmt.Sprintf(`{"name":"T","experiences":[%q]}`, a.ID), "experiences", "too_few"},
		{"no columns", `{"name":"T","experiences":[]}`, "experiences", "too_few"},
		{"thirteen columns", fmt.Sprintf(`{"name":"T","experiences":["%s"]}`, strings.Join(thirteen, `","`)), "experiences", "too_many_items"},
		{"repeated", fmt.Sprintf(`{"name":"T","experiences":[%q,%q,%q]}`, a.ID, b.ID, a.ID), "experiences[2]", "repeated"},
		{"unknown", fmt.Sprintf(`{"name":"T","experiences":[%q,"AAAAAAAAAAAAAAAAAAAAAA"]}`, a.ID), "experiences[1]", "no_record"},
		{"another administration's draft", fmt.Sprintf(`{"name":"T","experiences":[%q,%q]}`, a.ID, draft.ID), "experiences[1]", "no_record"},
		{"no name", fmt.Sprintf(`{"name":"  ","experiences":[%q,%q]}`, a.ID, b.ID), "name", "required"},
		{"forged owner", fmt.Sprintf(`{"name":"T","experiences":[%q,%q],"owner":{"id":"x"}}`, a.ID, b.ID), "owner", "unknown"},
		{"forged version", fmt.Sprintf(`{"name":"T","experiences":[%q,%q],"version":7}`, a.ID, b.ID), "version", "unknown"},
		{"$ operator", fmt.Sprintf(`{"name":{"$ne":null},"experiences":[%q,%q]}`, a.ID, b.ID), "name", "type"},
		{"$ key", fmt.Sprintf(`{"name":"T","experiences":[%q,%q],"$set":{"owner":"x"}}`, a.ID, b.ID), "$set", "unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := alice.Raw().Do("POST", "/api/v1/tables", tc.body)
			var e expErr
			r.JSON(t, &e)
			var got string
			for _, d := range e.Error.Details {
				if d.Field == tc.wantField {
					got = d.Code
				}
			}
			if r.Status != 400 || got != tc.wantDetail {
				t.Errorf("got %d %s details %+v, want 400 with %s: %s", r.Status, e.Error.Code, e.Error.Details, tc.wantField, tc.wantDetail)
			}
		})
	}
	if n := countTables(t, env); n != before {
		t.Errorf("got %d tables after the refusals, want %d", n, before)
	}
	// Carol, whose draft it is, may compare it.
	newTable(t, carol, "Con la mia bozza", a.ID, draft.ID)
}

// TestTableLifecycle: create (with its room), list, read, edits by whom
// and on which version, the shared row order, a viewer's own rows.
func TestTableLifecycle(t *testing.T) {
	env := webtest.Start(t, nil)
	alice, au := env.NewUser(account.RoleParticipant)
	bob, _ := env.NewUserIn(au.AdministrationID, account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	a := publishedWith(t, alice, "Servizi ICT del comune", nil)
	b := publishedWith(t, alice, "Paghe del comune", map[string]any{"ambito": "paghe_personale"})
	c := publishedWith(t, alice, "Tributi del comune", map[string]any{"ambito": "tributi_riscossione"})

	first := newTable(t, alice, "Primo tavolo", a.ID, b.ID)
	tb := newTable(t, alice, "Servizi a confronto", a.ID, b.ID, c.ID)
	if tb.Version != 1 || tb.RoomID == "" || !tb.CanEdit || tb.Owner.Name == "" || len(tb.ID) < 22 ||
		fmt.Sprint(tb.Experiences) != fmt.Sprint([]string{a.ID, b.ID, c.ID}) {
		t.Fatalf("created %+v", tb)
	}
	var room struct {
		Name, Kind string
		TableID    string `json:"table_id"`
	}
	bob.Expect(200, "GET", "/api/v1/rooms/"+tb.RoomID, nil).JSON(t, &room)
	if room.Name != tb.Name || room.Kind != "table" || room.TableID != tb.ID {
		t.Errorf("room %+v, want the table's", room)
	}
	var list tables.List
	bob.Expect(200, "GET", "/api/v1/tables", nil).JSON(t, &list)
	if len(list.Items) != 2 || list.Items[0].ID != tb.ID || list.Items[1].ID != first.ID || list.Items[0].CanEdit {
		t.Fatalf("list %+v, want the newest first, not editable by bob", list.Items)
	}

	path := "/api/v1/tables/" + tb.ID
	for _, tc := range []struct {
		name   string
		by     *webtest.Client
		body   map[string]any
		status int
		code   string
	}{
		{"another participant", bob, map[string]any{"base_version": 1, "name": "Di Bob"}, 403, "table_forbidden"},
		{"unknown row", alice, map[string]any{"base_version": 1, "row_order": []string{"importo_base_eur", "colore"}}, 400, "validation_failed"},
		{"the owner", alice, map[string]any{"base_version": 1, "row_order": []string{"importo_aggiudicato_eur", "procedura"}}, 200, ""},
		{"a stale version", alice, map[string]any{"base_version": 1, "name": "Vecchio"}, 409, "table_version_conflict"},
		{"a moderator", mod, map[string]any{"base_version": 2, "name": "Rinominato", "experiences": []string{c.ID, a.ID}}, 200, ""},
		{"one column", alice, map[string]any{"base_version": 3, "experiences": []string{c.ID}}, 400, "validation_failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.by.Raw().Do("PATCH", path, tc.body)
			if r.Status != tc.status || tc.code != "" && r.ErrorCode() != tc.code {
				t.Errorf("got %d %s, want %d %s", r.Status, r.ErrorCode(), tc.status, tc.code)
			}
		})
	}
	var got tables.Table
	bob.Expect(200, "GET", path, nil).JSON(t, &got)
	if got.Version != 3 || got.Name != "Rinominato" || fmt.Sprint(got.Experiences) != fmt.Sprint([]string{c.ID, a.ID}) ||
		fmt.Sprint(got.RowOrder) != "[importo_aggiudicato_eur procedura]" {
		t.Fatalf("after the edits %+v", got)
	}

	// The shared order, then Bob's own order and hidden rows.
	var cmp compare.Comparison
	cmp = savedComparison(t, bob, path)
	if cmp.Rows[0].Field != "importo_aggiudicato_eur" || cmp.Rows[1].Field != "procedura" || len(cmp.Rows) != len(compare.Fields()) {
		t.Fatalf("rows start %s, %s (%d rows), want the shared order first", cmp.Rows[0].Field, cmp.Rows[1].Field, len(cmp.Rows))
	}
	bob.Raw().Expect(400, "PUT", path+"/prefs", map[string]any{"order": []string{"$where"}, "hidden": []string{}})
	bob.Expect(200, "PUT", path+"/prefs", tables.RowPrefs{Order: []string{"cig", "titolo"}, Hidden: []string{"lezioni_apprese"}})
	var p tables.RowPrefs
	bob.Expect(200, "GET", path+"/prefs", nil).JSON(t, &p)
	if fmt.Sprint(p) != "{[cig titolo] [lezioni_apprese]}" {
		t.Fatalf("prefs %v", p)
	}
	cmp = savedComparison(t, bob, path)
	if cmp.Rows[0].Field != "cig" || cmp.Rows[1].Field != "titolo" || !rowOf(t, cmp, "lezioni_apprese").Hidden || rowOf(t, cmp, "cig").Hidden {
		t.Fatalf("bob's rows start %s, %s", cmp.Rows[0].Field, cmp.Rows[1].Field)
	}
	cmp = savedComparison(t, alice, path)
	if cmp.Rows[0].Field != "importo_aggiudicato_eur" || rowOf(t, cmp, "lezioni_apprese").Hidden {
		t.Fatalf("alice's rows start %s: bob's prefs leaked", cmp.Rows[0].Field)
	}
	env.Client().Expect(401, "GET", path+"/comparison", nil)
	bob.Expect(404, "GET", "/api/v1/tables/AAAAAAAAAAAAAAAAAAAAAA", nil)
}

// savedComparison is the saved table's (at path) comparison as c's viewer
// sees it: the shared part with their marks applied, as the client does.
func savedComparison(t *testing.T, c *webtest.Client, path string) compare.Comparison {
	t.Helper()
	var got struct {
		compare.Comparison
		Marks *compare.Marks `json:"marks"`
	}
	c.Expect(200, "GET", path+"/comparison", nil).JSON(t, &got)
	if got.Marks == nil {
		t.Fatalf("GET %s/comparison: no marks", path)
	}
	return compare.Apply(got.Comparison, *got.Marks)
}

// TestTableChangedSinceSeen: after Alice marks the table seen and Bob
// edits a compared record, Alice's comparison marks exactly the cells that
// changed, with what she saw; Carol, who never looked, sees no marks.
func TestTableChangedSinceSeen(t *testing.T) {
	env := webtest.Start(t, nil)
	alice, au := env.NewUser(account.RoleParticipant)
	bob, _ := env.NewUserIn(au.AdministrationID, account.RoleParticipant)
	carol, _ := env.NewUser(account.RoleParticipant)
	a := publishedWith(t, alice, "Servizi ICT del comune", nil)
	b := publishedWith(t, alice, "Paghe del comune", map[string]any{"ambito": "paghe_personale"})
	tb := newTable(t, alice, "Servizi", a.ID, b.ID)
	path := "/api/v1/tables/" + tb.ID

	alice.Expect(204, "POST", path+"/seen", nil)
	f := expFields("Servizi ICT del comune")
	f["procedura"], f["importo_aggiudicato_eur"] = "ristretta", 200000
	bob.Expect(200, "PUT", "/api/v1/experiences/"+a.ID, map[string]any{"base_version": a.Version, "fields": f})

	var cmp compare.Comparison
	cmp = savedComparison(t, alice, path)
	if cmp.Columns[0].SeenVersion == nil || *cmp.Columns[0].SeenVersion != a.Version || cmp.Columns[0].Version != a.Version+1 {
		t.Fatalf("column %+v, want seen v%d now v%d", cmp.Columns[0], a.Version, a.Version+1)
	}
	changed := map[string]string{}
	for _, r := range cmp.Rows {
		for i, c := range r.Cells {
			if c.Changed {
				changed[fmt.Sprint(i, r.Field)] = *c.Was + " -> " + c.Display
			}
		}
	}
	want := map[string]string{"0procedura": "Procedura aperta -> Procedura ristretta", "0importo_aggiudicato_eur": "231.450,50 € -> 200.000,00 €"}
	if fmt.Sprint(changed) != fmt.Sprint(want) {
		t.Errorf("alice's changed cells %v, want %v", changed, want)
	}
	cmp = compare.Comparison{} // decoding into the old one would keep its marks
	cmp = savedComparison(t, carol, path)
	for _, r := range cmp.Rows {
		for _, c := range r.Cells {
			if c.Changed || c.Was != nil {
				t.Errorf("carol never looked, but %s is marked changed", r.Field)
			}
		}
	}
	// Seen again: nothing is marked any more, after a reload or elsewhere.
	alice.Expect(204, "POST", path+"/seen", nil)
	other := env.Client()
	other.LoginAs(au)
	cmp = compare.Comparison{}
	cmp = savedComparison(t, other, path)
	if r := rowOf(t, cmp, "procedura"); r.Cells[0].Changed {
		t.Errorf("procedura still changed after seen")
	}
}

// TestCompareAdHoc: the displays, the rows that differ, the scale and the
// outliers, checked against a simple model; the column limits; a record
// the user may not read.
func TestCompareAdHoc(t *testing.T) {
	env := webtest.Start(t, nil)
	alice, _ := env.NewUser(account.RoleParticipant)
	carol, _ := env.NewUser(account.RoleParticipant)
	amounts := []float64{100000, 110000, 120000, 1000000}
	var ids []string
	for i, x := range amounts {
		e := publishedWith(t, alice, fmt.Sprintf("Servizio %d", i), map[string]any{"importo_base_eur": x, "importo_aggiudicato_eur": x,
			"clausola_sociale": i%2 == 0, "obiettivi": []string{"riduzione_costi", "innovazione"}, "delta_costo_pct": -12.5})
		ids = append(ids, e.ID)
	}
	var cmp compare.Comparison
	alice.Expect(200, "GET", "/api/v1/compare?ids="+strings.Join(ids, ","), nil).JSON(t, &cmp)
	if len(cmp.Columns) != 4 || cmp.Columns[3].ID != ids[3] || cmp.Seq != nil || len(cmp.Groups) != 10 {
		t.Fatalf("columns %d groups %d", len(cmp.Columns), len(cmp.Groups))
	}
	// The model: median 115,000, MAD 10,000: only 1,000,000 is further than 20,000.
	lo, hi := slices.Min(amounts), slices.Max(amounts)
	r := rowOf(t, cmp, "importo_aggiudicato_eur")
	for i, c := range r.Cells {
		want := (amounts[i] - lo) / (hi - lo)
		if c.Scale == nil || *c.Scale != want || c.Outlier != (i == 3) {
			t.Errorf("cell %d: scale %v outlier %v, want %v %v", i, c.Scale, c.Outlier, want, i == 3)
		}
	}
	for _, tc := range []struct {
		field, display string
		differ         bool
		kind           string
	}{
		{"importo_aggiudicato_eur", "100.000,00 €", true, "money"},
		{"data_affidamento", "20/05/2025", false, "date"},
		{"ambito", "Servizi ICT", false, "list"},
		{"obiettivi", "Riduzione dei costi, Innovazione", false, "list"},
		{"clausola_sociale", "sì", true, "bool"},
		{"delta_costo_pct", "-12,5 %", false, "number"},
		{"sopra_soglia_ue", "no", true, "bool"},
		{"fattori_critici", "SLA e penali: 4", false, "list"},
		{"cpv", "", false, "text"},
	} {
		r := rowOf(t, cmp, tc.field)
		if r.Cells[0].Display != tc.display || r.Differ != tc.differ || r.Kind != tc.kind {
			t.Errorf("%s: got %q differ %v kind %s, want %q %v %s", tc.field, r.Cells[0].Display, r.Differ, r.Kind, tc.display, tc.differ, tc.kind)
		}
	}
	alice.Expect(200, "PATCH", "/api/v1/me", map[string]any{"lang": "en"})
	cmp = compare.Comparison{}
	alice.Expect(200, "GET", "/api/v1/compare?ids="+strings.Join(ids[:2], ","), nil).JSON(t, &cmp)
	if r := rowOf(t, cmp, "ambito"); r.Label != "Service area" || r.Cells[0].Display != "ICT services" || cmp.Groups[0].Label != "Identity" {
		t.Errorf("in English: %s %q %s", r.Label, r.Cells[0].Display, cmp.Groups[0].Label)
	}

	draft := newExperience(t, carol, expFields("Bozza di Carol"))
	thirteen := slices.Repeat([]string{ids[0]}, 13)
	for _, tc := range []struct {
		name   string
		by     *webtest.Client
		ids    []string
		status int
	}{
		{"one", alice, ids[:1], 400},
		{"none", alice, nil, 400},
		{"thirteen", alice, thirteen, 400},
		{"repeated", alice, []string{ids[0], ids[1], ids[0]}, 400},
		{"another administration's draft", alice, []string{ids[0], draft.ID}, 404},
		{"one's own draft", carol, []string{ids[0], draft.ID}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := tc.by.Do("GET", "/api/v1/compare?ids="+strings.Join(tc.ids, ","), nil); r.Status != tc.status {
				t.Errorf("got %d, want %d (%s)", r.Status, tc.status, r.Body)
			}
		})
	}
}

// TestTableHidesUnreadableColumns: a moderator may put another
// administration's draft in a table; those who may not read it see
// neither its id nor its column, its administration sees both.
func TestTableHidesUnreadableColumns(t *testing.T) {
	env := webtest.Start(t, nil)
	alice, _ := env.NewUser(account.RoleParticipant)
	carol, _ := env.NewUser(account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	a := publishedWith(t, alice, "Servizi ICT del comune", nil)
	b := publishedWith(t, alice, "Paghe del comune", map[string]any{"ambito": "paghe_personale"})
	draft := newExperience(t, carol, expFields("Bozza di Carol"))
	tb := newTable(t, mod, "Con una bozza", a.ID, draft.ID, b.ID)
	for _, tc := range []struct {
		name string
		by   *webtest.Client
		want []string
	}{
		{"a participant of another administration", alice, []string{a.ID, b.ID}},
		{"the draft's administration", carol, []string{a.ID, draft.ID, b.ID}},
		{"a moderator", mod, []string{a.ID, draft.ID, b.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got tables.Table
			tc.by.Expect(200, "GET", "/api/v1/tables/"+tb.ID, nil).JSON(t, &got)
			var cmp compare.Comparison
			cmp = savedComparison(t, tc.by, "/api/v1/tables/"+tb.ID)
			var cols []string
			for _, c := range cmp.Columns {
				cols = append(cols, c.ID)
			}
			if fmt.Sprint(got.Experiences) != fmt.Sprint(tc.want) || fmt.Sprint(cols) != fmt.Sprint(tc.want) {
				t.Errorf("got table %v, columns %v, want %v", got.Experiences, cols, tc.want)
			}
		})
	}
}

// The comparison tables' routes in the JSON body tables (json_body_test.go)
// and in the GET table (query_test.go), before its catch-alls.
func init() {
	jsonBodyRoutes = append(jsonBodyRoutes, []struct{ method, path, body, field string }{
		{"POST", "/api/v1/tables", `{"name":"%s","experiences":[]}`, "name"},
		{"PATCH", "/api/v1/tables/:id", `{"base_version":1,"name":"%s"}`, "name"},
		{"PUT", "/api/v1/tables/:id/prefs", `{"order":["%s"],"hidden":[]}`, "order[0]"},
	}...)
	bodylessRoutes = append(bodylessRoutes, "POST /api/v1/tables/:id/seen")
	n := len(getRoutes) - 2
	getRoutes = append(getRoutes[:n:n], append([]getRoute{
		{"/api/v1/compare", []string{"ids"}},
		{"/api/v1/compare/export", []string{"ids", "format"}},
		{"/api/v1/tables", nil},
		{"/api/v1/tables/:id", nil},
		{"/api/v1/tables/:id/prefs", nil},
		{"/api/v1/tables/:id/comparison", nil},
		{"/api/v1/tables/:id/export", []string{"format"}},
	}, getRoutes[n:]...)...)
}

// TestTableModeratorEditIsAudited: a moderator renaming another's table is
// in the audit log with the name before and after; the owner's own change
// is not moderation and is not logged.
func TestTableModeratorEditIsAudited(t *testing.T) {
	env := webtest.Start(t, nil)
	alice, _ := env.NewUser(account.RoleParticipant)
	mod, modU := env.NewUser(account.RoleModerator)
	a := publishedWith(t, alice, "Mense scolastiche", nil)
	b := publishedWith(t, alice, "Mense aziendali", nil)
	tb := newTable(t, alice, "Mense", a.ID, b.ID)
	alice.Expect(200, "PATCH", "/api/v1/tables/"+tb.ID, map[string]any{"base_version": tb.Version, "name": "Mense a confronto"})
	mod.Expect(200, "PATCH", "/api/v1/tables/"+tb.ID, map[string]any{"base_version": tb.Version + 1, "name": "Mense: servizi a confronto"})
	// A refused change (stale version) logs nothing.
	mod.Expect(409, "PATCH", "/api/v1/tables/"+tb.ID, map[string]any{"base_version": tb.Version, "name": "Altro"})

	var log auditPage
	mod.Expect(200, "GET", "/api/v1/admin/audit?action=table.edit", nil).JSON(t, &log)
	if len(log.Items) != 1 {
		t.Fatalf("table.edit entries: got %d (%s), want 1", len(log.Items), log.actions())
	}
	e := log.Items[0]
	if e.Actor.ID != modU.ID || e.Target.Kind != "table" || e.Target.ID != tb.ID ||
		e.Before["name"] != "Mense a confronto" || e.After["name"] != "Mense: servizi a confronto" {
		t.Errorf("entry: got %+v, want the moderator renaming the table from the owner's name", e)
	}
}

// TestTableComparisonNotStale: the shared part of a saved table's
// comparison is kept encoded, yet the next GET after each change shows it:
// an edit of a compared record, a column added and one removed, a new cell
// comment (in the cell's count beside the comparison) and the viewer's own
// prefs. Each answer is checked both gzipped (a member joined from the kept
// part) and plain.
func TestTableComparisonNotStale(t *testing.T) {
	env := webtest.Start(t, nil)
	alice, _ := env.NewUser(account.RoleParticipant)
	bob, _ := env.NewUser(account.RoleParticipant)
	a := publishedWith(t, alice, "Servizi ICT del comune", nil)
	b := publishedWith(t, alice, "Paghe del comune", map[string]any{"ambito": "paghe_personale"})
	c := publishedWith(t, alice, "Pulizie del comune", map[string]any{"ambito": "pulizie"})
	tb := newTable(t, alice, "Servizi", a.ID, b.ID)
	path := "/api/v1/tables/" + tb.ID
	bob.Expect(204, "POST", path+"/seen", nil)

	// both is the comparison as who sees it, gzipped and plain (the two
	// must agree).
	both := func(who *webtest.Client, step string) compare.Comparison {
		t.Helper()
		var out [2]compare.Comparison
		for i, enc := range []string{"gzip", ""} {
			req, _ := http.NewRequest("GET", env.Base+path+"/comparison", nil)
			if enc != "" {
				req.Header.Set("Accept-Encoding", enc)
			} else {
				req.Header.Set("Accept-Encoding", "identity")
			}
			r := who.Send(req)
			body := r.Body
			if enc == "gzip" {
				if r.Header.Get("Content-Encoding") != "gzip" {
					t.Fatalf("%s: coding %q, want gzip", step, r.Header.Get("Content-Encoding"))
				}
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				zr.Multistream(false) // one member, as browsers read it
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatalf("%s: gunzip: %v", step, err)
				}
			}
			var got struct {
				compare.Comparison
				Marks *compare.Marks `json:"marks"`
			}
			if r.Status != 200 || json.Unmarshal(body, &got) != nil || got.Marks == nil {
				t.Fatalf("%s (%q): %d %.200s", step, enc, r.Status, body)
			}
			out[i] = compare.Apply(got.Comparison, *got.Marks)
		}
		g, _ := json.Marshal(out[0])
		p, _ := json.Marshal(out[1])
		if !bytes.Equal(g, p) {
			t.Fatalf("%s: gzipped and plain answers differ", step)
		}
		return out[0]
	}
	columns := func(cmp compare.Comparison) string {
		var ids []string
		for _, col := range cmp.Columns {
			ids = append(ids, col.ID)
		}
		return strings.Join(ids, ",")
	}
	cmp := both(bob, "first")
	if columns(cmp) != a.ID+","+b.ID || rowOf(t, cmp, "procedura").Cells[0].Display != "Procedura aperta" {
		t.Fatalf("first: columns %s, procedura %q", columns(cmp), rowOf(t, cmp, "procedura").Cells[0].Display)
	}

	f := expFields("Servizi ICT del comune")
	f["procedura"] = "ristretta"
	alice.Expect(200, "PUT", "/api/v1/experiences/"+a.ID, map[string]any{"base_version": a.Version, "fields": f})
	cmp = both(bob, "a record edited")
	if cell := rowOf(t, cmp, "procedura").Cells[0]; cell.Display != "Procedura ristretta" || !cell.Changed || cell.Was == nil || *cell.Was != "Procedura aperta" {
		t.Errorf("after the edit: procedura %+v, want ristretta, changed from aperta", cell)
	}

	alice.Expect(200, "PATCH", path, map[string]any{"base_version": tb.Version, "experiences": []string{a.ID, b.ID, c.ID}})
	if cmp = both(bob, "a column added"); columns(cmp) != a.ID+","+b.ID+","+c.ID || rowOf(t, cmp, "ambito").Cells[2].Display != "Pulizie" {
		t.Errorf("after adding a column: columns %s", columns(cmp))
	}
	alice.Expect(200, "PATCH", path, map[string]any{"base_version": tb.Version + 1, "experiences": []string{a.ID, c.ID}})
	if cmp = both(bob, "a column removed"); columns(cmp) != a.ID+","+c.ID {
		t.Errorf("after removing a column: columns %s", columns(cmp))
	}

	alice.Expect(201, "POST", commentsPath(c.ID), map[string]any{"field": "ambito", "body": "Perché pulizie?"})
	if n := commentCounts(t, bob, a.ID, c.ID)[c.ID]["ambito"]; n != 1 {
		t.Errorf("after a comment: count %d, want 1", n)
	}
	both(bob, "a comment") // still whole

	bob.Expect(200, "PUT", path+"/prefs", tables.RowPrefs{Order: []string{"procedura"}, Hidden: []string{"titolo"}})
	if cmp = both(bob, "bob's prefs"); cmp.Rows[0].Field != "procedura" || !rowOf(t, cmp, "titolo").Hidden {
		t.Errorf("after bob's prefs: first row %s, titolo hidden %v", cmp.Rows[0].Field, rowOf(t, cmp, "titolo").Hidden)
	}
	bob.Expect(204, "POST", path+"/seen", nil)
	if cell := both(bob, "seen").Rows[0].Cells[0]; cell.Changed {
		t.Errorf("after seen: procedura still marked changed")
	}

	// Carol never looked (no viewer document, which is remembered): her
	// first prefs and her first "seen" show at her next GET.
	carol, _ := env.NewUser(account.RoleParticipant)
	if cmp = both(carol, "carol's first look"); cmp.Rows[0].Field != "titolo" || cmp.Columns[0].SeenVersion != nil {
		t.Errorf("carol's first look: first row %s, seen %v", cmp.Rows[0].Field, cmp.Columns[0].SeenVersion)
	}
	carol.Expect(200, "PUT", path+"/prefs", tables.RowPrefs{Order: []string{"cig"}, Hidden: []string{}})
	if cmp = both(carol, "carol's prefs"); cmp.Rows[0].Field != "cig" {
		t.Errorf("after carol's prefs: first row %s, want cig", cmp.Rows[0].Field)
	}
	dave, _ := env.NewUser(account.RoleParticipant)
	both(dave, "dave's first look")
	dave.Expect(204, "POST", path+"/seen", nil)
	var e experiences.Experience
	alice.Expect(200, "GET", "/api/v1/experiences/"+a.ID, nil).JSON(t, &e)
	f["procedura"] = "mepa"
	alice.Expect(200, "PUT", "/api/v1/experiences/"+a.ID, map[string]any{"base_version": e.Version, "fields": f})
	if cell := rowOf(t, both(dave, "dave's marks"), "procedura").Cells[0]; !cell.Changed || cell.Was == nil || *cell.Was != "Procedura ristretta" {
		t.Errorf("dave's marks after his first seen and an edit: %+v", cell)
	}
}
