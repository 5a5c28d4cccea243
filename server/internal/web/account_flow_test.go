package web_test

import (
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

type userBody struct {
	User account.UserView `json:"user"`
}

func enrolment(codice, email string) map[string]any {
	return map[string]any{
		"codice_ipa": codice, "name": "Comune di Milano", "category": "comune", "region": "lombardia",
		"referente": map[string]any{"name": "Giulia Bianchi", "email": email, "password": "una-password-lunga"},
	}
}

// TestEnrolApproveInviteAcceptLogin walks the whole path of a new
// administration: enrol, wait, approval, invitation, colleague's login.
func TestEnrolApproveInviteAcceptLogin(t *testing.T) {
	env := webtest.Start(t, nil)
	ref := env.Client()

	r := ref.Expect(201, "POST", "/api/v1/enrolments", enrolment("c_F205", "giulia.bianchi@comune.milano.it"))
	var enrolled struct {
		Administration account.AdministrationView `json:"administration"`
		User           account.UserView           `json:"user"`
	}
	r.JSON(t, &enrolled)
	if enrolled.Administration.ID != "c_f205" || enrolled.Administration.CodiceIPA != "c_F205" || enrolled.Administration.Status != "pending" {
		t.Fatalf("administration = %+v", enrolled.Administration)
	}
	if !enrolled.User.Referente || enrolled.User.AdministrationStatus != "pending" || enrolled.User.Handle != "giulia_bianchi" {
		t.Fatalf("referente = %+v", enrolled.User)
	}

	// Logged in, but waiting: me works, the rest of the board does not.
	var me account.UserView
	ref.Expect(200, "GET", "/api/v1/me", nil).JSON(t, &me)
	if me.AdministrationStatus != "pending" {
		t.Fatalf("me = %+v", me)
	}
	if r := ref.Expect(403, "GET", "/api/v1/administrations", nil); r.ErrorCode() != "administration_pending" {
		t.Fatalf("code %q", r.ErrorCode())
	}
	if r := ref.Expect(403, "POST", "/api/v1/invitations", map[string]any{}); r.ErrorCode() != "administration_pending" {
		t.Fatalf("code %q", r.ErrorCode())
	}

	admin, _ := env.Admin()
	var pending []account.AdministrationView
	admin.Expect(200, "GET", "/api/v1/admin/enrolments?status=pending", nil).JSON(t, &pending)
	if len(pending) != 1 || pending[0].ID != "c_f205" || pending[0].ReferenteEmail != "giulia.bianchi@comune.milano.it" {
		t.Fatalf("pending = %+v", pending)
	}
	var approved account.AdministrationView
	admin.Expect(200, "POST", "/api/v1/admin/administrations/c_f205/approve", nil).JSON(t, &approved)
	if approved.Status != "approved" || approved.DecidedAt == nil {
		t.Fatalf("approved = %+v", approved)
	}

	ref.Expect(200, "GET", "/api/v1/me", nil).JSON(t, &me)
	if me.AdministrationStatus != "approved" {
		t.Fatalf("after approval me = %+v", me)
	}
	var inv account.NewInvitation
	ref.Expect(201, "POST", "/api/v1/invitations", map[string]any{"email": "marco.rossi@comune.milano.it"}).JSON(t, &inv)
	if !strings.HasPrefix(inv.URL, env.Base+"/invito/") || inv.Token == "" {
		t.Fatalf("invitation = %+v", inv)
	}

	colleague := env.Client()
	var shown account.Invitation
	colleague.Expect(200, "GET", "/api/v1/invitations/"+inv.Token, nil).JSON(t, &shown)
	if shown.AdministrationName != "Comune di Milano" || shown.Email != "marco.rossi@comune.milano.it" {
		t.Fatalf("invitation shown = %+v", shown)
	}
	var accepted userBody
	colleague.Expect(201, "POST", "/api/v1/invitations/"+inv.Token+"/accept",
		map[string]any{"name": "Marco Rossi", "email": "Marco.Rossi@comune.milano.it", "password": "un'altra-password"}).JSON(t, &accepted)
	if accepted.User.AdministrationID != "c_f205" || accepted.User.Referente || accepted.User.Role != "participant" || accepted.User.AdministrationStatus != "approved" {
		t.Fatalf("accepted = %+v", accepted.User)
	}
	colleague.Expect(200, "GET", "/api/v1/administrations", nil)
	colleague.Expect(204, "DELETE", "/api/v1/session", nil)
	colleague.Expect(401, "GET", "/api/v1/me", nil)

	var logged userBody
	colleague.Expect(200, "POST", "/api/v1/session", map[string]any{"email": "marco.rossi@comune.milano.it", "password": "un'altra-password"}).JSON(t, &logged)
	if logged.User.ID != accepted.User.ID {
		t.Fatalf("logged in as %+v", logged.User)
	}
	colleague.Expect(200, "GET", "/api/v1/me", nil)

	members, err := env.Board.Accounts.MembersOf(t.Context(), "c_f205")
	if err != nil || len(members) != 2 {
		t.Fatalf("members = %v, %v", members, err)
	}
	found, err := env.Board.Accounts.ResolveHandles(t.Context(), []string{"@giulia_bianchi", "C_F205", "marco_rossi", "nessuno"})
	if err != nil || len(found) != 3 || found["c_f205"].Kind != account.KindAdministration || found["marco_rossi"].ID != accepted.User.ID {
		t.Fatalf("resolved = %+v, %v", found, err)
	}
}
