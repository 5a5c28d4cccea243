package account

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/testenv"
)

// A resolved session is kept: for cacheTTL when other instances may write,
// until its last_seen is due on the sole writer (every change is then this
// process's and drops it). The name is changed behind the service's back
// to see which copy answers; a change through the service shows at once.
func TestSessionCacheKeepsAsLongAsTheStoreAllows(t *testing.T) {
	ctx := testenv.Ctx(t)
	for _, tc := range []struct {
		name   string
		shared bool
		after  time.Duration // since the first lookup
		want   string        // the name the session resolves to
	}{
		{"sole writer, 3 s later", false, 3 * time.Second, "Anna"},
		{"sole writer, 9 min later", false, 9 * time.Minute, "Anna"},
		{"sole writer, last_seen due", false, touchEvery + time.Second, "Anna Maria"},
		{"other instances, 1 s later", true, time.Second, "Anna"},
		{"other instances, 3 s later", true, 3 * time.Second, "Anna Maria"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := testenv.Store(t)
			if tc.shared {
				st = st.Shared()
			}
			now := time.Now()
			s := New(st, Options{Now: func() time.Time { return now }})
			if err := s.Init(ctx); err != nil {
				t.Fatal(err)
			}
			a, err := s.NewApprovedAdministration(ctx, "c_k001", "Comune", "comune", "lazio")
			if err != nil {
				t.Fatal(err)
			}
			u, err := s.NewMember(ctx, a.ID, Credentials{Name: "Anna", Email: "anna@example.it", Password: "password-lunga"}, RoleParticipant)
			if err != nil {
				t.Fatal(err)
			}
			token, _ := s.CreateSession(ctx, u.ID)
			if _, _, _, err := s.SessionUser(ctx, token); err != nil {
				t.Fatal(err)
			}
			if _, err := st.C(colUsers).UpdateByID(ctx, u.ID, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "Anna Maria"}}}}); err != nil {
				t.Fatal(err)
			}
			now = now.Add(tc.after)
			got, _, _, err := s.SessionUser(ctx, token)
			if err != nil || got.Name != tc.want {
				t.Fatalf("got %q (%v), want %q", got.Name, err, tc.want)
			}
			var sess session
			if err := st.C(colSessions).FindOne(ctx, bson.D{{Key: "_id", Value: hashToken(token)}}).Decode(&sess); err != nil {
				t.Fatal(err)
			}
			if due := tc.after > touchEvery; due != sess.LastSeen.After(now.Add(-time.Second)) {
				t.Errorf("last_seen %s at %s: got touched %v, want %v", sess.LastSeen, now, !due, due)
			}
			// A change through the service drops the kept copy at once.
			if err := s.updateUser(ctx, u.ID, bson.D{{Key: "name", Value: "Anna B."}}); err != nil {
				t.Fatal(err)
			}
			if got, _, _, err := s.SessionUser(ctx, token); err != nil || got.Name != "Anna B." {
				t.Fatalf("after updateUser: got %q (%v), want %q", got.Name, err, "Anna B.")
			}
		})
	}
}
