package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/realtime/rttest"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// authzCell is one cell of the authorisation table: who (role), whose
// item, in which administration, in which state.
type authzCell struct {
	Role     authz.Role
	Own      bool // the item is the subject's own
	OtherAdm bool // the item belongs to another administration
	State    authz.State
}

func (c authzCell) String() string {
	own, adm := "other", "own-adm"
	if c.Own {
		own = "own"
	}
	if c.OtherAdm {
		adm = "other-adm"
	}
	return fmt.Sprintf("%s/%s/%s/%s", c.Role, own, adm, c.State)
}

// cellsOf generates the cells of an action from the dimensions the table
// gives it. Anonymous subjects own nothing.
func cellsOf(a authz.Action) []authzCell {
	d := a.Info().Dims
	owns, adms, states := []bool{false}, []bool{false}, []authz.State{0}
	if d.Owner {
		owns = []bool{false, true}
	}
	if d.Administration {
		adms = []bool{false, true}
	}
	for _, s := range authz.AllStates() {
		if d.States&s != 0 {
			states = append(states, s)
		}
	}
	var out []authzCell
	for _, r := range authz.AllRoles() {
		for _, own := range owns {
			if own && r == authz.Anonymous {
				continue
			}
			for _, adm := range adms {
				for _, s := range states {
					out = append(out, authzCell{Role: r, Own: own, OtherAdm: adm, State: s})
				}
			}
		}
	}
	return out
}

// authzWorld is one app and store shared by every generated case: a user
// per role in administration "home", a stranger in administration "away",
// a moderator and an admin who prepare items.
type authzWorld struct {
	env      *webtest.Env
	home     *account.Administration
	away     *account.Administration
	clients  map[authz.Role]*webtest.Client
	users    map[authz.Role]*account.User
	stranger *account.User
	mod      *account.User
	boss     *webtest.Client
	bossUser *account.User
	category string   // writable category for items
	archived string   // category toggled archived for "archived" cells
	records  []string // published records the tables compare (tableRecords)
	seq      atomic.Int64
}

func newAuthzWorld(t *testing.T) *authzWorld {
	env := webtest.Start(t, nil)
	w := &authzWorld{env: env, clients: map[authz.Role]*webtest.Client{}, users: map[authz.Role]*account.User{}}
	ctx := testenv.Ctx(t)
	w.home, w.away = env.NewAdministration(), env.NewAdministration()
	add := func(r authz.Role, role account.Role) {
		c, u := env.NewUserIn(w.home.ID, role)
		w.clients[r], w.users[r] = c, u
	}
	add(authz.Referente, account.RoleParticipant) // the first member is the referente
	add(authz.Participant, account.RoleParticipant)
	add(authz.Moderator, account.RoleModerator)
	add(authz.Admin, account.RoleAdmin)
	add(authz.Suspended, account.RoleParticipant)
	_, w.stranger = env.NewUserIn(w.away.ID, account.RoleParticipant)
	_, w.mod = env.NewUserIn(w.away.ID, account.RoleModerator)
	w.boss, w.bossUser = env.NewUserIn(w.away.ID, account.RoleAdmin)
	w.clients[authz.Anonymous] = env.Client()
	// pending: the referente of an enrolment nobody has decided on
	_, pu, _, err := env.Board.Accounts.Enrol(ctx, account.Enrolment{CodiceIPA: "az_pending", Name: "Comune in attesa",
		Category: "comune", Region: "lazio", Referente: account.Credentials{Name: "In Attesa", Email: "attesa@example.it", Password: webtest.Password}}, "it")
	if err != nil {
		t.Fatal(err)
	}
	w.users[authz.Pending] = pu
	w.clients[authz.Pending] = env.Client()
	w.clients[authz.Pending].LoginAs(pu)
	w.category = "tavolo-confronto"
	var c forum.Category
	w.boss.Expect(201, "POST", "/api/v1/admin/categories", map[string]string{"name_it": "Archivio di prova"}).JSON(t, &c)
	w.archived = c.ID
	return w
}

// suspend happens after every item of the suspended user exists: the
// table must hold with their sessions gone too (they get a fresh one).
func (w *authzWorld) suspend(t *testing.T) {
	u := w.users[authz.Suspended]
	if _, err := w.env.Board.Accounts.SetSuspended(testenv.Ctx(t), w.bossUser, u.ID, true); err != nil {
		t.Fatal(err)
	}
	u.Suspended = true
	w.clients[authz.Suspended].LoginAs(u)
}

