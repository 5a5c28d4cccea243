package web_test

import (
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

func TestAdminRoutesNeedAdmin(t *testing.T) {
	env := webtest.Start(t, nil)
	participant, _ := env.NewUser(account.RoleParticipant)
	moderator, _ := env.NewUser(account.RoleModerator)
	anon := env.Client()
	routes := []struct{ method, path, body string }{
		{"GET", "/api/v1/admin/enrolments", ""},
		{"GET", "/api/v1/admin/users", ""},
		{"POST", "/api/v1/admin/administrations/fx_1/approve", ""},
		{"POST", "/api/v1/admin/administrations/fx_1/reject", `{"reason":"perché sì"}`},
		{"PATCH", "/api/v1/admin/users/x", `{"role":"admin"}`},
	}
	for _, r := range routes {
		var body any
		if r.body != "" {
			body = r.body
		}
		for _, c := range []*webtest.Client{participant, moderator} {
			if got := c.Expect(403, r.method, r.path, body); got.ErrorCode() != "forbidden" {
				t.Fatalf("%s %s: %q", r.method, r.path, got.ErrorCode())
			}
		}
		anon.Expect(401, r.method, r.path, body)
	}
}

func TestInvitationBoundaries(t *testing.T) {
	env := webtest.Start(t, nil)
	ref, refUser := env.NewUser(account.RoleParticipant)
	other := env.NewAdministration()
	colleague, _ := env.NewUserIn(refUser.AdministrationID, account.RoleParticipant)
	admin, _ := env.Admin()

	if r := ref.Expect(403, "POST", "/api/v1/invitations", map[string]any{"administration_id": other.ID}); r.ErrorCode() != "other_administration" {
		t.Fatalf("code %q", r.ErrorCode())
	}
	if r := colleague.Expect(403, "POST", "/api/v1/invitations", map[string]any{}); r.ErrorCode() != "not_referente" {
		t.Fatalf("code %q", r.ErrorCode())
	}
	ref.Expect(201, "POST", "/api/v1/invitations", map[string]any{"administration_id": strings.ToUpper(refUser.AdministrationID)})
	inv := invite(t, admin, map[string]any{"administration_id": other.ID})
	var accepted userBody
	env.Client().Expect(201, "POST", "/api/v1/invitations/"+inv.Token+"/accept",
		map[string]any{"name": "Nuova Persona", "email": "nuova@example.it", "password": "password-lunga"}).JSON(t, &accepted)
	if accepted.User.AdministrationID != other.ID {
		t.Fatalf("joined %q", accepted.User.AdministrationID)
	}
	admin.Expect(404, "POST", "/api/v1/invitations", map[string]any{"administration_id": "nessuna"})

	// Into a pending administration nobody invites.
	pendingRef := env.Client()
	pendingRef.Expect(201, "POST", "/api/v1/enrolments", enrolment("c_h501", "roma@example.it"))
	if r := admin.Expect(409, "POST", "/api/v1/invitations", map[string]any{"administration_id": "c_h501"}); r.ErrorCode() != "administration_not_approved" {
		t.Fatalf("code %q", r.ErrorCode())
	}
}

func TestEnrolmentConflictsAndRejection(t *testing.T) {
	env := webtest.Start(t, nil)
	admin, _ := env.Admin()
	first := env.Client()
	first.Expect(201, "POST", "/api/v1/enrolments", enrolment("c_F205", "giulia@example.it"))

	r := env.Client().Expect(409, "POST", "/api/v1/enrolments", enrolment("C_f205", "GIULIA@example.it"))
	if f := r.Fields(); f["codice_ipa"] == "" || f["referente.email"] == "" || r.ErrorCode() != "already_taken" {
		t.Fatalf("fields %v code %q", f, r.ErrorCode())
	}
	r = env.Client().Expect(409, "POST", "/api/v1/enrolments", enrolment("c_l219", "giulia@example.it"))
	if f := r.Fields(); len(f) != 1 || f["referente.email"] == "" {
		t.Fatalf("fields %v", f)
	}

	var rejected account.AdministrationView
	admin.Expect(200, "POST", "/api/v1/admin/administrations/C_F205/reject", map[string]any{"reason": "Codice IPA non corrispondente"}).JSON(t, &rejected)
	if rejected.Status != "rejected" || rejected.RejectionReason != "Codice IPA non corrispondente" {
		t.Fatalf("rejected %+v", rejected)
	}
	if r := first.Expect(403, "GET", "/api/v1/administrations", nil); r.ErrorCode() != "administration_rejected" {
		t.Fatalf("code %q", r.ErrorCode())
	}
	var me account.UserView
	first.Expect(200, "GET", "/api/v1/me", nil).JSON(t, &me)
	if me.AdministrationRejectionReason != "Codice IPA non corrispondente" {
		t.Fatalf("the referente is not told why: %+v", me)
	}
	admin.Expect(404, "POST", "/api/v1/admin/administrations/nessuna/approve", nil)
	// A rejection can be reconsidered; an approval is not undone by "reject".
	admin.Expect(200, "POST", "/api/v1/admin/administrations/c_f205/approve", nil)
	first.Expect(200, "GET", "/api/v1/administrations", nil)
	if r := admin.Expect(409, "POST", "/api/v1/admin/administrations/c_f205/reject", map[string]any{"reason": "ripensamento"}); r.ErrorCode() != "already_decided" {
		t.Fatalf("code %q", r.ErrorCode())
	}
}

func TestEnrolmentDeadline(t *testing.T) {
	deadline := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	env := webtest.Start(t, func(c *config.Config) { c.EnrolmentDeadline = deadline })
	c := env.Client()
	var s struct {
		Enrolment struct {
			Open     bool       `json:"open"`
			Deadline *time.Time `json:"deadline"`
		} `json:"enrolment"`
		CSRF string `json:"csrf_token"`
	}
	c.Expect(200, "GET", "/api/v1/session", nil).JSON(t, &s)
	if s.Enrolment.Open || s.Enrolment.Deadline == nil || !s.Enrolment.Deadline.Equal(deadline) || s.CSRF != c.CSRF() {
		t.Fatalf("session %+v", s)
	}
	r := c.Expect(403, "POST", "/api/v1/enrolments", enrolment("c_f205", "giulia@example.it"))
	if r.ErrorCode() != "enrolment_closed" || !strings.Contains(string(r.Body), "chiuse") {
		t.Fatalf("%s", r.Body)
	}
	c.Lang = "en"
	if r := c.Expect(403, "POST", "/api/v1/enrolments", enrolment("c_f205", "giulia@example.it")); !strings.Contains(string(r.Body), "closed") {
		t.Fatalf("%s", r.Body)
	}
}

func TestAdminSetsRoles(t *testing.T) {
	env := webtest.Start(t, nil)
	admin, adminUser := env.Admin()
	c, u := env.NewUser(account.RoleParticipant)
	c.Expect(200, "GET", "/api/v1/me", nil) // warm the session cache

	var changed account.UserView
	admin.Expect(200, "PATCH", "/api/v1/admin/users/"+u.ID, map[string]any{"role": "moderator"}).JSON(t, &changed)
	if changed.Role != account.RoleModerator {
		t.Fatalf("role %q", changed.Role)
	}
	var me account.UserView
	c.Expect(200, "GET", "/api/v1/me", nil).JSON(t, &me)
	if me.Role != account.RoleModerator {
		t.Fatalf("role seen by the user right after: %q", me.Role)
	}
	if r := admin.Expect(403, "PATCH", "/api/v1/admin/users/"+adminUser.ID, map[string]any{"role": "participant"}); r.ErrorCode() != "cannot_demote_self" {
		t.Fatalf("code %q", r.ErrorCode())
	}
	admin.Expect(404, "PATCH", "/api/v1/admin/users/nessuno", map[string]any{"role": "participant"})

	var page account.Page[account.UserView]
	admin.Expect(200, "GET", "/api/v1/admin/users?q="+u.Name[len(u.Name)-3:]+"&per_page=10", nil).JSON(t, &page)
	if page.Total != 1 || len(page.Items) != 1 || page.Items[0].ID != u.ID || page.PerPage != 10 {
		t.Fatalf("page %+v", page)
	}
	admin.Expect(200, "GET", "/api/v1/admin/users?q=.*", nil).JSON(t, &page)
	if page.Total != 0 {
		t.Fatalf("q is a regexp: %+v", page)
	}
	admin.Expect(400, "GET", "/api/v1/admin/users?per_page=1000", nil)
	if strings.Contains(string(admin.Expect(200, "GET", "/api/v1/admin/users", nil).Body), "password_hash") {
		t.Fatal("password hashes listed")
	}
}

func TestProfileUpdate(t *testing.T) {
	env := webtest.Start(t, nil)
	c, u := env.NewUser(account.RoleParticipant)
	var me account.UserView
	c.Expect(200, "PATCH", "/api/v1/me", map[string]any{"name": "Nome Nuovo", "lang": "en"}).JSON(t, &me)
	if me.Name != "Nome Nuovo" || me.Lang != "en" || me.Handle != u.Handle {
		t.Fatalf("me %+v", me)
	}
	// Messages now follow the user's language.
	if r := c.Raw().Expect(400, "PATCH", "/api/v1/me", map[string]any{"lang": "de"}); !strings.Contains(string(r.Body), "not valid") {
		t.Fatalf("%s", r.Body)
	}
	found, err := env.Board.Accounts.SuggestHandles(t.Context(), "nom", 10, account.Writer{})
	if err != nil || len(found) != 1 || found[0].Handle != u.Handle || found[0].Name != "Nome Nuovo" {
		t.Fatalf("suggest %+v %v", found, err)
	}
}

// A 5xx says "internal" and nothing about the cause.
func TestInternalErrorsDoNotLeak(t *testing.T) {
	env := webtest.Start(t, nil)
	_, u := env.NewUser(account.RoleParticipant)
	_, err := env.Board.Store.C("users").UpdateByID(t.Context(), u.ID,
		bson.D{{Key: "$set", Value: bson.D{{Key: "password_hash", Value: "$bcrypt$corrotto"}}}})
	if err != nil {
		t.Fatal(err)
	}
	r := env.Client().Expect(500, "POST", "/api/v1/session", map[string]any{"email": u.Email, "password": webtest.Password})
	body := string(r.Body)
	if r.ErrorCode() != "internal" || strings.Contains(body, "hash") || strings.Contains(body, "corrotto") || strings.Contains(body, "password") {
		t.Fatalf("500 body %s", body)
	}
}
