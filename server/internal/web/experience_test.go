package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// expFields is a record every rule accepts, as a client sends it.
func expFields(title string) map[string]any {
	return map[string]any{
		"titolo": title, "ambito": "servizi_ict", "tipo_attivita": "strumentale", "grado": "parziale",
		"data_decisione": "2025-02-10", "data_affidamento": "2025-05-20", "data_avvio": "2025-07-01", "data_fine_contratto": "2028-06-30",
		"esito": "in_esecuzione", "modello": "appalto_servizi", "tipo_contratto": "servizi", "normativa": "dlgs_36_2023",
		"procedura": "aperta", "criterio": "oepv", "importo_base_eur": 250000, "importo_aggiudicato_eur": 231450.5,
		"cig": "B0A1C2D3E4", "indicatori": []map[string]any{{"nome": "Disponibilità", "unita": "%", "soglia": 99.5}},
		"fattori_critici": map[string]int{"sla_e_penali": 4}, "lezioni_apprese": "Serve un **ufficio** di controllo. <script>alert(1)</script>",
	}
}

type expErr struct {
	Error struct {
		Code    string            `json:"code"`
		Fields  map[string]string `json:"fields"`
		Details []struct {
			Field, Code, Message string
		} `json:"details"`
	} `json:"error"`
	Conflict *experiences.ConflictError `json:"conflict"`
}

func newExperience(t *testing.T, c *webtest.Client, fields map[string]any) experiences.Experience {
	t.Helper()
	var e experiences.Experience
	c.Expect(201, "POST", "/api/v1/experiences", map[string]any{"fields": fields}).JSON(t, &e)
	return e
}

func publishExperience(t *testing.T, c *webtest.Client, e experiences.Experience) experiences.Experience {
	t.Helper()
	var p experiences.Experience
	c.Expect(200, "POST", "/api/v1/experiences/"+e.ID+"/publish", map[string]any{"base_version": e.Version}).JSON(t, &p)
	return p
}