func (w *authzWorld) owner(c authzCell) *account.User {
	if c.Own {
		return w.users[c.Role]
	}
	return w.stranger
}

// thread makes a thread by the cell's owner in the cell's state, as the
// service does it (the table is about the acting subject, not the author).
func (w *authzWorld) thread(t *testing.T, c authzCell) forum.ThreadView {
	ctx := testenv.Ctx(t)
	cat := w.category
	if c.State&authz.Archived != 0 {
		cat = w.archived
	}
	author := *w.owner(c) // as they were when active: the table judges the actor, not the author
	author.Suspended, author.AdministrationStatus = false, account.StatusApproved
	th, _, err := w.env.Board.Forum.CreateThread(ctx, &author, forum.NewThread{CategoryID: cat,
		Title: fmt.Sprintf("Caso %d", w.seq.Add(1)), Body: "Primo messaggio."})
	if err != nil {
		t.Fatalf("create thread: %v", err)
	}
	if c.State&authz.Locked != 0 {
		on := true
		if _, err := w.env.Board.Forum.UpdateThread(ctx, w.mod, th.ID, forum.ThreadPatch{Locked: &on}); err != nil {
			t.Fatalf("lock: %v", err)
		}
	}
	if c.State&authz.Deleted != 0 {
		if err := w.env.Board.Forum.DeletePost(ctx, w.mod, th.ID+"-1", forum.PostDeletion{}); err != nil {
			t.Fatalf("delete: %v", err)
		}
	}
	if c.State&authz.Archived != 0 {
		w.setArchived(t, true)
		t.Cleanup(func() { w.setArchived(t, false) })
	}
	return th
}

func (w *authzWorld) setArchived(t *testing.T, on bool) {
	if _, err := w.env.Board.Forum.UpdateCategory(testenv.Ctx(t), w.bossUser, w.archived, forum.CategoryPatch{Archived: &on}, "it"); err != nil {
		t.Fatalf("archive: %v", err)
	}
}

// snapshot is what a write could change in a thread, as an admin sees it.
func (w *authzWorld) snapshot(t *testing.T, id string) string {
	var p forum.ThreadPage
	w.boss.Expect(200, "GET", "/api/v1/threads/"+id, nil).JSON(t, &p)
	s := fmt.Sprintf("%s %v pinned=%v locked=%v replies=%d", p.Thread.Title, p.Thread.Tags, p.Thread.Pinned, p.Thread.Locked, p.Thread.ReplyCount)
	for _, q := range p.Posts {
		s += fmt.Sprintf(" [%s %q deleted=%v", q.ID, q.Body, q.Deleted)
		for _, k := range forum.ReactionKinds {
			s += fmt.Sprintf(" %s=%d", k, q.Reactions[k].Count)
		}
		s += "]"
	}
	return s
}

// threadCase runs one request against a fresh thread of the cell and
// returns the status and whether the thread changed.
func (w *authzWorld) threadCase(t *testing.T, c authzCell, method, path string, body any) (int, bool) {
	th := w.thread(t, c)
	before := w.snapshot(t, th.ID)
	r := w.clients[c.Role].Do(method, strings.ReplaceAll(path, "{thread}", th.ID), body)
	return r.Status, w.snapshot(t, th.ID) != before
}

