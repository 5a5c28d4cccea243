package boot_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/demo"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// TestDemoSeedsExperiences: the demo Cantiere has at least 30 published
// experiences spread over at least 5 ambiti and 3 procedures, each with a
// discussion thread, amounts on both sides of the EU thresholds, and no
// two alike.
func TestDemoSeedsExperiences(t *testing.T) {
	ctx := testenv.Ctx(t)
	b, logins := demoBoard(t)
	reader, _, err := b.Accounts.Login(ctx, logins[len(logins)-1].Email, logins[len(logins)-1].Password)
	if err != nil {
		t.Fatal(err)
	}
	page, err := b.Experiences.List(ctx, reader, experiences.ListQuery{Page: 1, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	ambiti, procedure, modelli, admins, titles := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	above, below := 0, 0
	for _, s := range page.Items {
		if s.Status != experiences.StatusPublished || s.ThreadID == "" {
			t.Errorf("%q: status %s, thread %q", s.Titolo, s.Status, s.ThreadID)
		}
		ambiti[s.Ambito], procedure[s.Procedura], modelli[s.Modello], admins[s.Amministrazione.ID], titles[s.Titolo] = true, true, true, true, true
		e, err := b.Experiences.Get(ctx, reader, s.ID, "it")
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Fields.Indicatori) == 0 || len(e.Fields.FattoriCritici) == 0 || e.Fields.LezioniApprese == "" {
			t.Errorf("%q lacks indicators, factors or lessons", s.Titolo)
		}
		if e.SopraSogliaUE != nil && *e.SopraSogliaUE {
			above++
		} else if e.SopraSogliaUE != nil {
			below++
		}
	}
	drafts, err := b.Experiences.List(ctx, reader, experiences.ListQuery{Page: 1, Stato: "bozze"})
	if err != nil {
		t.Fatal(err)
	}
	got := []int{page.Total, len(ambiti), len(procedure), len(modelli), len(admins), len(titles), drafts.Total}
	if page.Total < 30 || len(ambiti) < 5 || len(procedure) < 3 || len(modelli) < 3 || len(admins) < 10 || len(titles) != page.Total || drafts.Total != 0 {
		t.Errorf("published, ambiti, procedure, modelli, administrations, distinct titles, drafts = %v; want >= 30, 5, 3, 3, 10, all, 0", got)
	}
	if above < 5 || below < 5 {
		t.Errorf("above/below the EU threshold: %d/%d, want >= 5 each", above, below)
	}
}

// demoBoard is a board built on a fresh store and filled with the demo.
func demoBoard(t *testing.T) (*boot.Board, []demo.Login) {
	t.Helper()
	st := testenv.Store(t)
	ctx := testenv.Ctx(t)
	cfg := config.Default()
	cfg.Database = st.DB.Name()
	b, err := boot.Build(ctx, cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	logins, err := b.SeedDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return b, logins
}