// TestExperienceLifecycle: create, publish (thread), edit, a stale save
// refused with what changed, history and diff, documents and who reads them.
func TestExperienceLifecycle(t *testing.T) {
	env := webtest.Start(t, nil)
	alice, au := env.NewUser(account.RoleParticipant)
	bob, _ := env.NewUserIn(au.AdministrationID, account.RoleParticipant)
	stranger, _ := env.NewUser(account.RoleParticipant)

	e := newExperience(t, alice, expFields("Gestione dei sistemi informativi"))
	if e.Status != "draft" || e.Version != 1 || e.SopraSogliaUE == nil || !*e.SopraSogliaUE || e.SogliaUEEur.String() != "221000.00" {
		t.Fatalf("created: status %s v%d sopra soglia %v (%v), want draft v1 above 221000", e.Status, e.Version, e.SopraSogliaUE, e.SogliaUEEur)
	}
	if strings.Contains(e.LezioniAppreseHTML, "<script") || !strings.Contains(e.LezioniAppreseHTML, "<strong>ufficio</strong>") {
		t.Fatalf("lessons rendered as %q", e.LezioniAppreseHTML)
	}
	if !e.CanEdit || len(e.ID) < 22 {
		t.Fatalf("can_edit %v id %q", e.CanEdit, e.ID)
	}
	// A draft is its administration's: others do not see it.
	stranger.Expect(404, "GET", "/api/v1/experiences/"+e.ID, nil)

	p := publishExperience(t, alice, e)
	if p.Status != "published" || p.Version != 2 || p.ThreadID == "" || p.PublishedAt == nil {
		t.Fatalf("published: %s v%d thread %q", p.Status, p.Version, p.ThreadID)
	}
	var th struct {
		Thread struct {
			CategoryID string `json:"category_id"`
		} `json:"thread"`
	}
	stranger.Expect(200, "GET", "/api/v1/threads/"+p.ThreadID, nil).JSON(t, &th)
	if th.Thread.CategoryID != "tavolo-confronto" {
		t.Fatalf("thread in %q, want tavolo-confronto", th.Thread.CategoryID)
	}
	alice.Expect(409, "POST", "/api/v1/experiences/"+e.ID+"/publish", map[string]any{"base_version": 2})

	// Bob edits from version 2; Alice, still on version 2, saves after him.
	f := expFields("Gestione dei sistemi informativi")
	f["procedura"], f["importo_aggiudicato_eur"] = "ristretta", 240000
	var u experiences.Experience
	bob.Expect(200, "PUT", "/api/v1/experiences/"+e.ID, map[string]any{"base_version": 2, "fields": f}).JSON(t, &u)
	if u.Status != "updated" || u.Version != 3 {
		t.Fatalf("after the edit: %s v%d, want updated v3", u.Status, u.Version)
	}
	g := expFields("Titolo di Alice")
	r := alice.Expect(409, "PUT", "/api/v1/experiences/"+e.ID, map[string]any{"base_version": 2, "fields": g})
	var ce expErr
	r.JSON(t, &ce)
	got := map[string]string{}
	for _, c := range ce.Conflict.Changes {
		got[c.Field] = string(c.From) + "->" + string(c.To)
	}
	want := map[string]string{"procedura": `"aperta"->"ristretta"`, "importo_aggiudicato_eur": "231450.50->240000.00"}
	if ce.Error.Code != "experience_version_conflict" || ce.Conflict.CurrentVersion != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("conflict %s v%d %v, want v3 %v", ce.Error.Code, ce.Conflict.CurrentVersion, got, want)
	}
	var now experiences.Experience
	alice.Expect(200, "GET", "/api/v1/experiences/"+e.ID, nil).JSON(t, &now)
	if now.Version != 3 || now.Fields.Titolo != "Gestione dei sistemi informativi" {
		t.Fatalf("the refused save wrote: v%d %q", now.Version, now.Fields.Titolo)
	}
	// The merge: Alice saves on version 3.
	g["procedura"], g["importo_aggiudicato_eur"] = "ristretta", 240000
	alice.Expect(200, "PUT", "/api/v1/experiences/"+e.ID, map[string]any{"base_version": 3, "fields": g})

	var h experiences.History
	stranger.Expect(200, "GET", "/api/v1/experiences/"+e.ID+"/history", nil).JSON(t, &h)
	if len(h.Versions) != 4 || h.Versions[0].Version != 4 || fmt.Sprint(h.Versions[0].Changed) != "[titolo]" || fmt.Sprint(h.Versions[2].Changed) != "[status]" {
		t.Fatalf("history %+v", h)
	}
	var d experiences.Diff
	stranger.Expect(200, "GET", "/api/v1/experiences/"+e.ID+"/diff?from=2&to=4", nil).JSON(t, &d)
	if len(d.Changes) != 3 || d.Changes[2].Field != "titolo" || d.Changes[2].Version != 4 || d.Changes[0].Field != "importo_aggiudicato_eur" || d.Changes[0].Version != 3 {
		t.Fatalf("diff %+v", d)
	}
	stranger.Expect(400, "GET", "/api/v1/experiences/"+e.ID+"/diff?from=4&to=2", nil)
	stranger.Expect(400, "GET", "/api/v1/experiences/"+e.ID+"/diff?to=99", nil)

	// Documents: one's own upload, with a type; read as the record is.
	file := uploadPDF(t, alice, "capitolato.pdf")
	stranger.Expect(404, "GET", attachment.URLPrefix+file, nil) // not attached yet: the owner's alone
	r = alice.Raw().Do("POST", "/api/v1/experiences/"+e.ID+"/documents", map[string]any{"base_version": 4, "file_id": file, "tipo": "fattura"})
	if r.Status != 400 || r.Fields()["tipo"] == "" {
		t.Fatalf("unknown type: %d %s", r.Status, r.Body)
	}
	r = bob.Do("POST", "/api/v1/experiences/"+e.ID+"/documents", map[string]any{"base_version": 4, "file_id": file, "tipo": "capitolato"})
	if r.Status != 400 || r.Fields()["file_id"] == "" {
		t.Fatalf("someone else's file: %d %s", r.Status, r.Body)
	}
	var withDoc experiences.Experience
	alice.Expect(200, "POST", "/api/v1/experiences/"+e.ID+"/documents", map[string]any{"base_version": 4, "file_id": file, "tipo": "capitolato"}).JSON(t, &withDoc)
	if withDoc.Version != 5 || len(withDoc.Atti) != 1 || withDoc.Atti[0].Tipo != "capitolato" || withDoc.Atti[0].Name != "capitolato.pdf" {
		t.Fatalf("documents %+v v%d", withDoc.Atti, withDoc.Version)
	}
	stranger.Expect(200, "GET", withDoc.Atti[0].URL, nil)
	env.Client().Expect(401, "GET", withDoc.Atti[0].URL, nil)

	// A draft's documents are read by its administration only.
	draft := newExperience(t, alice, expFields("Bozza riservata"))
	secret := uploadPDF(t, alice, "determina.pdf")
	alice.Expect(200, "POST", "/api/v1/experiences/"+draft.ID+"/documents", map[string]any{"base_version": 1, "file_id": secret, "tipo": "determina_a_contrarre"})
	bob.Expect(200, "GET", attachment.URLPrefix+secret, nil)
	stranger.Expect(404, "GET", attachment.URLPrefix+secret, nil)
}

