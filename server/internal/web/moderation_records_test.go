package web_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/compare"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/moderation"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// act is a moderator's action on records, which must all be done.
func act(t *testing.T, mod *webtest.Client, action, reason string, ids ...string) {
	t.Helper()
	var res moderation.Result
	mod.Expect(200, "POST", "/api/v1/moderation/actions", map[string]any{"action": action, "ids": ids, "reason": reason}).JSON(t, &res)
	if len(res.Done) != len(ids) {
		t.Fatalf("%s %v: got %+v, want all done", action, ids, res)
	}
}

// readerView is what one person reads of a record through each read path.
type readerView struct {
	get       string // the record's title, or "moderated:<state>:<reason>" for a placeholder
	listed    bool   // in the list
	compared  bool   // a column of the ad-hoc comparison
	exported  bool   // in the comparison's CSV export
	comments  int    // the status of its cell comments' list
	counted   bool   // in the comment counts
	historyOK int    // the status of its history
}

func viewOf(t *testing.T, c *webtest.Client, e, other experiences.Experience) readerView {
	t.Helper()
	var v readerView
	var got experiences.Experience
	c.Expect(200, "GET", "/api/v1/experiences/"+e.ID, nil).JSON(t, &got)
	v.get = got.Fields.Titolo
	if got.Moderated != nil {
		v.get = "moderated:" + got.Moderated.State + ":" + got.Moderated.Reason + ":" + got.Fields.Titolo
	}
	var list experiences.Page
	c.Expect(200, "GET", "/api/v1/experiences?per_page=100", nil).JSON(t, &list)
	for _, s := range list.Items {
		v.listed = v.listed || s.ID == e.ID
	}
	// An ad-hoc comparison naming a record one may not read is a 404 (as
	// a draft); a saved table leaves its column out (Heads, as drafts).
	if r := c.Do("GET", "/api/v1/compare?ids="+e.ID+","+other.ID, nil); r.Status == 200 {
		var cmp compare.Comparison
		r.JSON(t, &cmp)
		for _, col := range cmp.Columns {
			v.compared = v.compared || col.ID == e.ID
		}
	}
	csv := c.Do("GET", "/api/v1/compare/export?format=csv&ids="+e.ID+","+other.ID, nil)
	v.exported = csv.Status == 200 && strings.Contains(string(csv.Body), e.Fields.Titolo)
	v.comments = c.Do("GET", commentsPath(e.ID)+"?field=procedura", nil).Status
	_, v.counted = commentCounts(t, c, e.ID)[e.ID]
	v.historyOK = c.Do("GET", "/api/v1/experiences/"+e.ID+"/history", nil).Status
	return v
}

