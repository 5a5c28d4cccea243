package tables_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/boot/boottest"
	"github.com/cantieri/tavolo/server/internal/demo"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/tables"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

func build(t testing.TB, st *store.Store) *boot.Board {
	return boottest.Board(t, st)
}

func participant(t testing.TB, b *boot.Board) *account.User {
	t.Helper()
	ctx := testenv.Ctx(t)
	a, err := b.Accounts.NewApprovedAdministration(ctx, "tb_comune", "Comune di Prova", "comune", "toscana")
	if err != nil {
		t.Fatal(err)
	}
	u, err := b.Accounts.NewMember(ctx, a.ID, account.Credentials{Name: "Paola Prova", Email: "paola@example.it",
		Password: "password-di-prova"}, account.RoleParticipant)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// published makes n published records by u.
func published(t testing.TB, b *boot.Board, u *account.User, n int) []string {
	t.Helper()
	ctx := testenv.Ctx(t)
	var ids []string
	for i := range n {
		e, err := b.Experiences.Create(ctx, u, experiences.NewExperience{Fields: experiences.Fields{Titolo: fmt.Sprint("Esperienza ", i),
			Ambito: "pulizie", TipoAttivita: "strumentale", Modello: "appalto_servizi", TipoContratto: "servizi",
			Procedura: "aperta", Esito: "in_esecuzione"}}, "it")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Experiences.Publish(ctx, u, e.ID, experiences.PublishInput{BaseVersion: 1}, "it"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	return ids
}

// TestCreateAndUpdateSurviveCrash: the process dies after a table is
// stored and before its room exists, and after an update and before its
// table.updated; the next start opens the room (once) and publishes the
// event from the outbox.
func TestCreateAndUpdateSurviveCrash(t *testing.T) {
	st := testenv.Store(t)
	ctx := testenv.Ctx(t)
	b := build(t, st)
	u := participant(t, b)
	ids := published(t, b, u, 2)
	tables.SetAfterWrite(b.Tables, func() error { return errors.New("kill -9") })
	tb, err := b.Tables.Create(ctx, u, tables.NewTable{Name: "Pulizie", Experiences: ids})
	if err != nil {
		t.Fatal(err)
	}
	up, err := b.Tables.Update(ctx, u, tb.ID, tables.Patch{BaseVersion: 1, Name: ptr("Pulizie a confronto")})
	if err != nil {
		t.Fatal(err)
	}
	head, err := b.Hub.Head(ctx, tables.Topic(tb.ID))
	if tb.RoomID != "" || up.Version != 2 || head != 0 || err != nil {
		t.Fatalf("after the crashes: room %q, v%d, topic head %d (%v); want no room, v2, nothing published", tb.RoomID, up.Version, head, err)
	}
	b.Close()

	for restart := 1; restart <= 2; restart++ {
		b2 := build(t, st) // Recover redoes the entries (the second start has none left)
		got, err := b2.Tables.Get(ctx, u, tb.ID)
		if err != nil {
			t.Fatal(err)
		}
		n, err := st.R("rooms").CountDocuments(ctx, bson.M{"table_id": tb.ID})
		if got.RoomID == "" || got.Name != "Pulizie a confronto" || n != 1 || err != nil {
			t.Fatalf("restart %d: room %q name %q, %d rooms (%v); want one room and the new name", restart, got.RoomID, got.Name, n, err)
		}
		head, err := b2.Hub.Head(ctx, tables.Topic(tb.ID))
		if head != 1 || err != nil {
			t.Fatalf("restart %d: topic head %d (%v), want 1 (table.updated once)", restart, head, err)
		}
		list, err := b2.Tables.List(ctx, u)
		if err != nil || len(list.Items) != 1 {
			t.Fatalf("restart %d: %d tables listed (%v), want 1", restart, len(list.Items), err)
		}
		b2.Close()
	}
}

func ptr[T any](v T) *T { return &v }

// TestDemoTables: the demo's two tables pick among the published records
// that exist when it runs; with fewer than two it saves nothing. Each has
// comments on its cells.
func TestDemoTables(t *testing.T) {
	st := testenv.Store(t)
	ctx := testenv.Ctx(t)
	b := build(t, st)
	defer b.Close()
	u := participant(t, b)
	c := &demo.Cantiere{Admin: &account.User{ID: "admin", Role: account.RoleAdmin}, Participants: []*account.User{u, u}}
	seed := demo.Tables(b.Experiences, b.Tables, b.CellNotes)
	count := func() int {
		l, err := b.Tables.List(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return len(l.Items)
	}
	published(t, b, u, 1)
	if err := seed(ctx, c); err != nil || count() != 0 {
		t.Fatalf("one record: %d tables (%v), want none", count(), err)
	}
	published(t, b, u, 4)
	if err := seed(ctx, c); err != nil || count() != 2 {
		t.Fatalf("five records: %d tables (%v), want 2", count(), err)
	}
	l, _ := b.Tables.List(ctx, u)
	for _, tb := range l.Items {
		if len(tb.Experiences) < 2 || tb.RoomID == "" {
			t.Errorf("demo table %q: %d columns, room %q", tb.Name, len(tb.Experiences), tb.RoomID)
		}
		counts, err := b.CellNotes.Counts(ctx, u, tb.Experiences)
		n := 0
		for _, byField := range counts.Counts {
			for _, c := range byField {
				n += c
			}
		}
		if err != nil || n < 2 {
			t.Errorf("demo table %q: %d cell comments (%v), want at least 2", tb.Name, n, err)
		}
	}
}

// TestConcurrentUpdates: changes on the same base version race; exactly
// one is stored, every other is a conflict, and the version says so.
func TestConcurrentUpdates(t *testing.T) {
	st := testenv.Store(t)
	ctx := testenv.Ctx(t)
	b := build(t, st)
	defer b.Close()
	u := participant(t, b)
	tb, err := b.Tables.Create(ctx, u, tables.NewTable{Name: "Gara", Experiences: published(t, b, u, 2)})
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = b.Tables.Update(ctx, u, tb.ID, tables.Patch{BaseVersion: 1, Name: ptr(fmt.Sprint("Nome ", i))})
		})
	}
	wg.Wait()
	ok, conflicts := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, tables.ErrVersionConflict):
			conflicts++
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	got, err := b.Tables.Get(ctx, u, tb.ID)
	if ok != 1 || conflicts != n-1 || err != nil || got.Version != 2 {
		t.Fatalf("got %d stored, %d conflicts, version %d (%v); want 1, %d, 2", ok, conflicts, got.Version, err, n-1)
	}
}