// TestExperienceBadInput: each is refused with a field code, and nothing
// is stored.
func TestExperienceBadInput(t *testing.T) {
	env := webtest.Start(t, nil)
	alice, _ := env.NewUser(account.RoleParticipant)
	stranger, _ := env.NewUser(account.RoleParticipant)
	e := newExperience(t, alice, expFields("Caso base"))
	publishExperience(t, alice, e)

	with := func(k string, v any) map[string]any {
		f := expFields("Caso")
		f[k] = v
		return map[string]any{"fields": f}
	}
	cases := []struct {
		name   string
		body   any
		status int
		field  string // the field the error names, with its code
		code   string
	}{
		{"closed list", with("ambito", "giardinaggio"), 400, "ambito", "oneof"},
		{"closed list, label instead of value", with("modello", "Appalto di servizi"), 400, "modello", "oneof"},
		{"negative amount", with("importo_base_eur", -10), 400, "importo_base_eur", "negative"},
		{"absurd amount", with("importo_base_eur", 1e15), 400, "importo_base_eur", "type"},
		{"three decimals", with("importo_base_eur", 10.005), 400, "importo_base_eur", "type"},
		{"amount as text", with("importo_base_eur", "100"), 400, "importo_base_eur", "type"},
		{"absurd date", with("data_avvio", "9999-01-01"), 400, "data_avvio", "date_range"},
		{"not a date", with("data_avvio", "1/7/2025"), 400, "data_avvio", "date"},
		{"end before start", with("data_fine_contratto", "2025-06-30"), 400, "data_fine_contratto", "end_before_start"},
		{"awarded above base", with("importo_aggiudicato_eur", 250000.01), 400, "importo_aggiudicato_eur", "awarded_above_base"},
		{"malformed CIG", with("cig", "12345"), 400, "cig", "cig"},
		{"CIG with lowercase is normalised", with("cig", "b0a1c2d3e4"), 201, "", ""},
		{"critical factor 7", with("fattori_critici", map[string]int{"sla_e_penali": 7}), 400, "fattori_critici.sla_e_penali", "range"},
		{"$ operator as a value", with("ambito", map[string]any{"$ne": nil}), 400, "ambito", "type"},
		{"$ operator as a key", map[string]any{"fields": map[string]any{"titolo": "Caso", "$where": "1"}}, 400, "$where", "unknown"},
		{"forged derived field", with("sopra_soglia_ue", false), 400, "sopra_soglia_ue", "unknown"},
		{"forged owner", map[string]any{"fields": expFields("Caso"), "amministrazione": map[string]string{"id": "x"}}, 400, "amministrazione", "unknown"},
		{"forged version", map[string]any{"fields": expFields("Caso"), "version": 9}, 400, "version", "unknown"},
		{"no title", map[string]any{"fields": map[string]any{"ambito": "pulizie"}}, 400, "titolo", "required"},
		{"not an object", []byte(`["fields"]`), 400, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := alice
			if c.status == 400 { // refused input the contract refuses too
				cl = alice.Raw()
			}
			r := cl.Do("POST", "/api/v1/experiences", c.body)
			if r.Status != c.status {
				t.Fatalf("got %d, want %d: %s", r.Status, c.status, r.Body)
			}
			if c.field == "" {
				return
			}
			var body expErr
			r.JSON(t, &body)
			found := false
			for _, d := range body.Error.Details {
				found = found || d.Field == c.field && d.Code == c.code && d.Message != ""
			}
			if !found {
				t.Fatalf("got %+v, want %s: %s", body.Error.Details, c.field, c.code)
			}
		})
	}
	var list experiences.Page
	alice.Expect(200, "GET", "/api/v1/experiences?stato=bozze", nil).JSON(t, &list)
	if list.Total != 1 { // the lowercase CIG one; nothing of the refused
		t.Fatalf("drafts stored: %d, want 1", list.Total)
	}

	// Another administration's record: readable once published, not writable.
	r := stranger.Do("PUT", "/api/v1/experiences/"+e.ID, map[string]any{"base_version": 2, "fields": expFields("Preso")})
	if r.Status != 403 || r.ErrorCode() != "experience_forbidden" {
		t.Fatalf("another administration's save: %d %s", r.Status, r.Body)
	}
	// A stale version, and one from the future.
	alice.Expect(409, "PUT", "/api/v1/experiences/"+e.ID, map[string]any{"base_version": 1, "fields": expFields("Vecchio")})
	alice.Raw().Expect(400, "PUT", "/api/v1/experiences/"+e.ID, map[string]any{"base_version": 3, "fields": expFields("Futuro")})
	alice.Raw().Expect(400, "PUT", "/api/v1/experiences/"+e.ID, map[string]any{"fields": expFields("Senza versione")})
	// Published records must stay comparable.
	r = alice.Do("PUT", "/api/v1/experiences/"+e.ID, map[string]any{"base_version": 2, "fields": map[string]any{"titolo": "Svuotata"}})
	if r.Status != 400 || r.Fields()["ambito"] == "" {
		t.Fatalf("emptying a published record: %d %s", r.Status, r.Body)
	}
	var h experiences.History
	alice.Expect(200, "GET", "/api/v1/experiences/"+e.ID+"/history", nil).JSON(t, &h)
	if h.Version != 2 {
		t.Fatalf("refused saves wrote versions: now v%d, want 2", h.Version)
	}
	alice.Expect(404, "GET", "/api/v1/experiences/AAAAAAAAAAAAAAAAAAAAAA", nil)
	alice.Expect(404, "GET", "/api/v1/experiences/..%2F..%2Fetc", nil)
	alice.Expect(400, "GET", "/api/v1/experiences?ambito=giardinaggio", nil)
	alice.Expect(400, "GET", "/api/v1/experiences?importo_min=-5", nil)
	alice.Expect(400, "GET", "/api/v1/experiences?sort=%24where", nil)
}

