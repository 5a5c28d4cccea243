package forum

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// SetPostsHidden over two threads and several buckets each: every post
// ends as asked, with its reason; each post that changed is announced
// once and leaves (or rejoins) the index; a post already so is not
// announced; a post that does not exist fails without stopping the rest.
func TestSetPostsHidden(t *testing.T) {
	ctx := testenv.Ctx(t)
	rec := newRecorder()
	s := started(t, testDeps(testenv.Store(t), rec))
	a := user("a", account.RoleParticipant)
	var threads []string
	for i := range 2 {
		th, _, err := s.CreateThread(ctx, a, NewThread{CategoryID: "bacheca", Title: fmt.Sprintf("Discussione %d", i), Body: "Apertura."})
		if err != nil {
			t.Fatal(err)
		}
		for j := range 24 { // posts 2..25: three buckets of 10
			if _, err := s.Reply(ctx, a, th.ID, NewPost{Body: fmt.Sprintf("Risposta %d", j)}); err != nil {
				t.Fatal(err)
			}
		}
		threads = append(threads, th.ID)
	}
	id := func(th, n int) string { return postID(threads[th], n) }
	if err := s.SetPostHidden(ctx, id(0, 5), true, "Già nascosto"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPostHidden(ctx, id(1, 7), true, "Da mostrare"); err != nil {
		t.Fatal(err)
	}
	rec.take()
	hs := []PostHiding{
		{ID: id(0, 2), Hidden: true, Reason: "Spam"},
		{ID: id(0, 9), Hidden: true, Reason: "Spam"},
		{ID: id(0, 12), Hidden: true, Reason: "Spam"},
		{ID: id(0, 25), Hidden: true, Reason: "Spam"},
		{ID: id(0, 5), Hidden: true, Reason: "Già nascosto"}, // unchanged
		{ID: id(1, 3), Hidden: true, Reason: "Fuori tema"},
		{ID: id(1, 7), Hidden: false},
		{ID: id(1, 21), Hidden: true, Reason: "Fuori tema"},
		{ID: id(1, 99), Hidden: true, Reason: "Spam"}, // no such post
	}
	err := s.SetPostsHidden(ctx, hs)
	if !errors.Is(err, ErrPostNotFound) {
		t.Errorf("err = %v, want ErrPostNotFound for %s", err, id(1, 99))
	}
	type state struct {
		hidden bool
		reason string
	}
	want := map[string]state{
		id(0, 2): {true, "Spam"}, id(0, 9): {true, "Spam"}, id(0, 12): {true, "Spam"}, id(0, 25): {true, "Spam"},
		id(0, 5): {true, "Già nascosto"}, id(1, 3): {true, "Fuori tema"}, id(1, 7): {false, ""}, id(1, 21): {true, "Fuori tema"},
		id(0, 3): {}, id(0, 10): {}, id(0, 11): {}, id(1, 2): {}, id(1, 20): {}, id(1, 22): {},
	}
	for pid, w := range want {
		p, err := s.ModerationPost(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		if got := (state{p.Hidden, p.HiddenReason}); got != w {
			t.Errorf("%s: got %+v, want %+v", pid, got, w)
		}
	}
	events, _ := rec.take()
	var updated []string
	for _, e := range events {
		if e.event == "post.updated" {
			updated = append(updated, e.topic)
		}
	}
	slices.Sort(updated)
	wantUpdated := []string{threadTopic(threads[0]), threadTopic(threads[0]), threadTopic(threads[0]), threadTopic(threads[0]),
		threadTopic(threads[1]), threadTopic(threads[1]), threadTopic(threads[1])}
	slices.Sort(wantUpdated)
	if !slices.Equal(updated, wantUpdated) {
		t.Errorf("post.updated on %v, want %v (one per changed post)", updated, wantUpdated)
	}
	for _, pid := range []string{id(0, 2), id(0, 25), id(1, 21)} {
		if _, ok := rec.docs[pid]; ok {
			t.Errorf("hidden %s still indexed", pid)
		}
	}
	if _, ok := rec.docs[id(1, 7)]; !ok {
		t.Errorf("shown again %s not indexed", id(1, 7))
	}
}
