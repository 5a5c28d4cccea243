package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/audit"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// auditPage is GET /admin/audit's answer, as the client reads it.
type auditPage struct {
	Items []struct {
		N      int    `json:"n"`
		Action string `json:"action"`
		Actor  struct {
			ID, Name, Role string
		} `json:"actor"`
		Target struct {
			Kind, ID, Label string
		} `json:"target"`
		Place  string         `json:"place"`
		Reason string         `json:"reason"`
		Before map[string]any `json:"before"`
		After  map[string]any `json:"after"`
	} `json:"items"`
	Total      int      `json:"total"`
	NextCursor int      `json:"next_cursor"`
	Actions    []string `json:"actions"`
}

func (p auditPage) actions() string {
	var out []string
	for _, e := range p.Items {
		out = append(out, e.Action+" "+e.Target.Kind+":"+e.Target.ID)
	}
	return strings.Join(out, ", ")
}

// Each moderator and admin action over HTTP appends one entry with its
// actor, target, place, reason and before/after; a rejection without a
// reason is refused and logs nothing; moderators read the moderation
// entries only (asking for others is a 403), participants nothing.
func TestAuditRecordsActions(t *testing.T) {
	env := webtest.Start(t, nil)
	admin, adminUser := env.Admin()
	mod, modUser := env.NewUser(account.RoleModerator)
	author, _ := env.NewUser(account.RoleParticipant)
	th := newThread(t, author, "bacheca", "Da moderare")
	env.Client().Expect(201, "POST", "/api/v1/enrolments", enrolment("c_a001", "rifiuto@example.it"))
	_, target := env.NewUser(account.RoleParticipant)

	r := admin.Expect(400, "POST", "/api/v1/admin/administrations/c_a001/reject", map[string]any{"reason": "   "})
	if r.Fields()["reason"] == "" {
		t.Errorf("reject without a reason: fields %v, want one on reason", r.Fields())
	}
	steps := []struct {
		c            *webtest.Client
		method, path string
		body         any
		want         string // the entry appended, "" none
	}{
		{admin, "POST", "/api/v1/admin/administrations/c_a001/reject", map[string]any{"reason": "=Codice IPA non trovato"}, "enrolment.reject administration:c_a001"},
		{mod, "PATCH", "/api/v1/threads/" + th.Thread.ID, map[string]any{"locked": true, "reason": " Toni accesi. "}, "thread.lock thread:" + th.Thread.ID},
		{mod, "PATCH", "/api/v1/threads/" + th.Thread.ID, map[string]any{"locked": true}, ""}, // no change
		{mod, "PATCH", "/api/v1/threads/" + th.Thread.ID, map[string]any{"pinned": true, "title": "Titolo moderato"}, "thread.pin thread:" + th.Thread.ID + ", thread.edit thread:" + th.Thread.ID},
		{mod, "DELETE", "/api/v1/posts/" + th.Post.ID, map[string]any{"reason": "Fuori tema."}, "post.delete post:" + th.Post.ID},
		{admin, "PATCH", "/api/v1/admin/users/" + target.ID, map[string]any{"role": "moderator"}, "user.role_change user:" + target.ID},
		{admin, "PATCH", "/api/v1/admin/categories/bacheca", map[string]any{"archived": true}, "category.archive category:bacheca"},
		{admin, "PATCH", "/api/v1/admin/categories/bacheca", map[string]any{"archived": false, "description_it": "Nuova"}, "category.update category:bacheca"},
	}
	last := 0
	for i, s := range steps {
		if r := s.c.Do(s.method, s.path, s.body); r.Status >= 300 {
			t.Fatalf("step %d %s %s: %d %s", i, s.method, s.path, r.Status, r.Body)
		}
		var p auditPage
		admin.Expect(200, "GET", fmt.Sprintf("/api/v1/admin/audit?limit=100"), nil).JSON(t, &p)
		var fresh auditPage
		for j := len(p.Items) - 1; j >= 0; j-- { // oldest first, like the steps
			if p.Items[j].N > last {
				fresh.Items = append(fresh.Items, p.Items[j])
			}
		}
		if got := fresh.actions(); got != s.want {
			t.Errorf("step %d %s %s: appended %q, want %q", i, s.method, s.path, got, s.want)
		}
		if len(p.Items) > 0 {
			last = p.Items[0].N
		}
	}

	// Actions without a route of their own here: an invitation, a suspension.
	if r := admin.Do("POST", "/api/v1/invitations", map[string]any{"administration_id": target.AdministrationID, "email": "nuovo@example.it"}); r.Status >= 300 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	if _, err := env.Board.Accounts.SetSuspended(testenv.Ctx(t), adminUser, target.ID, true); err != nil {
		t.Fatal(err)
	}

	var all auditPage
	admin.Expect(200, "GET", "/api/v1/admin/audit", nil).JSON(t, &all)
	byAction := map[string]int{}
	for i, e := range all.Items {
		byAction[e.Action] = i
	}
	rej := all.Items[byAction["enrolment.reject"]]
	if rej.Actor.ID != adminUser.ID || rej.Actor.Role != "admin" || rej.Reason != "=Codice IPA non trovato" ||
		rej.Before["status"] != "pending" || rej.After["status"] != "rejected" || rej.Target.Label != "Comune di Milano" {
		t.Errorf("reject entry %+v", rej)
	}
	del := all.Items[byAction["post.delete"]]
	if del.Actor.ID != modUser.ID || del.Reason != "Fuori tema." || del.Place != th.Thread.ID || del.After["deleted"] != true {
		t.Errorf("post.delete entry %+v", del)
	}
	if inv := all.Items[byAction["invitation.create"]]; inv.Target.Kind != "invitation" || inv.Target.Label != "nuovo@example.it" || inv.After["administration_id"] != target.AdministrationID {
		t.Errorf("invitation.create entry %+v", inv)
	}
	if sus := all.Items[byAction["user.suspend"]]; sus.Target.ID != target.ID || sus.Before["suspended"] != false || sus.After["suspended"] != true {
		t.Errorf("user.suspend entry %+v", sus)
	}
	lock := all.Items[byAction["thread.lock"]]
	if lock.Place != "bacheca" || lock.Reason != "Toni accesi." || lock.Before["locked"] != false || lock.After["locked"] != true {
		t.Errorf("thread.lock entry %+v", lock)
	}

	// Moderators: the moderation entries only, and only those actions offered.
	var modView auditPage
	mod.Expect(200, "GET", "/api/v1/admin/audit", nil).JSON(t, &modView)
	if modView.Total != 4 || strings.Contains(modView.actions(), "enrolment") || strings.Contains(modView.actions(), "user.") {
		t.Errorf("moderator reads %d entries: %s; want the 4 thread and post entries", modView.Total, modView.actions())
	}
	for _, a := range modView.Actions {
		if group, _, _ := strings.Cut(a, "."); group != "thread" && group != "post" && group != "moderation" {
			t.Errorf("moderator offered action filter %q", a)
		}
	}
	mod.Expect(403, "GET", "/api/v1/admin/audit?action=enrolment", nil)
	mod.Expect(403, "GET", "/api/v1/admin/audit/export?action=user.role_change", nil)
	author.Expect(403, "GET", "/api/v1/admin/audit", nil)
	author.Expect(403, "GET", "/api/v1/admin/audit/export", nil)
	env.Client().Expect(401, "GET", "/api/v1/admin/audit", nil)

	// Each domain reads its targets for the replay as its entries spell
	// them: a copy of every entry, left pending as by a kill -9 after the
	// write, is appended at the next Recover when its target still holds
	// the After values, and only then (bacheca is no longer archived).
	ctx := testenv.Ctx(t)
	logged, err := env.Board.Audit.All(ctx, audit.Filter{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range logged {
		if _, err := env.Board.Audit.Begin(ctx, audit.Entry{Actor: e.Actor, Action: e.Action, Target: e.Target,
			Place: e.Place, Reason: e.Reason, Before: e.Before, After: e.After}); err != nil {
			t.Fatal(err)
		}
	}
	if err := env.Board.Outbox.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	replayed, err := env.Board.Audit.All(ctx, audit.Filter{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range replayed {
		count[e.Action+" "+e.Target.ID]++
	}
	for _, e := range logged {
		want := 2
		if e.Action == audit.CategoryArchive {
			want = 1
		}
		if got := count[e.Action+" "+e.Target.ID]; got != want {
			t.Errorf("after the replay %s %s is logged %d times, want %d", e.Action, e.Target.ID, got, want)
		}
	}
}

// Filters and paging over HTTP: every page of a filtered walk holds what
// the filter says, the cursors visit each entry once; bad parameters are
// 400s naming the parameter.
func TestAuditFiltersAndPaging(t *testing.T) {
	env := webtest.Start(t, nil)
	admin, adminUser := env.Admin()
	mod, modUser := env.NewUser(account.RoleModerator)
	author, _ := env.NewUser(account.RoleParticipant)
	var threads []string
	for i := range 3 {
		th := newThread(t, author, "bacheca", fmt.Sprintf("Filo %d", i))
		threads = append(threads, th.Thread.ID)
		for _, on := range []bool{true, false, true} {
			mod.Expect(200, "PATCH", "/api/v1/threads/"+th.Thread.ID, map[string]any{"locked": on})
		}
	}
	admin.Expect(200, "PATCH", "/api/v1/threads/"+threads[0], map[string]any{"pinned": true})
	cases := []struct {
		query string
		want  int
	}{
		{"", 10},
		{"actor=" + modUser.ID, 9},
		{"actor=" + adminUser.ID, 1},
		{"action=thread.lock", 6},
		{"action=thread.unlock", 3},
		{"action=thread", 10},
		{"action=post", 0},
		{"target=" + threads[1], 3},
		{"target=thread:" + threads[0], 4},
		{"place=bacheca", 10},
		{"place=altro", 0},
		{"from=2000-01-01&to=2999-12-31", 10},
		{"to=2000-01-01", 0},
		{"actor=" + modUser.ID + "&action=thread.lock&target=" + threads[2], 2},
	}
	for _, c := range cases {
		seen := map[int]bool{}
		cursor, total := 0, -1
		for pages := 0; pages < 20; pages++ {
			var p auditPage
			admin.Expect(200, "GET", fmt.Sprintf("/api/v1/admin/audit?%s&limit=3&cursor=%d", c.query, cursor), nil).JSON(t, &p)
			total = p.Total
			for _, e := range p.Items {
				if seen[e.N] {
					t.Errorf("%s: entry %d twice", c.query, e.N)
				}
				seen[e.N] = true
			}
			if p.NextCursor == 0 {
				break
			}
			cursor = p.NextCursor
		}
		if len(seen) != c.want || total != c.want {
			t.Errorf("%s: walked %d entries, total %d; want %d", c.query, len(seen), total, c.want)
		}
	}
	bad := []struct{ query, field string }{
		{"limit=101", "limit"},
		{"limit=x", "limit"},
		{"cursor=-1", "cursor"},
		{"from=01/02/2026", "from"},
		{"from=2026-02-02&to=2026-02-01", "to"},
		{"actor=%00", "actor"},
		{"action=%FF", "action"},
		{"format=xml", "format"},
	}
	for _, b := range bad {
		r := admin.Expect(400, "GET", "/api/v1/admin/audit/export?"+b.query, nil)
		if r.Fields()[b.field] == "" {
			t.Errorf("%s: fields %v, want one on %s", b.query, r.Fields(), b.field)
		}
	}
}

// The CSV export is RFC 4180 with formula cells neutralised, the JSON
// export the same entries.
func TestAuditExport(t *testing.T) {
	env := webtest.Start(t, nil)
	admin, adminUser := env.Admin()
	env.Client().Expect(201, "POST", "/api/v1/enrolments", enrolment("c_b002", "csv@example.it"))
	reason := "=HYPERLINK(\"http://x\",\"clic\"), con virgola\ne a capo"
	admin.Expect(200, "POST", "/api/v1/admin/administrations/c_b002/reject", map[string]any{"reason": reason})
	r := admin.Expect(200, "GET", "/api/v1/admin/audit/export?format=csv&action=enrolment", nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(r.Header.Get("Content-Disposition"), ".csv") {
		t.Errorf("CSV export: Content-Type %q, Content-Disposition %q", ct, r.Header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV export does not parse: %v\n%s", err, r.Body)
	}
	if len(rows) != 2 || strings.Join(rows[0], ",") != "n,at,actor_id,actor_name,actor_role,action,target_kind,target_id,target_label,place,reason,before,after" {
		t.Fatalf("CSV rows %q", rows)
	}
	got := rows[1]
	want := map[int]string{2: adminUser.ID, 4: "admin", 5: "enrolment.reject", 6: "administration", 7: "c_b002",
		10: "'" + strings.ReplaceAll(reason, "\r\n", "\n"), 11: `{"status":"pending"}`, 12: `{"status":"rejected"}`}
	for col, w := range want {
		if got[col] != w {
			t.Errorf("CSV column %s = %q, want %q", rows[0][col], got[col], w)
		}
	}
	if !strings.Contains(string(r.Body), "\r\n") {
		t.Error("CSV export's lines do not end in CRLF")
	}
	var js []struct {
		Action, Reason string
	}
	r = admin.Expect(200, "GET", "/api/v1/admin/audit/export?format=json&action=enrolment.reject", nil)
	r.JSON(t, &js)
	if len(js) != 1 || js[0].Action != "enrolment.reject" || js[0].Reason != reason {
		t.Errorf("JSON export %+v, want the rejection with its reason as written", js)
	}
}

// No route edits or deletes an entry: the app serves the audit paths for
// GET (and HEAD) only, and every other method on them, or on an entry's
// would-be path, changes nothing.
func TestAuditHasNoWriteRoute(t *testing.T) {
	env := webtest.Start(t, nil)
	admin, _ := env.Admin()
	env.Client().Expect(201, "POST", "/api/v1/enrolments", enrolment("c_c003", "fisso@example.it"))
	admin.Expect(200, "POST", "/api/v1/admin/administrations/c_c003/approve", nil)
	for _, r := range env.Board.App.GetRoutes(true) {
		if strings.Contains(r.Path, "audit") && r.Method != "GET" && r.Method != "HEAD" {
			t.Errorf("%s %s: a route that may change the audit log", r.Method, r.Path)
		}
	}
	var before auditPage
	admin.Expect(200, "GET", "/api/v1/admin/audit", nil).JSON(t, &before)
	if before.Total != 1 {
		t.Fatalf("log holds %d entries, want the approval", before.Total)
	}
	id := fmt.Sprint(before.Items[0].N)
	for _, path := range []string{"/api/v1/admin/audit", "/api/v1/admin/audit/" + id, "/api/v1/admin/audit/export"} {
		for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
			if r := admin.Do(m, path, map[string]any{"reason": "cancellato", "action": "x"}); r.Status < 400 {
				t.Errorf("%s %s answered %d", m, path, r.Status)
			}
		}
	}
	var after auditPage
	admin.Expect(200, "GET", "/api/v1/admin/audit", nil).JSON(t, &after)
	if after.Total != 1 || after.Items[0].Reason != before.Items[0].Reason || after.Items[0].Action != "enrolment.approve" {
		t.Errorf("after the write attempts the log holds %+v, want %+v", after.Items, before.Items)
	}
}
