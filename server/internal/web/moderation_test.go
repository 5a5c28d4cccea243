package web_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/moderation"
	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

func queuePage(t testing.TB, c *webtest.Client, query string) moderation.Page {
	t.Helper()
	var p moderation.Page
	c.Expect(200, "GET", "/api/v1/moderation/queue"+query, nil).JSON(t, &p)
	return p
}

func queueIDs(p moderation.Page) []string {
	out := []string{}
	for _, it := range p.Items {
		out = append(out, it.ID)
	}
	return out
}

func report(kind, id, reason string) map[string]any {
	return map[string]any{"kind": kind, "id": id, "reason": reason}
}

func notificationKinds(t *testing.T, c *webtest.Client) []string {
	t.Helper()
	var p notify.Page
	c.Expect(200, "GET", "/api/v1/notifications", nil).JSON(t, &p)
	var out []string
	for _, n := range p.Items {
		out = append(out, n.Kind+":"+n.PostID)
	}
	return out
}

// Bad reports are refused without storing anything: unknown kinds and
// reasons, "other" without words, items that do not exist.
func TestModerationReportValidation(t *testing.T) {
	env := webtest.Start(t, nil)
	anna, _ := env.NewUser(account.RoleParticipant)
	th := newThread(t, anna, "bacheca", "Segnalazioni")
	carla, _ := env.NewUser(account.RoleParticipant)
	cases := []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"unknown kind", report("cell", th.Post.ID, "spam"), 400, "kind"},
		{"unknown reason", report("post", th.Post.ID, "boring"), 400, "reason"},
		{"other without text", report("post", th.Post.ID, "other"), 400, "text"},
		{"other with blank text", map[string]any{"kind": "post", "id": th.Post.ID, "reason": "other", "text": "   "}, 400, "text"},
		{"no such post", report("post", th.Thread.ID+"-99", "spam"), 404, ""},
		{"malformed id", report("post", "a.b$c", "spam"), 404, ""},
		{"forged field", map[string]any{"kind": "post", "id": th.Post.ID, "reason": "spam", "state": "dismissed"}, 400, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := carla.Raw().Do("POST", "/api/v1/moderation/reports", c.body)
			if r.Status != c.status || (c.field != "" && r.Fields()[c.field] == "") {
				t.Errorf("got %d %v, want %d on %q", r.Status, r.Fields(), c.status, c.field)
			}
		})
	}
	mod, _ := env.NewUser(account.RoleModerator)
	if p := queuePage(t, mod, ""); p.Total != 0 || p.Reported != 0 {
		t.Errorf("queue after refused reports: %+v", p)
	}
}

