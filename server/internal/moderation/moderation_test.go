package moderation_test

import (
	"errors"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/moderation"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// Reports racing on one item: each user's first report counts once,
// however many they send at the same time; the record and the queue
// count the distinct reporters, and the item is hidden exactly when the
// threshold is reached.
func TestConcurrentReportsCountOncePerUser(t *testing.T) {
	env := webtest.Start(t, nil)
	ctx := testenv.Ctx(t)
	_, author := env.NewUser(account.RoleParticipant)
	th, _, err := env.Board.Forum.CreateThread(ctx, author, forum.NewThread{CategoryID: "bacheca", Title: "Gara", Body: "Testo."})
	if err != nil {
		t.Fatal(err)
	}
	var users []*account.User
	for range 4 {
		_, u := env.NewUser(account.RoleParticipant)
		users = append(users, u)
	}
	item := th.ID + "-1"
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		ok   = map[string]int{}
		dups int
	)
	for _, u := range users {
		for range 3 { // each user three times at once
			wg.Go(func() {
				err := env.Board.Moderation.Report(ctx, u, moderation.Report{Kind: "post", ID: item, Reason: "spam"})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok[u.ID]++
				case errors.Is(err, moderation.ErrAlreadyReported):
					dups++
				default:
					t.Errorf("report: %v", err)
				}
			})
		}
	}
	wg.Wait()
	for _, u := range users {
		if ok[u.ID] != 1 {
			t.Errorf("user %s: %d reports accepted, want 1", u.ID, ok[u.ID])
		}
	}
	if dups != 8 {
		t.Errorf("refused as already reported: %d, want 8", dups)
	}
	var rec struct {
		Reports []bson.M `bson:"reports"`
		State   string   `bson:"state"`
	}
	if err := env.Board.Store.R("moderation_items").FindOne(ctx, bson.M{"_id": moderation.RecordID("post", item)}).Decode(&rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.Reports) != 4 || rec.State != moderation.StateHidden {
		t.Errorf("record: %d reports, state %s; want 4, hidden", len(rec.Reports), rec.State)
	}
	_, mod := env.NewUser(account.RoleModerator)
	page, err := env.Board.Moderation.Queue(ctx, mod, moderation.Query{State: "hidden"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].Open != 4 || page.Hidden != 1 || page.Reported != 0 {
		t.Errorf("queue: %+v", page)
	}
	p, err := env.Board.Forum.ModerationPost(ctx, item)
	if err != nil || !p.Hidden {
		t.Errorf("post hidden %v (%v), want hidden", p.Hidden, err)
	}
}