// TestExperienceListFilters: each filter against a simple model of the
// records (published only; drafts aside).
func TestExperienceListFilters(t *testing.T) {
	env := webtest.Start(t, nil)
	ctx := env.Board.Accounts
	_ = ctx
	comune, _ := env.NewUser(account.RoleParticipant) // comune, lazio
	adm, err := env.Board.Accounts.NewApprovedAdministration(t.Context(), "ex_reg", "Regione di prova", "regione", "puglia")
	if err != nil {
		t.Fatal(err)
	}
	regione, _ := env.NewUserIn(adm.ID, account.RoleParticipant)
	type rec struct {
		by                       *webtest.Client
		title, ambito, procedura string
		amount                   float64
		day                      string
		publish                  bool
	}
	recs := []rec{
		{comune, "A paghe", "paghe_personale", "aperta", 100000, "2024-03-01", true},
		{comune, "B pulizie", "pulizie", "mepa", 50000, "2025-01-10", true},
		{regione, "C ict", "servizi_ict", "aperta", 900000, "2025-06-01", true},
		{regione, "D ict", "servizi_ict", "ristretta", 300000, "2026-02-01", true},
		{regione, "E bozza", "servizi_ict", "aperta", 10, "2026-02-01", false},
	}
	for _, r := range recs {
		f := expFields(r.title)
		f["ambito"], f["procedura"], f["importo_base_eur"], f["importo_aggiudicato_eur"] = r.ambito, r.procedura, r.amount, r.amount
		f["data_decisione"], f["data_affidamento"] = r.day, r.day
		delete(f, "data_avvio")
		delete(f, "data_fine_contratto")
		e := newExperience(t, r.by, f)
		if r.publish {
			publishExperience(t, r.by, e)
		}
	}
	cases := []struct {
		query string
		want  string // titles in order
		total int
	}{
		{"sort=titolo", "A paghe,B pulizie,C ict,D ict", 4},
		{"ambito=servizi_ict&sort=titolo", "C ict,D ict", 2},
		{"ambito=servizi_ict,pulizie&sort=-titolo", "D ict,C ict,B pulizie", 3},
		{"procedura=aperta&sort=titolo", "A paghe,C ict", 2},
		{"regione=puglia&sort=titolo", "C ict,D ict", 2},
		{"categoria=comune&sort=titolo", "A paghe,B pulizie", 2},
		{"dal=2025-01-01&al=2025-12-31&sort=data", "B pulizie,C ict", 2},
		{"importo_min=100000&importo_max=300000&sort=-importo", "D ict,A paghe", 2},
		{"sort=importo", "B pulizie,A paghe,D ict,C ict", 4},
		{"sort=titolo&per_page=3&page=2", "D ict", 4},
		{"esito=reinternalizzato", "", 0},
		// Several values of one filter, as a comma list or the parameter
		// repeated (any of them matches); different filters all apply.
		{"ambito=pulizie&ambito=paghe_personale&sort=titolo", "A paghe,B pulizie", 2},
		{"procedura=mepa,ristretta&sort=titolo", "B pulizie,D ict", 2},
		{"procedura=mepa&procedura=ristretta&sort=titolo", "B pulizie,D ict", 2},
		{"procedura=mepa&procedura=&procedura=ristretta&sort=titolo", "B pulizie,D ict", 2},
		{"modello=in_house,appalto_servizi&sort=titolo", "A paghe,B pulizie,C ict,D ict", 4},
		{"modello=in_house&modello=concessione", "", 0},
		{"esito=reinternalizzato&esito=in_esecuzione&sort=titolo", "A paghe,B pulizie,C ict,D ict", 4},
		{"regione=lazio&regione=puglia&sort=titolo", "A paghe,B pulizie,C ict,D ict", 4},
		{"regione=veneto,puglia&sort=titolo", "C ict,D ict", 2},
		{"categoria=comune&categoria=regione&sort=-titolo", "D ict,C ict,B pulizie,A paghe", 4},
		{"categoria=asl,comune&procedura=aperta,ristretta&sort=titolo", "A paghe", 1},
	}
	for _, c := range cases {
		var p experiences.Page
		comune.Expect(200, "GET", "/api/v1/experiences?"+c.query, nil).JSON(t, &p)
		var titles []string
		for _, it := range p.Items {
			titles = append(titles, it.Titolo)
		}
		if strings.Join(titles, ",") != c.want || p.Total != c.total {
			t.Errorf("%s: got %v (total %d), want %s (total %d)", c.query, titles, p.Total, c.want, c.total)
		}
	}
	// A bad value among several is named, whichever way they come.
	for _, q := range []string{"ambito=pulizie,giardinaggio", "ambito=pulizie&ambito=giardinaggio", "regione=lazio&regione=atlantide"} {
		if r := comune.Do("GET", "/api/v1/experiences?"+q, nil); r.Status != 400 {
			t.Errorf("%s: got %d, want 400", q, r.Status)
		}
	}
	var drafts experiences.Page
	comune.Expect(200, "GET", "/api/v1/experiences?stato=bozze", nil).JSON(t, &drafts)
	regione.Expect(200, "GET", "/api/v1/experiences?stato=bozze", nil)
	if drafts.Total != 0 {
		t.Fatalf("another administration's drafts listed: %d", drafts.Total)
	}
}

