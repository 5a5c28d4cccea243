package experiences_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/realtime"
	"github.com/cantieri/tavolo/server/internal/store"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// updates are the experience.updated events stored on record id's topic,
// as "version:changed".
func updates(t *testing.T, st *store.Store, id string) []string {
	t.Helper()
	evs, _, err := realtime.NewStoreLog(st, slog.New(slog.NewTextHandler(io.Discard, nil))).Since(testenv.Ctx(t), experiences.Topic(id), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		if ev.Name != experiences.EventUpdated {
			continue
		}
		var u experiences.Updated
		if err := json.Unmarshal(ev.Data, &u); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d:%v", u.Version, u.Changed))
	}
	return out
}

// TestUpdateEventSurvivesCrash: every stored change is told once on the
// record's topic; a process that dies after the write and before the
// event tells it at the next start, from the outbox.
func TestUpdateEventSurvivesCrash(t *testing.T) {
	st := testenv.Store(t)
	ctx := testenv.Ctx(t)
	b := build(t, st)
	u := member(t, b, "comune", "umbria")
	e, err := b.Experiences.Create(ctx, u, experiences.NewExperience{Fields: complete()}, "it")
	if err != nil {
		t.Fatal(err)
	}
	if e, err = b.Experiences.Publish(ctx, u, e.ID, experiences.PublishInput{BaseVersion: e.Version}, "it"); err != nil {
		t.Fatal(err)
	}
	f := complete()
	f.Procedura = "ristretta"
	if e, err = b.Experiences.Update(ctx, u, e.ID, experiences.Save{BaseVersion: e.Version, Fields: f}, "it"); err != nil {
		t.Fatal(err)
	}
	// A refused save (stale base) writes nothing and tells nothing.
	if _, err := b.Experiences.Update(ctx, u, e.ID, experiences.Save{BaseVersion: 1, Fields: f}, "it"); err == nil {
		t.Fatal("stale save stored")
	}
	if got, want := fmt.Sprint(updates(t, st, e.ID)), "[2:[status] 3:[procedura]]"; got != want {
		t.Fatalf("events before the crash = %s, want %s", got, want)
	}

	experiences.SetAfterWrite(b.Experiences, func() error { return errors.New("kill -9") })
	f.Criterio = "minor_prezzo"
	if e, err = b.Experiences.Update(ctx, u, e.ID, experiences.Save{BaseVersion: e.Version, Fields: f}, "it"); err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(updates(t, st, e.ID)), "[2:[status] 3:[procedura]]"; got != want {
		t.Fatalf("events after the crash = %s, want %s (none for version 4 yet)", got, want)
	}
	b.Close()

	b2 := build(t, st) // the restart: Recover publishes version 4
	defer b2.Close()
	if got, want := fmt.Sprint(updates(t, st, e.ID)), "[2:[status] 3:[procedura] 4:[criterio]]"; got != want {
		t.Fatalf("events after the restart = %s, want %s", got, want)
	}
	b2.Close()
	b3 := build(t, st) // and only once
	defer b3.Close()
	if got, want := fmt.Sprint(updates(t, st, e.ID)), "[2:[status] 3:[procedura] 4:[criterio]]"; got != want {
		t.Fatalf("events after another start = %s, want %s", got, want)
	}
}
