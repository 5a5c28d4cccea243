package web_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/cellnotes"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/moderation"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

func commentsPath(id string) string { return "/api/v1/experiences/" + id + "/comments" }

func postComment(t *testing.T, c *webtest.Client, id, field, body string) cellnotes.CellComment {
	t.Helper()
	var cc cellnotes.CellComment
	c.Expect(201, "POST", commentsPath(id), map[string]any{"field": field, "body": body}).JSON(t, &cc)
	return cc
}

func listComments(t *testing.T, c *webtest.Client, id, field string) []cellnotes.CellComment {
	t.Helper()
	var l cellnotes.List
	c.Expect(200, "GET", commentsPath(id)+"?field="+url.QueryEscape(field), nil).JSON(t, &l)
	return l.Items
}

func commentCounts(t *testing.T, c *webtest.Client, ids ...string) map[string]map[string]int {
	t.Helper()
	var n cellnotes.CommentCounts
	c.Expect(200, "GET", "/api/v1/experiences/comments/counts?ids="+strings.Join(ids, ","), nil).JSON(t, &n)
	return n.Counts
}

// TestCellComments: a comment is anchored to one field of one record,
// keeps the value it was written about across edits, lists and counts by
// cell, and is refused to those who may not read the record.
func TestCellComments(t *testing.T) {
	env := webtest.Start(t, nil)
	home, away := env.NewAdministration(), env.NewAdministration()
	alice, _ := env.NewUserIn(home.ID, account.RoleParticipant)
	bruno, _ := env.NewUserIn(away.ID, account.RoleParticipant)
	a := publishExperience(t, alice, newExperience(t, alice, expFields("Servizi ICT del comune")))
	b := publishExperience(t, bruno, newExperience(t, bruno, expFields("Servizi ICT della provincia")))
	draft := newExperience(t, alice, expFields("Bozza riservata"))

	first := postComment(t, bruno, a.ID, "procedura", "Perché **aperta**? <script>alert(1)</script>")
	if first.Author.Name == "" || first.Author.AdministrationName == "" || first.ExperienceID != a.ID || first.Version != a.Version {
		t.Errorf("comment = %+v, want bruno's on %s at version %d", first, a.ID, a.Version)
	}
	if strings.Contains(first.BodyHTML, "<script") || !strings.Contains(first.BodyHTML, "<strong>aperta</strong>") {
		t.Errorf("body_html = %q, want sanitised markdown", first.BodyHTML)
	}
	if first.ValueThen != "Procedura aperta" || first.ValueNow != first.ValueThen || first.Changed {
		t.Errorf("fresh comment: then %q now %q changed %v, want Procedura aperta twice, unchanged", first.ValueThen, first.ValueNow, first.Changed)
	}
	postComment(t, alice, a.ID, "procedura", "Era l'unica scelta.")
	postComment(t, alice, a.ID, "importo_aggiudicato_eur", "Ribasso del 7%.")
	postComment(t, bruno, a.ID, "fattori_critici.sla_e_penali", "D'accordo.")
	postComment(t, alice, b.ID, "ambito", "Anche noi.")
	postComment(t, alice, draft.ID, "titolo", "Da rivedere.")

	// The record is edited: the cell's comments stay and say what they were about.
	f := expFields("Servizi ICT del comune")
	f["procedura"], f["titolo"] = "ristretta", "Servizi ICT del comune (rivisto)"
	var edited experiences.Experience
	alice.Expect(200, "PUT", "/api/v1/experiences/"+a.ID, map[string]any{"base_version": a.Version, "fields": f}).JSON(t, &edited)
	got := listComments(t, bruno, a.ID, "procedura")
	if len(got) != 2 || got[0].ID != first.ID {
		t.Fatalf("procedura comments = %+v, want 2, bruno's first", got)
	}
	for i, c := range got {
		if c.ValueThen != "Procedura aperta" || c.ValueNow != "Procedura ristretta" || !c.Changed || c.Version != a.Version {
			t.Errorf("comment %d after the edit: then %q now %q changed %v version %d, want aperta, ristretta, true, %d",
				i, c.ValueThen, c.ValueNow, c.Changed, c.Version, a.Version)
		}
	}
	// Anchored to its field: the other cells' lists do not hold it, and a
	// cell the edit left alone is unchanged.
	if amt := listComments(t, bruno, a.ID, "importo_aggiudicato_eur"); len(amt) != 1 || amt[0].Changed || amt[0].ValueNow != "231.450,50 €" {
		t.Errorf("importo comments = %+v, want one, unchanged, 231.450,50 €", amt)
	}
	if got := listComments(t, bruno, a.ID, "cig"); len(got) != 0 {
		t.Errorf("cig comments = %+v, want none", got)
	}
	var all cellnotes.List
	bruno.Expect(200, "GET", commentsPath(a.ID), nil).JSON(t, &all)
	if len(all.Items) != 4 {
		t.Errorf("every comment of the record: %d, want 4", len(all.Items))
	}

	// Counts, against a model of what was posted (the draft is left out
	// for bruno, who cannot read it).
	model := map[string]map[string]int{
		a.ID: {"procedura": 2, "importo_aggiudicato_eur": 1, "fattori_critici.sla_e_penali": 1},
		b.ID: {"ambito": 1},
	}
	if got := commentCounts(t, bruno, a.ID, b.ID, draft.ID); !equalCounts(got, model) {
		t.Errorf("counts for bruno = %v, want %v", got, model)
	}
	model[draft.ID] = map[string]int{"titolo": 1}
	if got := commentCounts(t, alice, a.ID, b.ID, draft.ID); !equalCounts(got, model) {
		t.Errorf("counts for alice = %v, want %v", got, model)
	}

	// Another administration's draft does not exist for bruno.
	if r := bruno.Do("GET", commentsPath(draft.ID)+"?field=titolo", nil); r.Status != 404 {
		t.Errorf("list on another's draft: %d, want 404", r.Status)
	}
	if r := bruno.Do("POST", commentsPath(draft.ID), map[string]any{"field": "titolo", "body": "Curioso."}); r.Status != 404 {
		t.Errorf("comment on another's draft: %d, want 404", r.Status)
	}
	if r := bruno.Do("GET", commentsPath("AAAAAAAAAAAAAAAAAAAAAA"), nil); r.Status != 404 {
		t.Errorf("list on no record: %d, want 404", r.Status)
	}

	// Bad input: a clear 400 naming the field, nothing stored.
	long := strings.Repeat("è", cellnotes.MaxBody+1)
	cases := []struct {
		name  string
		body  any
		field string
		code  string
	}{
		{"unknown field", map[string]any{"field": "colore", "body": "x"}, "field", "unknown_cell"},
		{"field of a part that does not exist", map[string]any{"field": "penali.nascoste", "body": "x"}, "field", "unknown_cell"},
		{"no field", map[string]any{"body": "x"}, "field", "required"},
		{"empty body", map[string]any{"field": "ambito", "body": ""}, "body", "required"},
		{"blank body", map[string]any{"field": "ambito", "body": " \n\t "}, "body", "required"},
		{"too long", map[string]any{"field": "ambito", "body": long}, "body", "max"},
		{"control character", map[string]any{"field": "ambito", "body": "a\x00b"}, "body", "nocontrol"},
		{"forged author", map[string]any{"field": "ambito", "body": "x", "author": map[string]string{"id": "x"}}, "author", "unknown"},
		{"forged version", map[string]any{"field": "ambito", "body": "x", "version": 1}, "version", "unknown"},
		{"$ key", map[string]any{"field": "ambito", "body": "x", "$set": map[string]any{"version": 1}}, "$set", "unknown"},
		{"$ operator as the field", map[string]any{"field": map[string]any{"$ne": nil}, "body": "x"}, "field", "type"},
		{"invalid Unicode", []byte("{\"field\":\"ambito\",\"body\":\"\xff\xfe\"}"), "body", "unicode"},
		{"lone surrogate", []byte(`{"field":"ambito","body":"\ud800"}`), "body", "unicode"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := bruno.Raw().Do("POST", commentsPath(b.ID), c.body)
			if r.Status != 400 {
				t.Fatalf("got %d, want 400; body %s", r.Status, r.Body)
			}
			var body expErr
			r.JSON(t, &body)
			var codes []string
			for _, d := range body.Error.Details {
				if d.Field == c.field && d.Message != "" {
					codes = append(codes, d.Code)
				}
			}
			if fmt.Sprint(codes) != "["+c.code+"]" {
				t.Errorf("got %s codes %v, want [%s] (details %+v)", c.field, codes, c.code, body.Error.Details)
			}
		})
	}
	if got := listComments(t, bruno, b.ID, "ambito"); len(got) != 1 {
		t.Errorf("after the refused posts: %d comments on ambito, want 1", len(got))
	}
	// Exactly the limit, in multi-byte characters, is fine.
	postComment(t, bruno, b.ID, "ambito", long[:len(long)-len("è")])
	for _, q := range []string{"?field=colore", "?field=%24ne"} {
		if r := bruno.Do("GET", commentsPath(b.ID)+q, nil); r.Status != 400 {
			t.Errorf("list %s: %d, want 400", q, r.Status)
		}
	}
	many := make([]string, cellnotes.MaxIDs+1)
	for i := range many {
		many[i] = fmt.Sprintf("id%d", i)
	}
	for name, q := range map[string]string{"none": "", "repeated": a.ID + "," + a.ID, "too many": strings.Join(many, ",")} {
		if r := bruno.Do("GET", "/api/v1/experiences/comments/counts?ids="+q, nil); r.Status != 400 {
			t.Errorf("counts of %s: %d, want 400", name, r.Status)
		}
	}
}