// httpDrivers perform an action over HTTP for a cell: the status and
// whether anything changed in the store.
var httpDrivers = map[authz.Action]func(*testing.T, *authzWorld, authzCell) (int, bool){
	authz.TakePart: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.clients[c.Role].Do("GET", "/api/v1/threads", nil).Status, false
	},
	authz.ManageCategories: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		name := fmt.Sprintf("Nome %d", w.seq.Add(1))
		r := w.clients[c.Role].Do("PATCH", "/api/v1/admin/categories/"+w.category, map[string]any{"description_it": name})
		cats, err := w.env.Board.Forum.Categories(testenv.Ctx(t), "it")
		if err != nil {
			t.Fatal(err)
		}
		changed := false
		for _, cat := range cats {
			changed = changed || cat.DescriptionIT == name
		}
		return r.Status, changed
	},
	authz.ReviewEnrolments: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		ctx := testenv.Ctx(t)
		n := w.seq.Add(1)
		a, _, _, err := w.env.Board.Accounts.Enrol(ctx, account.Enrolment{CodiceIPA: fmt.Sprintf("az_%d", n), Name: "Comune da decidere",
			Category: "comune", Region: "lazio", Referente: account.Credentials{Name: "Da Decidere", Email: fmt.Sprintf("decidere%d@example.it", n), Password: webtest.Password}}, "it")
		if err != nil {
			t.Fatal(err)
		}
		r := w.clients[c.Role].Do("POST", "/api/v1/admin/administrations/"+a.ID+"/approve", nil)
		after, err := w.env.Board.Accounts.Administration(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return r.Status, after.Status != account.StatusPending
	},
	authz.ManageUsers: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		_, target := w.env.NewUserIn(w.away.ID, account.RoleParticipant)
		r := w.clients[c.Role].Do("PATCH", "/api/v1/admin/users/"+target.ID, map[string]any{"role": "moderator"})
		after, err := w.env.Board.Accounts.User(testenv.Ctx(t), target.ID)
		if err != nil {
			t.Fatal(err)
		}
		return r.Status, after.Role != account.RoleParticipant
	},
	authz.Invite: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		adm := w.home.ID
		if c.OtherAdm {
			adm = w.away.ID
		}
		count := func() int64 {
			n, err := w.env.Board.Store.R("invitations").CountDocuments(testenv.Ctx(t), map[string]any{})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		r := w.clients[c.Role].Do("POST", "/api/v1/invitations", map[string]any{"administration_id": adm})
		return r.Status, count() != before
	},
	authz.CreateThread: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		cat := w.category
		if c.State&authz.Archived != 0 {
			cat = w.archived
			w.setArchived(t, true)
			defer w.setArchived(t, false)
		}
		title := fmt.Sprintf("Nuova %d", w.seq.Add(1))
		r := w.clients[c.Role].Do("POST", "/api/v1/threads", map[string]any{"category_id": cat, "title": title, "body": "Corpo."})
		var list forum.ThreadList
		w.boss.Expect(200, "GET", "/api/v1/categories/"+cat+"/threads?per_page=100", nil).JSON(t, &list)
		changed := false
		for _, th := range list.Items {
			changed = changed || th.Title == title
		}
		return r.Status, changed
	},
	authz.Reply: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.threadCase(t, c, "POST", "/api/v1/threads/{thread}/posts", map[string]any{"body": "Risposta."})
	},
	authz.EditThread: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.threadCase(t, c, "PATCH", "/api/v1/threads/{thread}", map[string]any{"title": "Titolo cambiato"})
	},
	authz.ModerateThread: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.threadCase(t, c, "PATCH", "/api/v1/threads/{thread}", map[string]any{"pinned": true})
	},
	authz.EditPost: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.threadCase(t, c, "PATCH", "/api/v1/posts/{thread}-1", map[string]any{"body": "Corpo cambiato."})
	},
	authz.DeletePost: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.threadCase(t, c, "DELETE", "/api/v1/posts/{thread}-1", nil)
	},
	authz.GiveDeleteReason: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.threadCase(t, c, "DELETE", "/api/v1/posts/{thread}-1", map[string]any{"reason": "Fuori tema."})
	},
	authz.React: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.threadCase(t, c, "PUT", "/api/v1/posts/{thread}-1/reactions/utile", nil)
	},
	authz.ReadPostHistory: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.threadCase(t, c, "GET", "/api/v1/posts/{thread}-1/history", nil)
	},
	authz.ReadDeletedPost: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		c.State |= authz.Deleted // only a deleted post has anything to show
		return w.threadCase(t, c, "GET", "/api/v1/posts/{thread}-1/deleted", nil)
	},
	authz.ReadPostFiles: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		id := uploadPDF(t, w.boss, fmt.Sprintf("caso%d.pdf", w.seq.Add(1)))
		var th created
		w.boss.Expect(201, "POST", "/api/v1/threads", map[string]any{"category_id": w.category, "title": "Con allegato",
			"body": "Vedi " + link(id)}).JSON(t, &th)
		if c.State&authz.Deleted != 0 {
			if err := w.env.Board.Forum.DeletePost(testenv.Ctx(t), w.mod, th.Thread.ID+"-1", forum.PostDeletion{}); err != nil {
				t.Fatal(err)
			}
		}
		return w.clients[c.Role].Do("GET", attachment.URLPrefix+id, nil).Status, false
	},
	// The audit log: every entry (an admin action's) or the moderation ones.
	authz.ReadAuditLog: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.clients[c.Role].Do("GET", "/api/v1/admin/audit?action=enrolment", nil).Status, false
	},
	authz.ReadModerationLog: func(t *testing.T, w *authzWorld, c authzCell) (int, bool) {
		return w.clients[c.Role].Do("GET", "/api/v1/admin/audit/export?action=thread", nil).Status, false
	},
}

