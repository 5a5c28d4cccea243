package forum

import (
	"context"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/notify"
	"github.com/cantieri/tavolo/server/internal/outbox"
	"github.com/cantieri/tavolo/server/internal/search"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

type published struct{ topic, event string }

// recorder fakes the hub, the index and the notifier, recording calls.
type recorder struct {
	mu      sync.Mutex
	events  []published
	heads   map[string]int64
	docs    map[string]search.Doc
	notes   map[string][]string // kind -> user ids, sorted
	removed []string
}

func newRecorder() *recorder {
	return &recorder{heads: map[string]int64{}, docs: map[string]search.Doc{}, notes: map[string][]string{}}
}

func (r *recorder) Publish(_ context.Context, topic, event string, _ any) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.heads[topic]++
	r.events = append(r.events, published{topic, event})
	return r.heads[topic], nil
}

func (r *recorder) PublishAll(ctx context.Context, topic, event string, data []any) error {
	for _, d := range data {
		if _, err := r.Publish(ctx, topic, event, d); err != nil {
			return err
		}
	}
	return nil
}

func (r *recorder) Head(_ context.Context, topic string) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.heads[topic], nil
}

func (r *recorder) Put(_ context.Context, d search.Doc, done func(error)) error {
	r.mu.Lock()
	r.docs[d.PostID] = d
	r.mu.Unlock()
	if done != nil {
		done(nil)
	}
	return nil
}

func (r *recorder) Remove(_ context.Context, id string, done func(error)) error {
	r.mu.Lock()
	delete(r.docs, id)
	r.removed = append(r.removed, id)
	r.mu.Unlock()
	if done != nil {
		done(nil)
	}
	return nil
}

func (r *recorder) Notify(_ context.Context, in notify.Input) error {
	r.notes[in.Kind] = append(r.notes[in.Kind], in.UserIDs...)
	sort.Strings(r.notes[in.Kind])
	return nil
}

// take returns and forgets what was recorded.
func (r *recorder) take() ([]published, map[string][]string) {
	ev, n := r.events, r.notes
	r.events, r.notes = nil, map[string][]string{}
	return ev, n
}

type directory struct{}

func (directory) ResolveHandles(_ context.Context, hs []string) (map[string]account.Mentionable, error) {
	known := map[string]account.Mentionable{
		"carla":    {Kind: account.KindUser, Handle: "carla", ID: "c"},
		"dario":    {Kind: account.KindUser, Handle: "dario", ID: "d"},
		"comune_x": {Kind: account.KindAdministration, Handle: "comune_x", ID: "adm-x"},
	}
	out := map[string]account.Mentionable{}
	for _, h := range hs {
		if m, ok := known[h]; ok {
			out[h] = m
		}
	}
	return out, nil
}

func (directory) MembersOf(_ context.Context, id string) ([]string, error) {
	if id == "adm-x" {
		return []string{"c", "e"}, nil
	}
	return nil, nil
}

type files struct{}

func (files) Get(_ context.Context, id string) (attachment.Attachment, error) {
	if id == "f1" {
		return attachment.Attachment{ID: "f1", Name: "capitolato.pdf", ContentType: "application/pdf", OwnerID: "b", URL: "/api/v1/attachments/f1"}, nil
	}
	return attachment.Attachment{}, attachment.ErrNotFound
}

// Attach is the real store's concern (attachment and web tests).
func (files) Attach(context.Context, string, []string, attachment.Ref) error { return nil }

// testNow is the tests' fixed clock.
var testNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// testDeps is a service on st with recording collaborators (rec, or a new
// one) and a fixed clock.
func testDeps(st *store.Store, rec *recorder) Deps {
	if rec == nil {
		rec = newRecorder()
	}
	return Deps{Store: st, EditWindow: time.Hour, Publisher: rec, Indexer: rec, Outbox: outbox.New(st, nil),
		Notifier: rec, Attachments: files{}, Directory: directory{}, Now: func() time.Time { return testNow }}
}