func TestExperienceSchema(t *testing.T) {
	env := webtest.Start(t, nil)
	c, _ := env.NewUser(account.RoleParticipant)
	var s experiences.Schema
	c.Expect(200, "GET", "/api/v1/experiences/schema", nil).JSON(t, &s)
	byName := map[string]experiences.List{}
	for _, l := range s.Lists {
		byName[l.Name] = l
	}
	if len(byName["ambito"].Options) != 17 || len(byName["procedura"].Options) != 13 || byName["modello"].Options[0].EN != "Service contract" {
		t.Fatalf("schema lists: %d ambiti, %d procedure", len(byName["ambito"].Options), len(byName["procedura"].Options))
	}
	raw, _ := json.Marshal(s.Thresholds[len(s.Thresholds)-1])
	if !strings.Contains(string(raw), `"central_eur":140000.00`) {
		t.Fatalf("last threshold %s", raw)
	}
	env.Client().Expect(401, "GET", "/api/v1/experiences/schema", nil)
}

// The experience routes in the JSON body tables (json_body_test.go).
func init() {
	jsonBodyRoutes = append(jsonBodyRoutes, []struct{ method, path, body, field string }{
		{"POST", "/api/v1/experiences", `{"fields":{"titolo":"%s"}}`, "titolo"},
		{"PUT", "/api/v1/experiences/:id", `{"base_version":1,"fields":{"titolo":"%s"}}`, "titolo"},
		{"POST", "/api/v1/experiences/:id/publish", `{"base_version":1,"nota":"%s"}`, "nota"},
		{"POST", "/api/v1/experiences/:id/documents", `{"base_version":1,"file_id":"%s","tipo":"capitolato"}`, "file_id"},
	}...)
	// and in the GET table (query_test.go), before its catch-alls.
	n := len(getRoutes) - 2
	getRoutes = append(getRoutes[:n:n], append([]getRoute{
		{"/api/v1/experiences/schema", nil},
		{"/api/v1/experiences", []string{"ambito", "modello", "procedura", "esito", "regione", "categoria", "dal", "al",
			"importo_min", "importo_max", "stato", "sort", "page", "per_page"}},
		{"/api/v1/experiences/:id", nil},
		{"/api/v1/experiences/:id/history", nil},
		{"/api/v1/experiences/:id/diff", []string{"from", "to"}},
	}, getRoutes[n:]...)...)
}