// An experience record reported by three participants is hidden: its
// administration is told and reads it with the reason; every other reader
// gets a placeholder from the record and nothing from the list, the
// comparison, its export, the comments or the history. A moderator's
// restore shows it again; a delete takes it away for good.
func TestModerationReportsHideExperience(t *testing.T) {
	env := webtest.Start(t, nil)
	home, away := env.NewAdministration(), env.NewAdministration()
	alice, _ := env.NewUserIn(home.ID, account.RoleParticipant)
	colleague, _ := env.NewUserIn(home.ID, account.RoleParticipant)
	reader, _ := env.NewUserIn(away.ID, account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	reporters := participantsIn(env, away.ID, 3)
	e := publishExperience(t, alice, newExperience(t, alice, expFields("Servizi di pulizia")))
	other := publishExperience(t, reader, newExperience(t, reader, expFields("Altro servizio")))
	draft := newExperience(t, alice, expFields("Bozza riservata"))
	rid := moderation.RecordID(moderation.KindExperience, e.ID)

	for _, tc := range []struct {
		name   string
		by     *webtest.Client
		body   map[string]any
		status int
	}{
		{"a draft of another administration", reporters[0], report("experience", draft.ID, "spam"), 404},
		{"a draft of one's own administration", colleague, report("experience", draft.ID, "spam"), 403},
		{"no such record", reporters[0], report("experience", "AAAAAAAAAAAAAAAAAAAAAA", "spam"), 404},
		{"a published record", reporters[0], report("experience", e.ID, "duplicate"), 201},
		{"the same record again", reporters[0], report("experience", e.ID, "spam"), 409},
	} {
		if r := tc.by.Do("POST", "/api/v1/moderation/reports", tc.body); r.Status != tc.status {
			t.Errorf("%s: got %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
		}
	}
	q := queuePage(t, mod, "?kind=experience")
	if len(q.Items) != 1 || q.Items[0].ID != rid || q.Items[0].Place != e.ID || !strings.HasPrefix(q.Items[0].Snapshot, "Servizi di pulizia") ||
		!strings.Contains(q.Items[0].PlaceLabel, "Servizi di pulizia") || q.Items[0].Link != "/esperienze/"+e.ID || q.Items[0].Current == nil {
		t.Fatalf("queue of experiences: %+v", q)
	}
	visible := readerView{get: "Servizi di pulizia", listed: true, compared: true, exported: true, comments: 200, counted: true, historyOK: 200}
	if got := viewOf(t, reader, e, other); got != visible {
		t.Errorf("reader before the threshold: got %+v, want %+v", got, visible)
	}
	for _, c := range reporters[1:] {
		c.Expect(201, "POST", "/api/v1/moderation/reports", report("experience", e.ID, "inappropriate"))
	}
	if q := queuePage(t, mod, "?state=hidden&kind=experience"); len(q.Items) != 1 || !q.Items[0].AutoHidden {
		t.Fatalf("hidden tab after three reports: %+v", q)
	}
	if !slices.Contains(notificationKinds(t, alice), "moderation_hidden:"+rid) {
		t.Errorf("author not told: %v", notificationKinds(t, alice))
	}
	hiddenFor := readerView{get: "moderated:hidden::", comments: 404, historyOK: 404}
	for _, tc := range []struct {
		name string
		by   *webtest.Client
		want readerView
	}{
		{"a reader", reader, hiddenFor},
		{"a reporter", reporters[0], hiddenFor},
		{"the author", alice, readerView{get: "moderated:hidden:" + reasonOf(t, alice, e.ID) + ":Servizi di pulizia", listed: true,
			compared: true, exported: true, comments: 200, counted: true, historyOK: 200}},
		{"a moderator", mod, readerView{get: "moderated:hidden:" + reasonOf(t, alice, e.ID) + ":Servizi di pulizia", listed: true,
			compared: true, exported: true, comments: 200, counted: true, historyOK: 200}},
	} {
		if got := viewOf(t, tc.by, e, other); got != tc.want {
			t.Errorf("%s while hidden: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if reasonOf(t, alice, e.ID) == "" {
		t.Errorf("the author reads no reason")
	}

	act(t, mod, "restore", "Segnalazioni infondate.", rid)
	if got := viewOf(t, reader, e, other); got != visible {
		t.Errorf("reader after the restore: got %+v, want %+v", got, visible)
	}
	act(t, mod, "warn", "Controlla i dati.", rid)
	act(t, mod, "delete", "Dati personali.", rid)
	deletedFor := readerView{get: "moderated:deleted::", comments: 404, historyOK: 404}
	if got := viewOf(t, reader, e, other); got != deletedFor {
		t.Errorf("reader after the delete: got %+v, want %+v", got, deletedFor)
	}
	// Deleted for good: its administration reads it, may not change it.
	var got experiences.Experience
	alice.Expect(200, "GET", "/api/v1/experiences/"+e.ID, nil).JSON(t, &got)
	if got.Moderated == nil || got.Moderated.State != "deleted" || got.Moderated.Reason != "Dati personali." || got.CanEdit {
		t.Errorf("author after the delete: moderated %+v can_edit %v", got.Moderated, got.CanEdit)
	}
	if r := alice.Do("PUT", "/api/v1/experiences/"+e.ID, map[string]any{"base_version": got.Version, "fields": expFields("Di nuovo")}); r.Status != 404 {
		t.Errorf("edit of a deleted record: got %d, want 404", r.Status)
	}
}

// TestModerationQueueLinksCellCommentField: the queue's link of a cell
// comment opens its record at the comment's cell (?campo=, which the record
// page scrolls to and opens the comments of), a part of an object included.
func TestModerationQueueLinksCellCommentField(t *testing.T) {
	env := webtest.Start(t, nil)
	home, away := env.NewAdministration(), env.NewAdministration()
	alice, _ := env.NewUserIn(home.ID, account.RoleParticipant)
	bruno, _ := env.NewUserIn(away.ID, account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	e := publishExperience(t, alice, newExperience(t, alice, expFields("Mensa con commenti")))
	for _, tc := range []struct{ field, want string }{
		{"procedura", "/esperienze/" + e.ID + "?campo=procedura"},
		{"penali.previste", "/esperienze/" + e.ID + "?campo=penali.previste"},
		{"fattori_critici.sla_e_penali", "/esperienze/" + e.ID + "?campo=fattori_critici.sla_e_penali"},
	} {
		cc := postComment(t, alice, e.ID, tc.field, "Da verificare.")
		bruno.Expect(201, "POST", "/api/v1/moderation/reports", report("cell_comment", cc.ModerationID, "off_topic"))
		rid := moderation.RecordID(moderation.KindCellComment, cc.ModerationID)
		got := "not in the queue"
		for _, it := range queuePage(t, mod, "?kind=cell_comment&place="+e.ID).Items {
			if it.ID == rid {
				got = it.Link
			}
		}
		if got != tc.want {
			t.Errorf("link of a comment on %s: got %s, want %s", tc.field, got, tc.want)
		}
	}
}

// reasonOf is the moderation reason the author reads on record id.
func reasonOf(t *testing.T, c *webtest.Client, id string) string {
	t.Helper()
	var e experiences.Experience
	c.Expect(200, "GET", "/api/v1/experiences/"+id, nil).JSON(t, &e)
	if e.Moderated == nil {
		return ""
	}
	return e.Moderated.Reason
}

// A cell comment is reported once per user, lands in the queue with its
// record and field, is hidden at the third report (its author told and
// reading it with the reason, readers a placeholder, the export leaving
// it out), and the queue's actions work on it.
func TestModerationReportsHideCellComment(t *testing.T) {
	env := webtest.Start(t, nil)
	home, away := env.NewAdministration(), env.NewAdministration()
	alice, _ := env.NewUserIn(home.ID, account.RoleParticipant)
	bruno, _ := env.NewUserIn(away.ID, account.RoleParticipant)
	reader, _ := env.NewUserIn(away.ID, account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	reporters := participantsIn(env, home.ID, 3)
	e := publishExperience(t, alice, newExperience(t, alice, expFields("Mensa scolastica")))
	draft := newExperience(t, alice, expFields("Bozza con commenti"))
	cc := postComment(t, bruno, e.ID, "procedura", "Chiamate il 333 1234567")
	onDraft := postComment(t, alice, draft.ID, "ambito", "Da rivedere")
	rid := moderation.RecordID(moderation.KindCellComment, cc.ModerationID)

	for _, tc := range []struct {
		name   string
		by     *webtest.Client
		body   map[string]any
		status int
	}{
		{"a comment on another administration's draft", bruno, report("cell_comment", onDraft.ModerationID, "spam"), 404},
		{"no such comment", reader, report("cell_comment", e.ID+"-99", "spam"), 404},
		{"a malformed id", reader, report("cell_comment", "x-1", "spam"), 404},
		{"a comment", reporters[0], report("cell_comment", cc.ModerationID, "personal_data"), 201},
		{"the same comment again", reporters[0], report("cell_comment", cc.ModerationID, "spam"), 409},
		{"a comment on one's own draft", reporters[1], report("cell_comment", onDraft.ModerationID, "off_topic"), 201},
	} {
		if r := tc.by.Do("POST", "/api/v1/moderation/reports", tc.body); r.Status != tc.status {
			t.Errorf("%s: got %d %s, want %d", tc.name, r.Status, r.Body, tc.status)
		}
	}
	q := queuePage(t, mod, "?kind=cell_comment&place="+e.ID)
	if len(q.Items) != 1 || q.Items[0].ID != rid || q.Items[0].Snapshot != "Chiamate il 333 1234567" ||
		q.Items[0].PlaceLabel != "Mensa scolastica · Procedura di scelta del contraente" && !strings.HasPrefix(q.Items[0].PlaceLabel, "Mensa scolastica · ") ||
		q.Items[0].Link != "/esperienze/"+e.ID+"?campo=procedura" {
		t.Fatalf("queue of cell comments: %+v", q)
	}
	for _, c := range reporters[1:] {
		c.Expect(201, "POST", "/api/v1/moderation/reports", report("cell_comment", cc.ModerationID, "personal_data"))
	}
	if !slices.Contains(notificationKinds(t, bruno), "moderation_hidden:"+rid) {
		t.Errorf("author not told: %v", notificationKinds(t, bruno))
	}
	seen := func(c *webtest.Client) string {
		for _, x := range listComments(t, c, e.ID, "procedura") {
			if x.ID == cc.ID {
				if x.Moderated == nil {
					return "body:" + x.BodyHTML
				}
				return fmt.Sprintf("%s:%q:%v", x.Moderated.State, x.Moderated.Reason, x.BodyHTML != "")
			}
		}
		return "missing"
	}
	hidden := `hidden:"":false`
	for _, tc := range []struct {
		name string
		by   *webtest.Client
		want string
	}{
		{"a reader", reader, hidden},
		{"the author", bruno, fmt.Sprintf("hidden:%q:true", "Segnalato da più partecipanti: nascosto in attesa della revisione di un moderatore.")},
		{"a moderator", mod, fmt.Sprintf("hidden:%q:true", "Segnalato da più partecipanti: nascosto in attesa della revisione di un moderatore.")},
	} {
		if got := seen(tc.by); got != tc.want {
			t.Errorf("%s while hidden: got %s, want %s", tc.name, got, tc.want)
		}
	}
	other := publishExperience(t, reader, newExperience(t, reader, expFields("Altra mensa")))
	csv := string(alice.Expect(200, "GET", "/api/v1/compare/export?format=csv&ids="+e.ID+","+other.ID, nil).Body)
	xlsx := alice.Do("GET", "/api/v1/compare/export?format=xlsx&ids="+e.ID+","+other.ID, nil)
	if strings.Contains(csv, "333 1234567") || strings.Contains(string(xlsx.Body), "333 1234567") {
		t.Errorf("the export keeps a hidden comment")
	}

	act(t, mod, "restore", "Numero dell'ufficio, pubblico.", rid)
	if got := seen(reader); !strings.HasPrefix(got, "body:") || !strings.Contains(got, "333 1234567") {
		t.Errorf("reader after the restore: got %s", got)
	}
	act(t, mod, "hide", "Numero privato.", rid)
	if got := seen(bruno); got != fmt.Sprintf("hidden:%q:true", "Numero privato.") {
		t.Errorf("author after a moderator's hide: got %s", got)
	}
	act(t, mod, "dismiss", "Riesaminato.", rid)
	act(t, mod, "warn", "Niente numeri.", rid)
	act(t, mod, "delete", "Dati personali.", rid)
	if got := seen(reader); got != `deleted:"":false` {
		t.Errorf("reader after the delete: got %s", got)
	}
	if q := queuePage(t, mod, "?kind=cell_comment&place="+e.ID); len(q.Items) != 0 {
		t.Errorf("queue after the delete: %+v", q)
	}
}

// participantsIn are n new participants of administration admID.
func participantsIn(env *webtest.Env, admID string, n int) []*webtest.Client {
	out := make([]*webtest.Client, n)
	for i := range out {
		out[i], _ = env.NewUserIn(admID, account.RoleParticipant)
	}
	return out
}
