package web_test

import (
	"slices"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// Suggestions for "@mar": prefixes first, then the writer's administration
// and the thread's participants, then the rest.
func TestMentionSuggestionsRanked(t *testing.T) {
	env := webtest.Start(t, nil)
	own, far := env.NewAdministration(), env.NewAdministration()
	member := func(adminID, name string) (*webtest.Client, *account.User) {
		t.Helper()
		u, err := env.Board.Accounts.NewMember(testenv.Ctx(t), adminID, account.Credentials{Name: name,
			Email: account.NormalizeEmail(name[:4] + "@example.it"), Password: webtest.Password}, account.RoleParticipant)
		if err != nil {
			t.Fatalf("new member %s: %v", name, err)
		}
		c := env.Client()
		c.LoginAs(u)
		return c, u
	}
	writer, _ := member(own.ID, "Walter Scrive")
	member(far.ID, "Marco Rossi")
	member(own.ID, "Elena Marchetti")
	member(far.ID, "Anna Mariani")
	bruno, _ := member(far.ID, "Bruno Marini")
	th := newThread(t, writer, "normativa", "Chi menzionare")
	reply(t, bruno, th.Thread.ID, "", "Ci sono anch'io.")

	handles := func(path string) []string {
		var list []account.MentionableView
		writer.Expect(200, "GET", path, nil).JSON(t, &list)
		out := []string{}
		for _, m := range list {
			out = append(out, m.Handle)
		}
		return out
	}
	for _, c := range []struct {
		name, path string
		want       []string
	}{
		{"without a thread", "/api/v1/mentions?q=@mar",
			[]string{"marco_rossi", "elena_marchetti", "anna_mariani", "bruno_marini"}},
		{"in a thread bruno wrote in", "/api/v1/mentions?q=@mar&thread=" + th.Thread.ID,
			[]string{"marco_rossi", "bruno_marini", "elena_marchetti", "anna_mariani"}},
	} {
		if got := handles(c.path); !slices.Equal(got, c.want) {
			t.Errorf("case %s: got order %v, want %v", c.name, got, c.want)
		}
	}
	for _, c := range []struct {
		thread string
		status int
	}{{"abc", 400}, {"12345678901234567890123", 400}, {"999999", 404}} {
		writer.Expect(c.status, "GET", "/api/v1/mentions?q=mar&thread="+c.thread, nil)
	}
}