// A post reported once per user (twice: 409), hidden at the third
// distinct report, its author told and still seeing it with the reason,
// readers seeing a placeholder; the record keeps the first snapshot.
func TestModerationReportsHideAfterThreshold(t *testing.T) {
	env := webtest.Start(t, nil)
	author, authorU := env.NewUser(account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	th := newThread(t, author, "bacheca", "Offerte")
	p := reply(t, author, th.Thread.ID, "", "Compra da noi, sconti!")
	var reporters []*webtest.Client
	for range 3 {
		c, _ := env.NewUser(account.RoleParticipant)
		reporters = append(reporters, c)
	}
	reader, _ := env.NewUser(account.RoleParticipant)
	rid := moderation.RecordID("post", p.ID)

	reporters[0].Expect(201, "POST", "/api/v1/moderation/reports", report("post", p.ID, "spam"))
	if r := reporters[0].Do("POST", "/api/v1/moderation/reports", report("post", p.ID, "off_topic")); r.Status != 409 || r.ErrorCode() != "already_reported" {
		t.Errorf("second report by the same user: got %d %s, want 409 already_reported", r.Status, r.ErrorCode())
	}
	// the author edits; the record keeps what the first reporter saw
	author.Expect(200, "PATCH", "/api/v1/posts/"+p.ID, map[string]any{"body": "Compra da noi, sconti del 50%!"})
	reporters[1].Expect(201, "POST", "/api/v1/moderation/reports",
		map[string]any{"kind": "post", "id": p.ID, "reason": "other", "text": "Pubblicità"})
	q := queuePage(t, mod, "")
	if len(q.Items) != 1 || q.Items[0].ID != rid || q.Items[0].Open != 2 || q.Items[0].State != "reported" ||
		q.Items[0].Snapshot != "Compra da noi, sconti!" || q.Items[0].Current == nil || *q.Items[0].Current != "Compra da noi, sconti del 50%!" ||
		q.Items[0].PlaceLabel != "Offerte" || q.Items[0].Author.ID != authorU.ID {
		t.Fatalf("queue after two reports: %+v", q)
	}
	if got := []string{q.Items[0].Reports[0].Snapshot, q.Items[0].Reports[1].Snapshot}; got[0] != "Compra da noi, sconti del 50%!" || got[1] != "Compra da noi, sconti!" {
		t.Errorf("reports' own snapshots: got %q", got)
	}
	if slices.Contains(notificationKinds(t, author), "moderation_hidden:"+rid) {
		t.Errorf("author told before the threshold")
	}
	reporters[2].Expect(201, "POST", "/api/v1/moderation/reports", report("post", p.ID, "spam"))

	q = queuePage(t, mod, "?state=hidden")
	if len(q.Items) != 1 || q.Items[0].State != "hidden" || !q.Items[0].AutoHidden || q.Hidden != 1 || q.Reported != 0 {
		t.Fatalf("hidden tab after three reports: %+v", q)
	}
	if !slices.Contains(notificationKinds(t, author), "moderation_hidden:"+rid) {
		t.Errorf("author not told: %v", notificationKinds(t, author))
	}
	find := func(c *webtest.Client) seenPost {
		for _, x := range threadPage(t, c, "/api/v1/threads/"+th.Thread.ID).Posts {
			if x.ID == p.ID {
				return seenPost{x.Body, x.Hidden, x.HiddenReason}
			}
		}
		t.Fatalf("post %s not on the page", p.ID)
		return seenPost{}
	}
	if got := find(reader); got.body != "" || !got.hidden || got.reason != "" {
		t.Errorf("reader sees %+v, want the placeholder", got)
	}
	if got := find(author); got.body != "Compra da noi, sconti del 50%!" || !got.hidden || got.reason == "" {
		t.Errorf("author sees %+v, want their post and the reason", got)
	}
	// a fourth reporter still may report a hidden item, once
	c4, _ := env.NewUser(account.RoleParticipant)
	c4.Expect(201, "POST", "/api/v1/moderation/reports", report("post", p.ID, "inappropriate"))
	if q := queuePage(t, mod, "?state=hidden"); q.Items[0].Open != 4 || q.Items[0].Total != 4 {
		t.Errorf("open, total after a fourth report: %d, %d", q.Items[0].Open, q.Items[0].Total)
	}
}

type seenPost struct {
	body   string
	hidden bool
	reason string
}

// Room messages reported through the rooms' route land in the same queue.
func TestModerationRoomReportsFeedTheQueue(t *testing.T) {
	env := webtest.Start(t, func(c *config.Config) { c.ReportHideAfter = 2 })
	mod, _ := env.NewUser(account.RoleModerator)
	anna, annaU := env.NewUser(account.RoleParticipant)
	bruno, _ := env.NewUser(account.RoleParticipant)
	carla, _ := env.NewUser(account.RoleParticipant)
	r := newRoom(t, mod, nil)
	m := send(t, anna, r.ID, "a1", "Ecco il mio numero: 333 1234567")
	bruno.Expect(201, "POST", msgPath(r.ID, 1, "/reports"), map[string]any{"reason": "personal_data"})
	if res := bruno.Do("POST", "/api/v1/moderation/reports", report("message", m.ID, "spam")); res.Status != 409 {
		t.Errorf("the same report through the generic route: got %d, want 409", res.Status)
	}
	q := queuePage(t, mod, "?kind=message&place="+r.ID)
	if len(q.Items) != 1 || q.Items[0].ItemID != m.ID || q.Items[0].PlaceLabel != r.Name || q.Items[0].Reasons["personal_data"] != 1 {
		t.Fatalf("queue: %+v", q)
	}
	carla.Expect(201, "POST", msgPath(r.ID, 1, "/reports"), map[string]any{"reason": "personal_data"})
	page := roomPage(t, bruno, "/api/v1/rooms/"+r.ID+"/messages")
	if got := page.Messages[0]; !got.Hidden || got.Body != "" {
		t.Errorf("reader sees %+v, want a placeholder", got)
	}
	page = roomPage(t, anna, "/api/v1/rooms/"+r.ID+"/messages")
	if got := page.Messages[0]; !got.Hidden || got.Body != m.Body || got.HiddenReason == "" {
		t.Errorf("author sees %+v, want their message and the reason", got)
	}
	if !slices.Contains(notificationKinds(t, anna), "moderation_hidden:"+moderation.RecordID("message", m.ID)) {
		t.Errorf("author %s not told", annaU.ID)
	}
}

// The queue's filters and sorts, against a simple model of the records.
func TestModerationQueueFiltersAndSorts(t *testing.T) {
	env := webtest.Start(t, nil)
	mod, _ := env.NewUser(account.RoleModerator)
	author, _ := env.NewUser(account.RoleParticipant)
	var users []*webtest.Client
	for range 2 {
		c, _ := env.NewUser(account.RoleParticipant)
		users = append(users, c)
	}
	a := newThread(t, author, "bacheca", "Alfa")
	b := newThread(t, author, "bacheca", "Beta")
	pa := reply(t, author, a.Thread.ID, "", "uno")
	pb := reply(t, author, b.Thread.ID, "", "due")
	r := newRoom(t, mod, nil)
	m := send(t, author, r.ID, "m1", "tre")
	// reported in this order: pa (1 report), pb (2), m (1), a's opening (1)
	users[0].Expect(201, "POST", "/api/v1/moderation/reports", report("post", pa.ID, "spam"))
	users[0].Expect(201, "POST", "/api/v1/moderation/reports", report("post", pb.ID, "off_topic"))
	users[1].Expect(201, "POST", "/api/v1/moderation/reports", report("post", pb.ID, "duplicate"))
	users[0].Expect(201, "POST", "/api/v1/moderation/reports", report("message", m.ID, "spam"))
	users[1].Expect(201, "POST", "/api/v1/moderation/reports", report("post", a.Post.ID, "inappropriate"))
	id := func(kind, item string) string { return moderation.RecordID(kind, item) }
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{id("post", a.Post.ID), id("message", m.ID), id("post", pb.ID), id("post", pa.ID)}},
		{"?sort=most_reported", []string{id("post", pb.ID), id("post", a.Post.ID), id("message", m.ID), id("post", pa.ID)}},
		{"?kind=message", []string{id("message", m.ID)}},
		{"?kind=post&reason=spam", []string{id("post", pa.ID)}},
		{"?reason=spam", []string{id("message", m.ID), id("post", pa.ID)}},
		{"?place=" + a.Thread.ID, []string{id("post", a.Post.ID), id("post", pa.ID)}},
		{"?state=hidden", []string{}},
		{"?limit=2&offset=1", []string{id("message", m.ID), id("post", pb.ID)}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			if got := queueIDs(queuePage(t, mod, c.query)); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	if r := mod.Raw().Do("GET", "/api/v1/moderation/queue?sort=oldest", nil); r.Status != 400 {
		t.Errorf("unknown sort: got %d", r.Status)
	}
	if r := author.Do("GET", "/api/v1/moderation/queue", nil); r.Status != 403 {
		t.Errorf("participant reads the queue: got %d", r.Status)
	}
}

// Each action changes the record, the item and the queue, and appends an
// audit entry with actor, action, target, reason and before/after.
func TestModerationActions(t *testing.T) {
	env := webtest.Start(t, nil)
	mod, modU := env.NewUser(account.RoleModerator)
	author, _ := env.NewUser(account.RoleParticipant)
	reporter, _ := env.NewUser(account.RoleParticipant)
	reader, _ := env.NewUser(account.RoleParticipant)
	th := newThread(t, author, "bacheca", "Azioni")
	post := func(body string) (seenPost, string) {
		p := reply(t, author, th.Thread.ID, "", body)
		reporter.Expect(201, "POST", "/api/v1/moderation/reports", report("post", p.ID, "spam"))
		return seenPost{}, p.ID
	}
	seen := func(c *webtest.Client, id string) seenPost {
		for _, x := range threadPage(t, c, "/api/v1/threads/"+th.Thread.ID).Posts {
			if x.ID == id {
				return seenPost{x.Body, x.Hidden || x.Deleted, x.HiddenReason + x.DeleteReason}
			}
		}
		return seenPost{}
	}
	cases := []struct {
		action, before, after string
		readerHidden          bool
		notified              string
		inQueue               string // "" none, else the state tab
	}{
		{"dismiss", "reported", "dismissed", false, "", ""},
		{"hide", "reported", "hidden", true, "moderation_hidden", "hidden"},
		{"delete", "reported", "deleted", true, "moderation_deleted", ""},
		{"warn", "reported", "reported", false, "moderation_warning", "reported"},
	}
	for i, c := range cases {
		t.Run(c.action, func(t *testing.T) {
			_, pid := post(fmt.Sprintf("Messaggio %d", i))
			rid := moderation.RecordID("post", pid)
			reason := "Motivo " + c.action
			var res moderation.Result
			mod.Expect(200, "POST", "/api/v1/moderation/actions", map[string]any{"action": c.action, "ids": []string{rid}, "reason": reason}).JSON(t, &res)
			if !slices.Equal(res.Done, []string{rid}) || len(res.Skipped) != 0 {
				t.Fatalf("result %+v", res)
			}
			if got := seen(reader, pid); got.hidden != c.readerHidden {
				t.Errorf("reader sees hidden=%v, want %v", got.hidden, c.readerHidden)
			}
			for _, tab := range []string{"reported", "hidden"} {
				in := slices.Contains(queueIDs(queuePage(t, mod, "?state="+tab)), rid)
				if in != (tab == c.inQueue) {
					t.Errorf("in tab %s: %v, want %v", tab, in, tab == c.inQueue)
				}
			}
			if c.notified != "" && !slices.Contains(notificationKinds(t, author), c.notified+":"+rid) {
				t.Errorf("author not told %s: %v", c.notified, notificationKinds(t, author))
			}
			var log auditPage
			mod.Expect(200, "GET", "/api/v1/admin/audit?action=moderation."+c.action+"&target="+rid, nil).JSON(t, &log)
			if len(log.Items) != 1 {
				t.Fatalf("audit entries: %s", log.actions())
			}
			e := log.Items[0]
			if e.Actor.ID != modU.ID || e.Reason != reason || e.Target.Kind != "moderation" || e.Place != th.Thread.ID {
				t.Errorf("entry %+v", e)
			}
			if c.action != "warn" && (e.Before["state"] != c.before || e.After["state"] != c.after) {
				t.Errorf("before/after %v %v, want %s %s", e.Before, e.After, c.before, c.after)
			}
		})
	}
	// restore a hidden post: visible again, out of the queue
	_, pid := post("Da ripristinare")
	rid := moderation.RecordID("post", pid)
	mod.Expect(200, "POST", "/api/v1/moderation/actions", map[string]any{"action": "hide", "ids": []string{rid}, "reason": "Verifica"})
	var res moderation.Result
	mod.Expect(200, "POST", "/api/v1/moderation/actions", map[string]any{"action": "restore", "ids": []string{rid, "post:nope-1"}, "reason": "Tutto a posto"}).JSON(t, &res)
	if !slices.Equal(res.Done, []string{rid}) || len(res.Skipped) != 1 || res.Skipped[0].Code != "not_found" {
		t.Errorf("restore: %+v", res)
	}
	if got := seen(reader, pid); got.hidden || got.body != "Da ripristinare" {
		t.Errorf("reader after restore: %+v", got)
	}
	// handled already: a second restore is skipped, no entry
	mod.Expect(200, "POST", "/api/v1/moderation/actions", map[string]any{"action": "restore", "ids": []string{rid}, "reason": "Ancora"}).JSON(t, &res)
	if len(res.Done) != 0 || len(res.Skipped) != 1 || res.Skipped[0].Code != "already_handled" {
		t.Errorf("second restore: %+v", res)
	}
	// a new report after the review reopens the record
	other, _ := env.NewUser(account.RoleParticipant)
	other.Expect(201, "POST", "/api/v1/moderation/reports", report("post", pid, "spam"))
	if q := queuePage(t, mod, ""); !slices.Contains(queueIDs(q), rid) {
		t.Errorf("reopened record not in the queue: %v", queueIDs(q))
	}
	// refusals: no reason, too many ids, a participant
	for _, bad := range []map[string]any{
		{"action": "hide", "ids": []string{rid}, "reason": " "},
		{"action": "hide", "ids": []string{}, "reason": "x"},
		{"action": "ban", "ids": []string{rid}, "reason": "x"},
		{"action": "hide", "ids": make([]string, 101), "reason": "x"},
	} {
		if r := mod.Raw().Do("POST", "/api/v1/moderation/actions", bad); r.Status != 400 {
			t.Errorf("%v: got %d, want 400", bad, r.Status)
		}
	}
	if r := author.Do("POST", "/api/v1/moderation/actions", map[string]any{"action": "dismiss", "ids": []string{rid}, "reason": "mio"}); r.Status != 403 {
		t.Errorf("participant acts: got %d", r.Status)
	}
}

// A bulk action on 100 records handles them all, one audit entry each.
func TestModerationBulk(t *testing.T) {
	env := webtest.Start(t, nil)
	mod, _ := env.NewUser(account.RoleModerator)
	author, _ := env.NewUser(account.RoleParticipant)
	reporter, _ := env.NewUser(account.RoleParticipant)
	th := newThread(t, author, "bacheca", "Molti")
	var ids []string
	for i := range 100 {
		p := reply(t, author, th.Thread.ID, "", fmt.Sprintf("Risposta %d", i))
		reporter.Expect(201, "POST", "/api/v1/moderation/reports", report("post", p.ID, "spam"))
		ids = append(ids, moderation.RecordID("post", p.ID))
	}
	if q := queuePage(t, mod, "?limit=100"); q.Total != 100 || len(q.Items) != 100 {
		t.Fatalf("queue: total %d, items %d", q.Total, len(q.Items))
	}
	var res moderation.Result
	start := time.Now()
	mod.Expect(200, "POST", "/api/v1/moderation/actions", map[string]any{"action": "hide", "ids": ids, "reason": "Spam in massa"}).JSON(t, &res)
	t.Logf("hid 100 posts in %v", time.Since(start))
	if len(res.Done) != 100 {
		t.Fatalf("done %d, skipped %v", len(res.Done), res.Skipped)
	}
	if q := queuePage(t, mod, "?state=hidden&limit=100"); q.Total != 100 || q.Reported != 0 {
		t.Errorf("hidden tab: total %d, reported %d", q.Total, q.Reported)
	}
	var log auditPage
	mod.Expect(200, "GET", "/api/v1/admin/audit?action=moderation.hide&limit=100", nil).JSON(t, &log)
	if log.Total != 100 {
		t.Errorf("audit entries: %d, want 100", log.Total)
	}
	// the posts themselves are hidden in the background of a bulk action
	hidden := 0
	for deadline := time.Now().Add(20 * time.Second); hidden != 100 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		hidden = 0
		for page := 1; page <= 2; page++ {
			for _, p := range threadPage(t, author, fmt.Sprintf("/api/v1/threads/%s?per_page=100&page=%d", th.Thread.ID, page)).Posts {
				if p.Hidden && strings.HasPrefix(p.Body, "Risposta") {
					hidden++
				}
			}
		}
	}
	if hidden != 100 {
		t.Errorf("the author sees %d of their posts hidden, want 100", hidden)
	}

	// A bulk delete of 60 (three buckets and more): each post a placeholder
	// for readers, each record closed, one audit entry each for the record
	// and for the post.
	res = moderation.Result{}
	mod.Expect(200, "POST", "/api/v1/moderation/actions", map[string]any{"action": "delete", "ids": ids[20:80], "reason": "Spam cancellato"}).JSON(t, &res)
	if len(res.Done) != 60 || len(res.Skipped) != 0 {
		t.Fatalf("delete: done %d, skipped %v", len(res.Done), res.Skipped)
	}
	deleted, shown := map[int]bool{}, 0
	for page := 1; page <= 2; page++ {
		for _, p := range threadPage(t, reporter, fmt.Sprintf("/api/v1/threads/%s?per_page=100&page=%d", th.Thread.ID, page)).Posts {
			switch {
			case p.Deleted:
				deleted[p.N] = true
				if p.Body != "" || p.DeleteReason != "Spam cancellato" {
					t.Errorf("deleted post %d: body %q, reason %q", p.N, p.Body, p.DeleteReason)
				}
			case strings.HasPrefix(p.Body, "Risposta"):
				shown++
			}
		}
	}
	// replies are posts 2..101: ids[i] is post i+2
	for n := 22; n <= 81; n++ {
		if !deleted[n] {
			t.Errorf("post %d not deleted", n)
		}
	}
	if len(deleted) != 60 || shown != 0 {
		t.Errorf("readers see %d deleted posts (want 60) and %d replies' text (want 0: the rest are hidden)", len(deleted), shown)
	}
	if q := queuePage(t, mod, "?state=hidden&limit=100"); q.Total != 40 {
		t.Errorf("hidden tab after the delete: total %d, want 40", q.Total)
	}
	for action, want := range map[string]int{"moderation.delete": 60, "post.delete": 60} {
		mod.Expect(200, "GET", "/api/v1/admin/audit?action="+action+"&limit=100", nil).JSON(t, &log)
		if log.Total != want {
			t.Errorf("audit %s: %d entries, want %d", action, log.Total, want)
		}
	}
}