// started is New(d) after its Init.
func started(t *testing.T, d Deps) *Service {
	t.Helper()
	s := New(d)
	if err := s.Init(testenv.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	return s
}

func user(id string, role account.Role) *account.User {
	return &account.User{ID: id, Name: "Utente " + id, Handle: "h" + id, Role: role, AdministrationStatus: account.StatusApproved}
}

func TestNotificationsIndexAndEvents(t *testing.T) {
	ctx := testenv.Ctx(t)
	rec := newRecorder()
	now := testNow // moved past the edit window below
	deps := testDeps(testenv.Store(t), rec)
	deps.Now = func() time.Time { return now }
	s := started(t, deps)
	if err := s.Init(ctx); err != nil { // idempotent
		t.Fatal(err)
	}
	a, b, c, d, e := user("a", account.RoleParticipant), user("b", account.RoleParticipant), user("c", account.RoleParticipant),
		user("d", account.RoleParticipant), user("e", account.RoleParticipant)
	if err := s.FollowCategory(ctx, d, "bacheca", true); err != nil {
		t.Fatal(err)
	}
	if err := s.FollowCategory(ctx, a, "bacheca", true); err != nil {
		t.Fatal(err)
	}

	th, first, err := s.CreateThread(ctx, a, NewThread{CategoryID: "bacheca", Title: "Seminario di marzo",
		Body: "Ciao @carla e @comune_x, e anche @sconosciuto. `@dario` in codice no."})
	if err != nil {
		t.Fatal(err)
	}
	events, notes := rec.take()
	wantEvents := []published{{"category:bacheca", "thread.created"}, {"forum", "thread.created"}}
	if !reflect.DeepEqual(events, wantEvents) {
		t.Errorf("events = %v", events)
	}
	if want := map[string][]string{"mention": {"c", "e"}, "followed_category": {"d"}}; !reflect.DeepEqual(notes, want) {
		t.Errorf("notifications = %v, want %v", notes, want)
	}
	if doc := rec.docs[first.ID]; doc.Title != "Seminario di marzo" || doc.N != 1 || doc.CategoryID != "bacheca" {
		t.Errorf("indexed = %+v", doc)
	}

	p2, err := s.Reply(ctx, b, th.ID, NewPost{Body: "Ci sarò.", AttachmentIDs: []string{"f1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p2.Attachments) != 1 || p2.Attachments[0].Name != "capitolato.pdf" {
		t.Errorf("attachments = %+v", p2.Attachments)
	}
	if _, err := s.Reply(ctx, c, th.ID, NewPost{Body: "Anch'io.", AttachmentIDs: []string{"f1"}}); err == nil {
		t.Error("a file of someone else was attached")
	}
	if err := s.FollowThread(ctx, e, th.ID, true); err != nil {
		t.Fatal(err)
	}
	rec.take()
	if _, err := s.Reply(ctx, c, th.ID, NewPost{Body: "Risposta a Bruno", ParentID: p2.ID}); err != nil {
		t.Fatal(err)
	}
	events, notes = rec.take()
	// bruno is replied to; the followers anna (author, auto) and e hear of it once each.
	if want := map[string][]string{"reply": {"b"}, "followed_thread": {"a", "e"}}; !reflect.DeepEqual(notes, want) {
		t.Errorf("notifications = %v, want %v", notes, want)
	}
	wantEvents = []published{{"thread:" + th.ID, "post.created"}, {"thread:" + th.ID, "thread.updated"},
		{"category:bacheca", "thread.updated"}, {"forum", "thread.updated"}}
	if !reflect.DeepEqual(events, wantEvents) {
		t.Errorf("events = %v", events)
	}

	// An edit notifies only the newly mentioned.
	if _, err := s.EditPost(ctx, a, first.ID, PostEdit{Body: first.Body + " E @dario."}); err != nil {
		t.Fatal(err)
	}
	if _, notes = rec.take(); !reflect.DeepEqual(notes, map[string][]string{"mention": {"d"}}) {
		t.Errorf("edit notifications = %v", notes)
	}
	title := "Seminario di aprile"
	if _, err := s.UpdateThread(ctx, a, th.ID, ThreadPatch{Title: &title}); err != nil {
		t.Fatal(err)
	}
	if doc := rec.docs[first.ID]; doc.Title != title {
		t.Errorf("title not re-indexed: %+v", doc)
	}
	if err := s.DeletePost(ctx, b, p2.ID, PostDeletion{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := rec.docs[p2.ID]; ok || !reflect.DeepEqual(rec.removed, []string{p2.ID}) {
		t.Errorf("deleted post still indexed: %v", rec.removed)
	}
	// The edit window, with the clock moved past it.
	now = now.Add(2 * time.Hour)
	if _, err := s.EditPost(ctx, a, first.ID, PostEdit{Body: "tardi"}); err != ErrEditWindowClosed {
		t.Errorf("late edit: %v", err)
	}
	if _, err := s.EditPost(ctx, user("m", account.RoleModerator), first.ID, PostEdit{Body: "moderato"}); err != nil {
		t.Errorf("moderator edit: %v", err)
	}
}
