package experiences_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/boot/boottest"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

func build(t testing.TB, st *store.Store) *boot.Board {
	return boottest.Board(t, st)
}

var seq atomic.Int64

// member makes an approved administration of category and a participant of it.
func member(t testing.TB, b *boot.Board, category, region string) *account.User {
	t.Helper()
	ctx := testenv.Ctx(t)
	n := seq.Add(1)
	a, err := b.Accounts.NewApprovedAdministration(ctx, fmt.Sprintf("ex_%d", n), fmt.Sprintf("Ente di prova %d", n), category, region)
	if err != nil {
		t.Fatal(err)
	}
	return memberOf(t, b, a.ID)
}

func memberOf(t testing.TB, b *boot.Board, admID string) *account.User {
	t.Helper()
	n := seq.Add(1)
	u, err := b.Accounts.NewMember(testenv.Ctx(t), admID, account.Credentials{Name: fmt.Sprintf("Persona %d", n),
		Email: fmt.Sprintf("persona%d@example.it", n), Password: "password-di-prova"}, account.RoleParticipant)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestConcurrentSaves: saves on the same base version race; exactly one
// is stored, every other is refused with the fields it would overwrite,
// and the history holds one new version.
func TestConcurrentSaves(t *testing.T) {
	b := build(t, testenv.Store(t))
	defer b.Close()
	ctx := testenv.Ctx(t)
	u := member(t, b, "comune", "lazio")
	f := complete()
	e, err := b.Experiences.Create(ctx, u, experiences.NewExperience{Fields: f}, "it")
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	var ok, conflicts atomic.Int64
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := complete()
			g.Titolo = fmt.Sprintf("Versione %d", i)
			_, err := b.Experiences.Update(ctx, u, e.ID, experiences.Save{BaseVersion: 1, Fields: g}, "it")
			var ce *experiences.ConflictError
			switch {
			case err == nil:
				ok.Add(1)
			case errors.As(err, &ce) && ce.CurrentVersion == 2 && len(ce.Changes) == 1 && ce.Changes[0].Field == "titolo":
				conflicts.Add(1)
			default:
				t.Errorf("save %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || conflicts.Load() != n-1 {
		t.Fatalf("got %d saved and %d refused, want 1 and %d", ok.Load(), conflicts.Load(), n-1)
	}
	h, err := b.Experiences.History(ctx, u, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if h.Version != 2 || len(h.Versions) != 2 {
		t.Fatalf("got version %d with %d versions, want 2 and 2", h.Version, len(h.Versions))
	}
}

// TestPublishSurvivesCrash: the process dies after the record is published,
// before its thread exists or between the thread and the link; the next
// start opens (or finds) the thread from the outbox, links both ways, and
// never opens a second one.
func TestPublishSurvivesCrash(t *testing.T) {
	for _, tc := range []struct {
		name  string
		crash func(*experiences.Service, func() error)
	}{
		{"before the thread", experiences.SetBeforeThread},
		{"between the thread and the link", experiences.SetBeforeLink},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := testenv.Store(t)
			ctx := testenv.Ctx(t)
			b := build(t, st)
			u := member(t, b, "comune", "toscana")
			e, err := b.Experiences.Create(ctx, u, experiences.NewExperience{Fields: complete()}, "it")
			if err != nil {
				t.Fatal(err)
			}
			tc.crash(b.Experiences, func() error { return errors.New("kill -9") })
			p, err := b.Experiences.Publish(ctx, u, e.ID, experiences.PublishInput{BaseVersion: 1}, "it")
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != experiences.StatusPublished || p.ThreadID != "" {
				t.Fatalf("after the crash: status %q thread %q, want published and none", p.Status, p.ThreadID)
			}
			b.Close()

			b2 := build(t, st) // the restart: Recover redoes the entry
			defer b2.Close()
			got, err := b2.Experiences.Get(ctx, u, e.ID, "it")
			if err != nil {
				t.Fatal(err)
			}
			if got.ThreadID == "" {
				t.Fatal("got no thread after the restart, want one")
			}
			th, err := b2.Forum.Thread(ctx, u, got.ThreadID, "flat", 1, 0, "it")
			if err != nil {
				t.Fatal(err)
			}
			first, _ := json.Marshal(th.Posts[0]) // a cached post carries its body encoded
			if th.Category.ID != "tavolo-confronto" || !strings.Contains(string(first), `href=\"`+experiences.RecordPath+e.ID) {
				t.Fatalf("thread in %q, first post %s: want the Tavolo di confronto and a link to the record", th.Category.ID, first)
			}
			// A second restart does not open a second thread.
			b2.Close()
			b3 := build(t, st)
			defer b3.Close()
			again, err := b3.Experiences.Get(ctx, u, e.ID, "it")
			if err != nil || again.ThreadID != got.ThreadID {
				t.Fatalf("after another start: thread %q (%v), want %q", again.ThreadID, err, got.ThreadID)
			}
			list, err := b3.Forum.CategoryThreads(ctx, u, "tavolo-confronto", 1, 0, "it")
			if err != nil || list.Total != 1 {
				t.Fatalf("threads in the category: got %d (%v), want 1", list.Total, err)
			}
		})
	}
}

// TestIndexRebuiltAtStart: the list after a restart is the list before.
func TestIndexRebuiltAtStart(t *testing.T) {
	st := testenv.Store(t)
	ctx := testenv.Ctx(t)
	b := build(t, st)
	u := member(t, b, "regione", "puglia")
	for i := range 3 {
		f := complete()
		f.Titolo = fmt.Sprintf("Esperienza %d", i)
		e, err := b.Experiences.Create(ctx, u, experiences.NewExperience{Fields: f}, "it")
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			if _, err := b.Experiences.Publish(ctx, u, e.ID, experiences.PublishInput{BaseVersion: 1}, "it"); err != nil {
				t.Fatal(err)
			}
		}
	}
	before, err := b.Experiences.List(ctx, u, experiences.ListQuery{Sort: "titolo"})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	b2 := build(t, st)
	defer b2.Close()
	after, err := b2.Experiences.List(ctx, u, experiences.ListQuery{Sort: "titolo"})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(before) != fmt.Sprint(after) || after.Total != 2 {
		t.Fatalf("got %v after the restart, want %v (2 published)", after, before)
	}
}

