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
