package rooms_test

import (
	"context"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/rooms"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// twoMembers is a board with an open room named name: anna will write in
// it, bruno has joined it; mod created it.
type twoMembers struct {
	env              *webtest.Env
	ctx              context.Context
	mod, anna, bruno *account.User
	room             rooms.Room
}

func newTwoMembers(t *testing.T, name string) twoMembers {
	t.Helper()
	f := twoMembers{env: webtest.Start(t, nil), ctx: testenv.Ctx(t)}
	_, f.mod = f.env.NewUser(account.RoleModerator)
	_, f.anna = f.env.NewUser(account.RoleParticipant)
	_, f.bruno = f.env.NewUser(account.RoleParticipant)
	r, err := f.env.Board.Rooms.CreateRoom(f.ctx, f.mod, rooms.NewRoom{Name: name, Kind: "theme", Access: "open", History: "full", Presence: "names"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.env.Board.Rooms.Join(f.ctx, f.bruno, r.ID); err != nil {
		t.Fatal(err)
	}
	f.room = r
	return f
}