// deniedAlsoAs is a denial status besides 401/403/409 that an action
// keeps: a participant's delete reason is refused as an invalid field, so
// the form can show it there.
// A file one may not see is answered 404, as if it did not exist.
var deniedAlsoAs = map[authz.Action]int{authz.GiveDeleteReason: 400, authz.ReadPostFiles: 404}

// wsDrivers subscribe to a topic for a cell: whether it was accepted.
var wsDrivers = map[authz.Action]func(*testing.T, *authzWorld, authzCell) bool{
	authz.SubscribeForum: func(t *testing.T, w *authzWorld, c authzCell) bool {
		th := w.thread(t, c)
		ws := w.dial(t, c.Role)
		if ws == nil {
			return false
		}
		for _, topic := range []string{"forum", "category:" + th.CategoryID, "thread:" + th.ID} {
			if _, m := ws.Subscribe(topic, -1); m.Type != "subscribed" {
				return false
			}
		}
		return true
	},
	authz.SubscribeUser: func(t *testing.T, w *authzWorld, c authzCell) bool {
		ws := w.dial(t, c.Role)
		if ws == nil {
			return false
		}
		_, m := ws.Subscribe("user:"+w.owner(c).ID, -1)
		return m.Type == "subscribed"
	},
}

// dial opens a websocket as role, or returns nil when the upgrade is
// refused (anonymous, pending and suspended users are refused at the gate).
func (w *authzWorld) dial(t *testing.T, r authz.Role) *rttest.Client {
	h := http.Header{"Origin": {w.env.Base}, "Cookie": {"tavolo_session=" + w.clients[r].Cookie("tavolo_session")}}
	ws, res, err := rttest.Dial(t, "ws"+strings.TrimPrefix(w.env.Base, "http")+"/ws", h)
	if err != nil {
		if res == nil || res.StatusCode != 401 && res.StatusCode != 403 {
			t.Fatalf("dial as %s: %v (%v)", r, err, res)
		}
		return nil
	}
	ws.Hello()
	return ws
}

func subjectOf(w *authzWorld, r authz.Role) authz.Subject { return w.users[r].Subject() }

func itemOf(w *authzWorld, c authzCell) authz.Item {
	it := authz.Item{OwnerID: w.owner(c).ID, AdministrationID: w.home.ID, State: c.State}
	if c.OtherAdm {
		it.AdministrationID = w.away.ID
	}
	return it
}

// TestAuthzTable runs one case per cell of every action of the table,
// over HTTP or the websocket: an allowed cell succeeds, a denied one is
// refused by the server (401/403/409) and changes nothing.
func TestAuthzTable(t *testing.T) {
	w := newAuthzWorld(t)
	for _, a := range authz.Actions() {
		if httpDrivers[a] == nil && wsDrivers[a] == nil {
			t.Errorf("action %q has no HTTP or websocket driver", a)
		}
	}
	// Items of the suspended user are made before the suspension by the
	// service, which does not look at the flag: the table does.
	w.suspend(t)
	var nHTTP, nWS, failed int
	for _, a := range authz.Actions() {
		for _, c := range cellsOf(a) {
			want := authz.Can(a, subjectOf(w, c.Role), itemOf(w, c))
			name := a.String() + "/" + c.String()
			ok := t.Run(name, func(t *testing.T) {
				if d := httpDrivers[a]; d != nil {
					nHTTP++
					status, changed := d(t, w, c)
					switch {
					case want && (status < 200 || status > 299):
						t.Errorf("got %d, want 2xx (allowed)", status)
					case !want && status != 401 && status != 403 && status != 409 && status != deniedAlsoAs[a]:
						t.Errorf("got %d, want 401/403/409 (denied)", status)
					case !want && changed:
						t.Errorf("denied with %d but the store changed", status)
					}
					return
				}
				nWS++
				if got := wsDrivers[a](t, w, c); got != want {
					t.Errorf("got subscribed=%v, want %v", got, want)
				}
			})
			if !ok {
				failed++
			}
		}
	}
	t.Logf("generated cases: %d HTTP, %d websocket; %d failed", nHTTP, nWS, failed)
}