// The moderation routes in the JSON body and GET parameter tables
// (json_body_test.go, query_test.go), the GET one before the catch-alls.
func init() {
	jsonBodyRoutes = append(jsonBodyRoutes, []struct{ method, path, body, field string }{
		{"POST", "/api/v1/moderation/reports", `{"kind":"post","id":"1:1","reason":"other","text":"%s"}`, "text"},
		{"POST", "/api/v1/moderation/actions", `{"action":"hide","ids":["post:1:1"],"reason":"%s"}`, "reason"},
	}...)
	n := len(getRoutes) - 2
	getRoutes = append(getRoutes[:n:n], append([]getRoute{
		{"/api/v1/moderation/queue", []string{"state", "kind", "place", "reason", "sort", "offset", "limit"}},
	}, getRoutes[n:]...)...)
}

// TestModerationHiddenPostLeavesSearch: a post hidden after its reports is
// no longer found by search, for anyone; restored, it is found again.
func TestModerationHiddenPostLeavesSearch(t *testing.T) {
	env := webtest.Start(t, nil)
	author, _ := env.NewUser(account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	th := newThread(t, author, "bacheca", "Fornitori")
	p := reply(t, author, th.Thread.ID, "", "Chiamate il numero zanzibarico per offerte")
	found := func(step string, want int) {
		t.Helper()
		ctx := testenv.Ctx(t)
		if err := env.Board.Outbox.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if err := env.Board.SearchQueue.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*webtest.Client{author, mod} {
			var a searchAnswer
			c.Expect(200, "GET", "/api/v1/search?q=zanzibarico", nil).JSON(t, &a)
			if a.Total != want {
				t.Errorf("%s: search found %d, want %d", step, a.Total, want)
			}
		}
	}
	found("before the reports", 1)
	for range 3 {
		c, _ := env.NewUser(account.RoleParticipant)
		c.Expect(201, "POST", "/api/v1/moderation/reports", report("post", p.ID, "spam"))
	}
	found("hidden after three reports", 0)
	mod.Expect(200, "POST", "/api/v1/moderation/actions", map[string]any{"action": "restore",
		"ids": []string{moderation.RecordID("post", p.ID)}, "reason": "Nessuna pubblicità: è un fornitore della gara"})
	found("restored", 1)
}

// A bulk hide of 60 room messages (two buckets), then a bulk restore of
// half: readers see exactly the placeholders of the hidden ones, the
// author each message with its reason.
func TestModerationBulkRoomMessages(t *testing.T) {
	env := webtest.Start(t, nil, boot.WithRoomSendRate(1000, time.Hour))
	mod, _ := env.NewUser(account.RoleModerator)
	author, _ := env.NewUser(account.RoleParticipant)
	reader, _ := env.NewUser(account.RoleParticipant)
	r := newRoom(t, mod, nil)
	var ids []string
	for i := range 60 {
		m := send(t, author, r.ID, fmt.Sprintf("c%d", i), fmt.Sprintf("Messaggio %d", i))
		reader.Expect(201, "POST", "/api/v1/moderation/reports", report("message", m.ID, "spam"))
		ids = append(ids, moderation.RecordID("message", m.ID))
	}
	hiddenSeqs := func(c *webtest.Client) map[int]string {
		out := map[int]string{}
		for _, m := range roomPage(t, c, "/api/v1/rooms/"+r.ID+"/messages?limit=100").Messages {
			if m.Hidden {
				out[m.Seq] = m.Body
			}
		}
		return out
	}
	waitHidden := func(want int) map[int]string {
		var got map[int]string
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if got = hiddenSeqs(reader); len(got) == want {
				break
			}
		}
		return got
	}
	var res moderation.Result
	mod.Expect(200, "POST", "/api/v1/moderation/actions", map[string]any{"action": "hide", "ids": ids, "reason": "Spam in massa"}).JSON(t, &res)
	if len(res.Done) != 60 {
		t.Fatalf("hide: done %d, skipped %v", len(res.Done), res.Skipped)
	}
	if got := waitHidden(60); len(got) != 60 {
		t.Fatalf("reader sees %d messages hidden, want 60", len(got))
	}
	for seq, body := range hiddenSeqs(author) {
		if body != fmt.Sprintf("Messaggio %d", seq-1) {
			t.Errorf("author's hidden message %d: body %q", seq, body)
		}
	}
	mod.Expect(200, "POST", "/api/v1/moderation/actions", map[string]any{"action": "restore", "ids": ids[:30], "reason": "Non era spam"}).JSON(t, &res)
	got := waitHidden(30)
	for seq := 1; seq <= 60; seq++ {
		_, hidden := got[seq]
		if want := seq > 30; hidden != want {
			t.Errorf("message %d: hidden %v, want %v", seq, hidden, want)
		}
		if hidden && got[seq] != "" {
			t.Errorf("reader sees the text of hidden message %d: %q", seq, got[seq])
		}
	}
}