func equalCounts(a, b map[string]map[string]int) bool {
	return maps.EqualFunc(a, b, func(x, y map[string]int) bool { return maps.Equal(x, y) })
}

// TestCellCommentRateLimit: past the rate, 429 with Retry-After and nothing
// stored.
func TestCellCommentRateLimit(t *testing.T) {
	env := webtest.Start(t, nil, boot.WithCommentRate(2, time.Hour))
	alice, _ := env.NewUser(account.RoleParticipant)
	e := publishExperience(t, alice, newExperience(t, alice, expFields("Caso")))
	postComment(t, alice, e.ID, "ambito", "Uno.")
	postComment(t, alice, e.ID, "ambito", "Due.")
	r := alice.Do("POST", commentsPath(e.ID), map[string]any{"field": "ambito", "body": "Tre."})
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("third comment: %d (Retry-After %q), want 429 with Retry-After", r.Status, r.Header.Get("Retry-After"))
	}
	if got := commentCounts(t, alice, e.ID)[e.ID]["ambito"]; got != 2 {
		t.Errorf("count after the refusal = %d, want 2", got)
	}
}

// TestCellCommentsLive: a second client on experience:<id> gets
// experience.updated after a save and comment.created after a comment,
// each within a second.
func TestCellCommentsLive(t *testing.T) {
	env := webtest.Start(t, nil)
	home, away := env.NewAdministration(), env.NewAdministration()
	alice, _ := env.NewUserIn(home.ID, account.RoleParticipant)
	bruno, _ := env.NewUserIn(away.ID, account.RoleParticipant)
	e := publishExperience(t, alice, newExperience(t, alice, expFields("Caso dal vivo")))
	draft := newExperience(t, alice, expFields("Bozza"))

	ws := dialAs(t, env, bruno)
	if _, m := ws.Subscribe(experiences.Topic(e.ID), -1); m.Type != "subscribed" {
		t.Fatalf("subscribe: %+v", m)
	}
	for _, topic := range []string{experiences.Topic(draft.ID), experiences.Topic("AAAAAAAAAAAAAAAAAAAAAA"), "experience:", "experience:$ne"} {
		if _, m := dialAs(t, env, bruno).Subscribe(topic, -1); m.Type != "error" {
			t.Errorf("%q subscribed: %+v", topic, m)
		}
	}

	f := expFields("Caso dal vivo")
	f["procedura"] = "ristretta"
	start := time.Now()
	alice.Expect(200, "PUT", "/api/v1/experiences/"+e.ID, map[string]any{"base_version": e.Version, "fields": f})
	var up experiences.Updated
	event(t, ws, experiences.Topic(e.ID), experiences.EventUpdated, &up)
	if d := time.Since(start); d > time.Second {
		t.Errorf("experience.updated after %v, want within 1s", d)
	}
	if up.ID != e.ID || up.Version != e.Version+1 || fmt.Sprint(up.Changed) != "[procedura]" || up.UpdatedAt.IsZero() {
		t.Errorf("experience.updated = %+v, want version %d changing [procedura]", up, e.Version+1)
	}

	// A document is a new version too.
	var file struct{ ID string }
	upload(alice, "capitolato.pdf", []byte("%PDF-1.7\ncapitolato\n%%EOF")).JSON(t, &file)
	alice.Expect(200, "POST", "/api/v1/experiences/"+e.ID+"/documents", map[string]any{"base_version": e.Version + 1, "file_id": file.ID, "tipo": "capitolato"})
	event(t, ws, experiences.Topic(e.ID), experiences.EventUpdated, &up)
	if up.Version != e.Version+2 || fmt.Sprint(up.Changed) != "[atti]" {
		t.Errorf("experience.updated after a document = %+v, want version %d changing [atti]", up, e.Version+2)
	}

	start = time.Now()
	posted := postComment(t, alice, e.ID, "procedura", "Cambiata dopo il ricorso.")
	var cc cellnotes.CellComment
	event(t, ws, experiences.Topic(e.ID), cellnotes.EventCreated, &cc)
	if d := time.Since(start); d > time.Second {
		t.Errorf("comment.created after %v, want within 1s", d)
	}
	if cc.ID != posted.ID || cc.Field != "procedura" || cc.ValueThen != "Procedura ristretta" || cc.Version != e.Version+2 {
		t.Errorf("comment.created = %+v, want %+v", cc, posted)
	}
}

