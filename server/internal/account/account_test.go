package account

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/testenv"
)

func newService(t *testing.T, opt Options) *Service {
	t.Helper()
	s := New(testenv.Store(t), opt)
	if err := s.Init(testenv.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFirstAdminIsCreatedOnce(t *testing.T) {
	ctx := testenv.Ctx(t)
	opt := Options{AdminEmail: "Admin@Example.it", AdminPassword: "password-admin"}
	s := newService(t, opt)
	if err := s.Init(ctx); err != nil { // a second start
		t.Fatal(err)
	}
	u, _, err := s.Login(ctx, "admin@example.it", "password-admin")
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != RoleAdmin || u.AdministrationID != "dfp" || !u.Active() {
		t.Fatalf("admin %+v", u)
	}
	n, err := s.st.C(colUsers).CountDocuments(ctx, bson.D{})
	if err != nil || n != 1 {
		t.Fatalf("%d users (%v)", n, err)
	}
	a, err := s.Administration(ctx, "DFP")
	if err != nil || a.Status != StatusApproved || a.Name != "Dipartimento della Funzione Pubblica" || len(a.MemberIDs) != 1 {
		t.Fatalf("administration %+v (%v)", a, err)
	}
}

func TestCleanerDeletesExpiredSessionsAndTellsListeners(t *testing.T) {
	ctx := testenv.Ctx(t)
	now := time.Now()
	s := newService(t, Options{SessionTTL: time.Hour, Now: func() time.Time { return now }})
	a, err := s.NewApprovedAdministration(ctx, "c_a001", "Comune", "comune", "lazio")
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.NewMember(ctx, a.ID, Credentials{Name: "Anna", Email: "anna@example.it", Password: "password-lunga"}, RoleParticipant)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := s.CreateSession(ctx, u.ID)
	now = now.Add(30 * time.Minute)
	fresh, _ := s.CreateSession(ctx, u.ID)
	var ended []string
	s.OnSessionEnd(func(id string) { ended = append(ended, id) })

	now = now.Add(31 * time.Minute) // old expired, fresh not
	if _, _, _, err := s.SessionUser(ctx, old); err == nil {
		t.Fatal("expired session still resolves")
	}
	if err := s.CleanExpired(ctx); err != nil {
		t.Fatal(err)
	}
	if len(ended) != 1 || ended[0] != hashToken(old) {
		t.Fatalf("ended %v", ended)
	}
	if n, _ := s.st.C(colSessions).CountDocuments(ctx, bson.D{}); n != 1 {
		t.Fatalf("%d sessions left", n)
	}
	if _, _, _, err := s.SessionUser(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	stop := s.StartCleaner(time.Millisecond)
	stop()
}

func TestHandleBase(t *testing.T) {
	for in, want := range map[string]string{
		"Mario Rossi":           "mario_rossi",
		"Maria Teresa D'Angelo": "maria_teresa_d_angelo",
		"Niccolò Bottà-Lucà":    "niccolo_botta_luca",
		"  ---  ":               "utente",
		"李":                     "utente",
		"Anna_Verdi99":          "anna_verdi99",
		"Bartolomeo Giovanni Maria Carlo Alberto": "bartolomeo_giovanni_maria",
	} {
		if got := handleBase(in); got != want {
			t.Errorf("handleBase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHandlesAreUniqueAcrossUsersAndAdministrations(t *testing.T) {
	ctx := testenv.Ctx(t)
	s := newService(t, Options{})
	a, err := s.NewApprovedAdministration(ctx, "Mario", "Comune di Mario", "comune", "lazio")
	if err != nil {
		t.Fatal(err)
	}
	var handles []string
	for i, email := range []string{"m1@example.it", "m2@example.it"} {
		u, err := s.NewMember(ctx, a.ID, Credentials{Name: "Mario", Email: email, Password: "password-lunga"}, RoleParticipant)
		if err != nil {
			t.Fatal(i, err)
		}
		handles = append(handles, u.Handle)
	}
	if handles[0] != "mario2" || handles[1] != "mario3" {
		t.Fatalf("handles %v", handles)
	}
	found, err := s.ResolveHandles(ctx, []string{"MARIO", "mario2", "mario3", "mario4", "$ne", "ma.rio"})
	if err != nil || len(found) != 3 || found["mario"].Kind != KindAdministration || found["mario2"].Kind != KindUser {
		t.Fatalf("found %+v %v", found, err)
	}
	sugg, err := s.SuggestHandles(ctx, "@mar", 2, Writer{})
	if err != nil || len(sugg) != 2 {
		t.Fatalf("suggest %+v %v", sugg, err)
	}
	if sugg, _ := s.SuggestHandles(ctx, ".*", 10, Writer{}); len(sugg) != 0 {
		t.Fatalf("prefix is a regexp: %+v", sugg)
	}
	if _, err := s.NewApprovedAdministration(ctx, "mario2", "Ente", "altro", "lazio"); !isTaken(err) {
		t.Fatalf("codice colliding with a user handle: %v", err)
	}
}

func TestPasswordHash(t *testing.T) {
	h := hashPassword("segreto-lungo")
	if h == hashPassword("segreto-lungo") {
		t.Fatal("no salt")
	}
	if ok, err := checkPassword(h, "segreto-lungo"); !ok || err != nil {
		t.Fatalf("%v %v", ok, err)
	}
	if ok, _ := checkPassword(h, "segreto-lungO"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := checkPassword("$argon2id$x", "a"); err == nil {
		t.Fatal("malformed hash accepted")
	}
}
