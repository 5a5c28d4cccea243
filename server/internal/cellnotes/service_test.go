package cellnotes_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/boot/boottest"
	"github.com/cantieri/tavolo/server/internal/cellnotes"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/realtime"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func build(t testing.TB, st *store.Store) *boot.Board {
	return boottest.Board(t, st, boot.WithCommentRate(10000, time.Minute))
}

var seq atomic.Int64

// member makes an approved administration and a participant of it.
func member(t testing.TB, b *boot.Board) *account.User {
	t.Helper()
	ctx := testenv.Ctx(t)
	n := seq.Add(1)
	a, err := b.Accounts.NewApprovedAdministration(ctx, fmt.Sprintf("cn_%d", n), fmt.Sprintf("Ente %d", n), "comune", "lazio")
	if err != nil {
		t.Fatal(err)
	}
	u, err := b.Accounts.NewMember(ctx, a.ID, account.Credentials{Name: fmt.Sprintf("Persona %d", n),
		Email: fmt.Sprintf("cn%d@example.it", n), Password: "password-di-prova"}, account.RoleParticipant)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// record makes a record of u's administration, published unless draft.
func record(t testing.TB, b *boot.Board, u *account.User, title string, draft bool) experiences.Experience {
	t.Helper()
	ctx := testenv.Ctx(t)
	e, err := b.Experiences.Create(ctx, u, experiences.NewExperience{Fields: experiences.Fields{Titolo: title, Ambito: "pulizie",
		TipoAttivita: "strumentale", Modello: "appalto_servizi", TipoContratto: "servizi", Procedura: "aperta", Esito: "in_esecuzione"}}, "it")
	if err != nil {
		t.Fatal(err)
	}
	if !draft {
		if e, err = b.Experiences.Publish(ctx, u, e.ID, experiences.PublishInput{BaseVersion: e.Version}, "it"); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// TestCountsMatchModel: after random comments by several people on random
// cells of several records (concurrently), the counts and the lists are
// what a plain model of the posts says; a record the reader may not read
// is left out of their counts.
func TestCountsMatchModel(t *testing.T) {
	st := testenv.Store(t)
	b := build(t, st)
	defer b.Close()
	ctx := testenv.Ctx(t)
	people := []*account.User{member(t, b), member(t, b), member(t, b)}
	recs := []experiences.Experience{record(t, b, people[0], "Caso uno", false), record(t, b, people[1], "Caso due", false),
		record(t, b, people[2], "Caso tre", false), record(t, b, people[0], "Caso in bozza", true)}
	keys := []string{"ambito", "procedura", "importo_base_eur", "penali.previste", "fattori_critici.sla_e_penali", "sopra_soglia_ue"}

	model := map[string]map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	r := rand.New(rand.NewPCG(1, 2))
	type post struct {
		u     *account.User
		rec   string
		field string
	}
	var posts []post
	for range 120 {
		rec := r.IntN(len(recs))
		u := people[r.IntN(len(people))]
		if rec == 3 {
			u = people[0] // only the draft's administration may comment it
		}
		posts = append(posts, post{u, recs[rec].ID, keys[r.IntN(len(keys))]})
	}
	for i, p := range posts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := b.CellNotes.Post(ctx, p.u, p.rec, cellnotes.CellCommentInput{Field: p.field, Body: fmt.Sprintf("Nota %d", i)}, "it"); err != nil {
				t.Errorf("post %d: %v", i, err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if model[p.rec] == nil {
				model[p.rec] = map[string]int{}
			}
			model[p.rec][p.field]++
		}()
	}
	wg.Wait()
	ids := []string{recs[0].ID, recs[1].ID, recs[2].ID, recs[3].ID}
	for _, reader := range []int{0, 1} {
		want := map[string]map[string]int{}
		for _, id := range ids {
			if id == recs[3].ID && reader != 0 {
				continue // another administration's draft
			}
			want[id] = maps.Clone(model[id])
			if want[id] == nil {
				want[id] = map[string]int{}
			}
		}
		got, err := b.CellNotes.Counts(ctx, people[reader], ids)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.EqualFunc(got.Counts, want, func(a, b map[string]int) bool { return maps.Equal(a, b) }) {
			t.Errorf("counts for person %d = %v, want %v", reader, got.Counts, want)
		}
	}
	for _, id := range ids {
		for _, k := range keys {
			l, err := b.CellNotes.Comments(ctx, people[0], id, k, "it")
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Items) != model[id][k] {
				t.Errorf("%s %s: %d comments listed, want %d", id, k, len(l.Items), model[id][k])
			}
			for i := 1; i < len(l.Items); i++ {
				if l.Items[i].CreatedAt.Before(l.Items[i-1].CreatedAt) {
					t.Errorf("%s %s: comment %d is older than the one before", id, k, i)
				}
			}
		}
	}
}

// created are the comment.created events stored on record id's topic.
func created(t *testing.T, st *store.Store, id string) []cellnotes.CellComment {
	t.Helper()
	evs, _, err := realtime.NewStoreLog(st, quiet()).Since(testenv.Ctx(t), experiences.Topic(id), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []cellnotes.CellComment
	for _, ev := range evs {
		if ev.Name == cellnotes.EventCreated {
			var c cellnotes.CellComment
			if err := json.Unmarshal(ev.Data, &c); err != nil {
				t.Fatal(err)
			}
			out = append(out, c)
		}
	}
	return out
}

// TestPostSurvivesCrash: the process dies after a comment took its number
// and recorded its work, before it was stored; the next start stores it,
// counts it and tells the record's topic, once.
func TestPostSurvivesCrash(t *testing.T) {
	st := testenv.Store(t)
	ctx := testenv.Ctx(t)
	b := build(t, st)
	u := member(t, b)
	e := record(t, b, u, "Caso", false)
	if _, err := b.CellNotes.Post(ctx, u, e.ID, cellnotes.CellCommentInput{Field: "procedura", Body: "Prima."}, "it"); err != nil {
		t.Fatal(err)
	}
	cellnotes.SetAfterNumber(b.CellNotes, func() error { return errors.New("kill -9") })
	if _, err := b.CellNotes.Post(ctx, u, e.ID, cellnotes.CellCommentInput{Field: "procedura", Body: "Dopo il **crash**."}, "it"); err == nil {
		t.Fatal("the crashed post answered")
	}
	l, err := b.CellNotes.Comments(ctx, u, e.ID, "procedura", "it")
	if err != nil || len(l.Items) != 1 || len(created(t, st, e.ID)) != 1 {
		t.Fatalf("before the restart: %d listed, %d told (%v), want 1 and 1", len(l.Items), len(created(t, st, e.ID)), err)
	}
	b.Close()

	for range 2 { // the restart redoes it; a second one does nothing more
		b2 := build(t, st)
		l, err = b2.CellNotes.Comments(ctx, u, e.ID, "procedura", "it")
		if err != nil {
			t.Fatal(err)
		}
		n, err := b2.CellNotes.Counts(ctx, u, []string{e.ID})
		if err != nil {
			t.Fatal(err)
		}
		ev := created(t, st, e.ID)
		if len(l.Items) != 2 || l.Items[1].BodyHTML != "<p>Dopo il <strong>crash</strong>.</p>\n" || n.Counts[e.ID]["procedura"] != 2 || len(ev) != 2 || ev[1].ID != l.Items[1].ID {
			t.Fatalf("after the restart: %+v, counts %v, %d told; want 2 comments, the second told", l.Items, n.Counts, len(ev))
		}
		b2.Close()
	}
}

// TestForExport: every comment of the records, by record in the order
// asked, then by cell in form order, oldest first, with plain text.
func TestForExport(t *testing.T) {
	st := testenv.Store(t)
	ctx := testenv.Ctx(t)
	b := build(t, st)
	defer b.Close()
	u, v := member(t, b), member(t, b)
	x, y := record(t, b, u, "Caso X", false), record(t, b, v, "Caso Y", false)
	for _, p := range []struct {
		by    *account.User
		rec   string
		field string
		body  string
	}{
		{u, y.ID, "procedura", "y procedura 1"},
		{v, x.ID, "procedura", "x **procedura** 1"},
		{u, x.ID, "ambito", "x ambito 1"},
		{v, x.ID, "procedura", "x procedura 2"},
	} {
		if _, err := b.CellNotes.Post(ctx, p.by, p.rec, cellnotes.CellCommentInput{Field: p.field, Body: p.body}, "it"); err != nil {
			t.Fatal(err)
		}
	}
	got, err := b.CellNotes.ForExport(ctx, []string{x.ID, y.ID, "AAAAAAAAAAAAAAAAAAAAAA"})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range got {
		lines = append(lines, fmt.Sprintf("%s|%s|%v|%v|v%d|%s|%s", map[string]string{x.ID: "x", y.ID: "y"}[c.ExperienceID], c.Field,
			c.AuthorName == u.Name, c.AdministrationName != "", c.Version, c.ValueThen, c.Body))
	}
	want := []string{
		"x|ambito|true|true|v2|Pulizie|x ambito 1",
		"x|procedura|false|true|v2|Procedura aperta|x procedura 1",
		"x|procedura|false|true|v2|Procedura aperta|x procedura 2",
		"y|procedura|true|true|v2|Procedura aperta|y procedura 1",
	}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Errorf("export =\n%v\nwant\n%v", lines, want)
	}
}
