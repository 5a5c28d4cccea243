package demo

import (
	"context"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

func TestSeed(t *testing.T) {
	ctx := testenv.Ctx(t)
	acc := account.New(testenv.Store(t), account.Options{})
	if err := acc.Init(ctx); err != nil {
		t.Fatal(err)
	}
	var seen *Cantiere
	logins, err := Seed(ctx, acc, "", []Seeder{func(_ context.Context, c *Cantiere) error { seen = c; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if seen == nil || len(seen.Administrations) != 12 || len(seen.Participants) != 24 || !seen.Admin.IsAdmin() || seen.Moderator.Role != account.RoleModerator {
		t.Fatalf("cantiere %+v", seen)
	}
	if len(logins) != 26 {
		t.Fatalf("%d logins", len(logins))
	}
	approved, err := acc.Administrations(ctx, account.StatusApproved)
	if err != nil || len(approved) != 13 { // the twelve and the Dipartimento
		t.Fatalf("%d approved (%v)", len(approved), err)
	}
	for _, a := range approved {
		if err := problem.Validate(account.Enrolment{CodiceIPA: a.CodiceIPA, Name: a.Name, Category: a.Category, Region: a.Region,
			Referente: account.Credentials{Name: "Xx", Email: "x@example.org", Password: Password}}); err != nil {
			t.Errorf("%s would not pass enrolment: %v", a.CodiceIPA, err)
		}
		if a.ReferenteID == "" || len(a.MemberIDs) == 0 {
			t.Errorf("%s has no referente", a.CodiceIPA)
		}
	}
	for _, l := range logins {
		if _, _, err := acc.Login(ctx, l.Email, Password); err != nil {
			t.Fatalf("login %s: %v", l.Email, err)
		}
		if strings.Contains(l.Email, " ") {
			t.Fatalf("email %q", l.Email)
		}
	}
	if u, _, err := acc.Login(ctx, "giulia.bianchi@example.org", Password); err != nil || !u.Active() || !u.Referente {
		t.Fatalf("%+v %v", u, err)
	}
}

func TestAccented(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Universita' degli Studi di Messina", "Università degli Studi di Messina"},
		{"Comunita' Montana Amiternina", "Comunità Montana Amiternina"},
		{"Citta' metropolitana", "Città metropolitana"},
		{"E' aperto, si'", "È aperto, sì"},
		{"L'Aquila", "L'Aquila"},
		{"Valle d'Aosta", "Valle d'Aosta"},
		{"Sant'Elia a Pianisi", "Sant'Elia a Pianisi"},
		{"Comune di Roma", "Comune di Roma"},
	} {
		if got := accented(tc.in); got != tc.want {
			t.Errorf("case %q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestDemoNamesAccented: demo administrations read "Università", not "Universita'".
func TestDemoNamesAccented(t *testing.T) {
	ctx := testenv.Ctx(t)
	acc := account.New(testenv.Store(t), account.Options{})
	if err := acc.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := Seed(ctx, acc, "", nil); err != nil {
		t.Fatal(err)
	}
	approved, err := acc.Administrations(ctx, account.StatusApproved)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, a := range approved {
		names[a.Name] = true
		if apostropheAccent.MatchString(a.Name) {
			t.Errorf("%s: %q has an apostrophe for an accent", a.CodiceIPA, a.Name)
		}
	}
	for _, want := range []string{"Università degli Studi di Messina", "Comunità Montana Amiternina"} {
		if !names[want] {
			t.Errorf("no administration named %q among %v", want, names)
		}
	}
}