// TestCellCommentModerationLive: when a moderator hides or restores a cell
// comment, or its third report hides it, a reader subscribed to the record
// gets comment.updated within a second with the comment as readers see it:
// the moderation state and no text or reason while hidden, the text again
// once restored. Every subscriber gets that one frame, the author's too.
func TestCellCommentModerationLive(t *testing.T) {
	env := webtest.Start(t, nil) // hidden at the third report
	home, away := env.NewAdministration(), env.NewAdministration()
	alice, _ := env.NewUserIn(home.ID, account.RoleParticipant)
	bruno, _ := env.NewUserIn(away.ID, account.RoleParticipant)
	reader, _ := env.NewUserIn(away.ID, account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	reporters := participantsIn(env, home.ID, 3)
	e := publishExperience(t, alice, newExperience(t, alice, expFields("Mensa dal vivo")))
	const text = "Chiamate il 333 1234567"
	cc := postComment(t, bruno, e.ID, "procedura", text)
	rid := moderation.RecordID(moderation.KindCellComment, cc.ModerationID)
	ws := dialAs(t, env, reader)
	if _, m := ws.Subscribe(experiences.Topic(e.ID), -1); m.Type != "subscribed" {
		t.Fatalf("subscribe: %+v", m)
	}

	for _, tc := range []struct {
		name  string
		do    func()
		state string // "": shown
	}{
		{"the third report hides it", func() {
			for _, c := range reporters {
				c.Expect(201, "POST", "/api/v1/moderation/reports", report("cell_comment", cc.ModerationID, "personal_data"))
			}
		}, cellnotes.ModHidden},
		{"a moderator restores it", func() { act(t, mod, "restore", "Numero dell'ufficio.", rid) }, ""},
		{"a moderator hides it", func() { act(t, mod, "hide", "Numero di telefono privato.", rid) }, cellnotes.ModHidden},
	} {
		start := time.Now()
		tc.do()
		m := ws.Expect("event")
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: the event after %v, want within 1s", tc.name, d)
		}
		var got cellnotes.CellComment
		if err := json.Unmarshal(m.Data, &got); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if m.Topic != experiences.Topic(e.ID) || m.Event != cellnotes.EventUpdated || got.ID != cc.ID || got.Field != "procedura" {
			t.Errorf("%s: got %s %s of comment %s on %s, want %s %s of %s on procedura", tc.name, m.Topic, m.Event, got.ID, got.Field,
				experiences.Topic(e.ID), cellnotes.EventUpdated, cc.ID)
		}
		state := ""
		if got.Moderated != nil {
			state = got.Moderated.State
		}
		if state != tc.state {
			t.Errorf("%s: got state %q, want %q", tc.name, state, tc.state)
		}
		leaks := strings.Contains(string(m.Data), "333 1234567") || strings.Contains(string(m.Data), "Numero")
		if hidden := tc.state != ""; hidden && leaks {
			t.Errorf("%s: a reader's frame carries the text or the reason: %s", tc.name, m.Data)
		} else if !hidden && !strings.Contains(got.BodyHTML, "333 1234567") {
			t.Errorf("%s: got body_html %q, want the text again", tc.name, got.BodyHTML)
		}
	}
}

// The cell comments' routes in the JSON body and GET tables
// (json_body_test.go, query_test.go), the GET ones before their catch-alls.
func init() {
	jsonBodyRoutes = append(jsonBodyRoutes, []struct{ method, path, body, field string }{
		{"POST", "/api/v1/experiences/:id/comments", `{"field":"procedura","body":"%s"}`, "body"},
	}...)
	n := len(getRoutes) - 2
	getRoutes = append(getRoutes[:n:n], append([]getRoute{
		{"/api/v1/experiences/comments/counts", []string{"ids"}},
		{"/api/v1/experiences/:id/comments", []string{"field"}},
	}, getRoutes[n:]...)...)
}