func TestDomainRefusals(t *testing.T) {
	b := build(t, testenv.Store(t))
	defer b.Close()
	ctx := testenv.Ctx(t)
	u := member(t, b, "comune", "lazio")
	other := member(t, b, "comune", "veneto")
	e, err := b.Experiences.Create(ctx, u, experiences.NewExperience{Fields: complete()}, "it")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		err  error
		want *problem.Error
	}{
		{"another administration's draft is not found", func() error {
			_, err := b.Experiences.Get(ctx, other, e.ID, "it")
			return err
		}(), experiences.ErrNotFound},
		{"an id that is not ours", func() error {
			_, err := b.Experiences.Get(ctx, u, "../etc", "it")
			return err
		}(), experiences.ErrNotFound},
		{"stale publish", func() error {
			_, err := b.Experiences.Publish(ctx, u, e.ID, experiences.PublishInput{BaseVersion: 7}, "it")
			return err
		}(), problem.ErrInvalid},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: got %v, want %s", c.name, c.err, c.want.Code)
		}
	}
}

// TestThreadCategoryCreatedIfMissing: with the Tavolo di confronto gone,
// the first publish creates it through the forum and opens the thread there.
func TestThreadCategoryCreatedIfMissing(t *testing.T) {
	st := testenv.Store(t)
	b := build(t, st)
	defer b.Close()
	ctx := testenv.Ctx(t)
	if _, err := st.C("forum_categories").DeleteOne(ctx, map[string]any{"_id": "tavolo-confronto"}); err != nil {
		t.Fatal(err)
	}
	u := member(t, b, "asl", "marche")
	e, err := b.Experiences.Create(ctx, u, experiences.NewExperience{Fields: complete()}, "it")
	if err != nil {
		t.Fatal(err)
	}
	p, err := b.Experiences.Publish(ctx, u, e.ID, experiences.PublishInput{BaseVersion: 1}, "it")
	if err != nil || p.ThreadID == "" {
		t.Fatalf("publish: thread %q, %v", p.ThreadID, err)
	}
	th, err := b.Forum.Thread(ctx, u, p.ThreadID, "flat", 1, 0, "it")
	if err != nil {
		t.Fatal(err)
	}
	if th.Category.ID == "tavolo-confronto" || !strings.HasPrefix(th.Category.Name, "Tavolo di confronto") {
		t.Fatalf("thread in %q %q, want a new Tavolo di confronto", th.Category.ID, th.Category.Name)
	}
}
