package boot_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

func TestDemoSeedsForumConversations(t *testing.T) {
	ctx := testenv.Ctx(t)
	b, _ := demoBoard(t)
	list, err := b.Forum.LatestThreads(ctx, &account.User{ID: "reader"}, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	// The demo experiences each open a thread in the Tavolo di confronto;
	// the conversations are the others.
	var talks []int
	for _, th := range list.Items {
		if th.CategoryID != "tavolo-confronto" {
			talks = append(talks, th.ReplyCount)
		}
	}
	if len(talks) != 3 || talks[0] != 2 {
		t.Fatalf("demo conversations' replies = %v (threads %+v)", talks, list)
	}
}

func TestDemoSeedsRooms(t *testing.T) {
	ctx := testenv.Ctx(t)
	b, logins := demoBoard(t)
	var got []string
	for _, l := range logins {
		if l.Role != "moderator" {
			continue
		}
		u, _, err := b.Accounts.Login(ctx, l.Email, l.Password)
		if err != nil {
			t.Fatal(err)
		}
		list, err := b.Rooms.Rooms(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list {
			got = append(got, fmt.Sprintf("%s:%d", r.Kind, r.Head))
		}
	}
	slices.Sort(got)
	// The rooms' seed, then the empty room beside each of the two demo tables.
	if want := "meeting:1 table:0 table:0 table:3 theme:5"; strings.Join(got, " ") != want {
		t.Errorf("demo rooms = %v, want %s", got, want)
	}
}
