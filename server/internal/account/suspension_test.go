package account

import (
	"errors"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/problem"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

func TestSuspensionRefusesBadInput(t *testing.T) {
	ctx := testenv.Ctx(t)
	now := time.Now()
	s := newService(t, Options{Now: func() time.Time { return now }})
	a, err := s.NewApprovedAdministration(ctx, "c_s001", "Comune", "comune", "lazio")
	if err != nil {
		t.Fatal(err)
	}
	member := func(name, email string, role Role) *User {
		u, err := s.NewMember(ctx, a.ID, Credentials{Name: name, Email: email, Password: "password-lunga"}, role)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	target := member("Anna", "anna@example.it", RoleParticipant)
	mod := member("Mario", "mario@example.it", RoleModerator)
	other := member("Olga", "olga@example.it", RoleModerator)
	admin := member("Ada", "ada@example.it", RoleAdmin)
	plain := member("Pia", "pia@example.it", RoleParticipant)
	past, future := now.Add(-time.Hour), now.Add(24*time.Hour)
	cases := []struct {
		name   string
		actor  *User
		target string
		in     Suspension
		want   string // error code, "" for success
	}{
		{"missing reason", mod, target.ID, Suspension{Suspended: true, Until: &future}, "validation_failed"},
		{"blank reason", mod, target.ID, Suspension{Suspended: true, Reason: "  "}, "validation_failed"},
		{"date in the past", mod, target.ID, Suspension{Suspended: true, Until: &past, Reason: "Spam."}, "validation_failed"},
		{"oneself", mod, mod.ID, Suspension{Suspended: true, Reason: "Prova."}, "validation_failed"},
		{"participant acts", plain, target.ID, Suspension{Suspended: true, Reason: "Spam."}, "forbidden"},
		{"moderator suspends a moderator", mod, other.ID, Suspension{Suspended: true, Reason: "Spam."}, "suspend_staff"},
		{"unknown user", mod, "nobody", Suspension{Suspended: true, Reason: "Spam."}, "user_not_found"},
		{"admin suspends a moderator", admin, other.ID, Suspension{Suspended: true, Until: &future, Reason: "Pausa."}, ""},
		{"moderator suspends a participant", mod, target.ID, Suspension{Suspended: true, Until: &future, Reason: "Spam ripetuto."}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.SetSuspended(ctx, c.actor, c.target, c.in)
			got := ""
			if p, ok := problem.As(err); ok {
				got = p.Code
			} else if err != nil {
				t.Fatalf("got %v, want a problem", err)
			}
			if got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	u, err := s.User(ctx, target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Suspended || u.SuspensionReason != "Spam ripetuto." || u.SuspendedUntil == nil || !u.SuspendedUntil.Equal(future.UTC().Truncate(time.Millisecond)) {
		t.Fatalf("got %+v, want suspended until %s for the reason", u, future)
	}
}

func TestSuspensionEndsSessionsSaysWhyAndEndsByItself(t *testing.T) {
	ctx := testenv.Ctx(t)
	now := time.Now()
	s := newService(t, Options{Now: func() time.Time { return now }})
	a, err := s.NewApprovedAdministration(ctx, "c_s002", "Comune", "comune", "lazio")
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.NewMember(ctx, a.ID, Credentials{Name: "Anna", Email: "anna@example.it", Password: "password-lunga"}, RoleParticipant)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := s.NewMember(ctx, a.ID, Credentials{Name: "Mario", Email: "mario@example.it", Password: "password-lunga"}, RoleModerator)
	if err != nil {
		t.Fatal(err)
	}
	token, _ := s.CreateSession(ctx, u.ID)
	var ended []string
	s.OnSessionEnd(func(id string) { ended = append(ended, id) })
	until := now.Add(48 * time.Hour)
	if _, err := s.SetSuspended(ctx, mod, u.ID, Suspension{Suspended: true, Until: &until, Reason: "Linguaggio offensivo."}); err != nil {
		t.Fatal(err)
	}
	if len(ended) != 1 || ended[0] != hashToken(token) {
		t.Fatalf("got ended %v, want the session", ended)
	}
	suspendedWithReason := func(what string, err error) {
		t.Helper()
		var p *problem.Error
		if !errors.As(err, &p) || p.Code != "account_suspended" || p.Reason != "Linguaggio offensivo." || !p.Until.Equal(until.UTC().Truncate(time.Millisecond)) {
			t.Fatalf("%s: got %v (%+v), want account_suspended with reason and end", what, err, p)
		}
	}
	_, _, _, err = s.SessionUser(ctx, token)
	suspendedWithReason("old session", err)
	_, _, err = s.Login(ctx, "anna@example.it", "password-lunga")
	suspendedWithReason("login", err)

	now = until.Add(time.Second) // the suspension is over by itself
	if _, _, _, err := s.SessionUser(ctx, token); !errors.Is(err, problem.ErrUnauthorized) {
		t.Fatalf("old session after the end: got %v, want unauthenticated", err)
	}
	back, _, err := s.Login(ctx, "anna@example.it", "password-lunga")
	if err != nil || back.Suspended || !back.Active() {
		t.Fatalf("login after the end: got %+v (%v), want active", back, err)
	}
}