// TestExperienceSaveRace: two people save on the same version at once over
// HTTP; one is stored, the other refused with the first one's change.
func TestExperienceSaveRace(t *testing.T) {
	env := webtest.Start(t, nil)
	alice, au := env.NewUser(account.RoleParticipant)
	bob, _ := env.NewUserIn(au.AdministrationID, account.RoleParticipant)
	e := newExperience(t, alice, expFields("Corsa"))
	statuses := make(chan int, 2)
	for i, c := range []*webtest.Client{alice, bob} {
		go func() {
			f := expFields(fmt.Sprintf("Titolo %d", i))
			statuses <- c.Do("PUT", "/api/v1/experiences/"+e.ID, map[string]any{"base_version": 1, "fields": f}).Status
		}()
	}
	got := []int{<-statuses, <-statuses}
	if got[0]+got[1] != 200+409 {
		t.Fatalf("got %v, want one 200 and one 409", got)
	}
	var h experiences.History
	alice.Expect(200, "GET", "/api/v1/experiences/"+e.ID+"/history", nil).JSON(t, &h)
	if h.Version != 2 {
		t.Fatalf("got version %d, want 2", h.Version)
	}
}

// TestExperienceWarningsAndLanguage: a direct award above art. 50 is saved
// with a warning; messages follow the user's language, codes do not.
func TestExperienceWarningsAndLanguage(t *testing.T) {
	env := webtest.Start(t, nil)
	c, _ := env.NewUser(account.RoleParticipant)
	f := expFields("Affidamento diretto")
	f["procedura"], f["importo_base_eur"], f["importo_aggiudicato_eur"] = "affidamento_diretto", 150000, 149000
	e := newExperience(t, c, f)
	if len(e.Warnings) != 1 || e.Warnings[0].Field != "procedura" || e.Warnings[0].Code != "direct_award_above_limit" ||
		!strings.Contains(e.Warnings[0].Message, "140.000") || e.SopraSogliaUE == nil || *e.SopraSogliaUE {
		t.Fatalf("warnings %+v sopra soglia %v", e.Warnings, e.SopraSogliaUE)
	}
	c.Expect(200, "PATCH", "/api/v1/me", map[string]any{"lang": "en"})
	r := c.Do("POST", "/api/v1/experiences", map[string]any{"fields": map[string]any{"titolo": "Caso", "cig": "XYZ"}})
	var body expErr
	r.JSON(t, &body)
	if r.Status != 400 || len(body.Error.Details) != 1 || body.Error.Details[0].Code != "cig" || !strings.HasPrefix(body.Error.Details[0].Message, "Not a valid CIG") {
		t.Fatalf("got %d %s", r.Status, r.Body)
	}
}
