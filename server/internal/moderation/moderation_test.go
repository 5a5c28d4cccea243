package moderation_test

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/moderation"
	"github.com/cantieri/tavolo/server/internal/outbox"
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

// Two instances on one store (as on MongoDB): each keeps the queue's
// entries decoded, and a change through one shows in the other's next
// page (the version it checks moved), whichever way the queue changed.
func TestQueueSeenByAnotherInstance(t *testing.T) {
	env := webtest.Start(t, nil)
	ctx := testenv.Ctx(t)
	_, author := env.NewUser(account.RoleParticipant)
	_, reporter := env.NewUser(account.RoleParticipant)
	_, mod := env.NewUser(account.RoleModerator)
	other := moderation.New(moderation.Deps{Store: env.Board.Store.Shared(), Outbox: outbox.New(env.Board.Store, nil),
		Notifier: env.Board.Notify, Publisher: env.Board.Hub})
	ids := func(s *moderation.Service, state string) []string {
		t.Helper()
		p, err := s.Queue(ctx, mod, moderation.Query{State: state})
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, it := range p.Items {
			out = append(out, it.ID)
		}
		return out
	}
	th, _, err := env.Board.Forum.CreateThread(ctx, author, forum.NewThread{CategoryID: "bacheca", Title: "Due istanze", Body: "Testo."})
	if err != nil {
		t.Fatal(err)
	}
	rid := moderation.RecordID("post", th.ID+"-1")
	steps := []struct {
		name     string
		do       func() error
		reported []string
		hidden   []string
	}{
		{"nothing yet", func() error { return nil }, []string{}, []string{}},
		{"a report", func() error {
			return env.Board.Moderation.Report(ctx, reporter, moderation.Report{Kind: "post", ID: th.ID + "-1", Reason: "spam"})
		}, []string{rid}, []string{}},
		{"a hide", func() error {
			_, err := env.Board.Moderation.Act(ctx, mod, moderation.Action{Action: "hide", IDs: []string{rid}, Reason: "Spam."})
			return err
		}, []string{}, []string{rid}},
		{"a dismiss", func() error {
			_, err := env.Board.Moderation.Act(ctx, mod, moderation.Action{Action: "dismiss", IDs: []string{rid}, Reason: "Infondata."})
			return err
		}, []string{}, []string{}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for name, svc := range map[string]*moderation.Service{"this instance": env.Board.Moderation, "another instance": other} {
			if got := ids(svc, "reported"); !slices.Equal(got, s.reported) {
				t.Errorf("after %s, %s: reported %v, want %v", s.name, name, got, s.reported)
			}
			if got := ids(svc, "hidden"); !slices.Equal(got, s.hidden) {
				t.Errorf("after %s, %s: hidden %v, want %v", s.name, name, got, s.hidden)
			}
		}
	}
}
