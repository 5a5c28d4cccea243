package web_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/mailer"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

func expireAll(t *testing.T, env *webtest.Env, collection string) {
	t.Helper()
	_, err := env.Board.Store.C(collection).UpdateMany(t.Context(), bson.D{},
		bson.D{{Key: "$set", Value: bson.D{{Key: "expires_at", Value: time.Now().Add(-time.Minute)}}}})
	if err != nil {
		t.Fatal(err)
	}
}

func resetLink(t *testing.T, env *webtest.Env, box *mailer.Outbox, email string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	m, ok := box.Wait(ctx, email)
	if !ok {
		t.Fatalf("no mail to %s", email)
	}
	box.Take()
	i := strings.Index(m.Text, env.Base+"/reset/")
	if i < 0 {
		t.Fatalf("no link in %q", m.Text)
	}
	return strings.Fields(m.Text[i+len(env.Base+"/reset/"):])[0]
}

func TestPasswordResetSingleUseAndExpiring(t *testing.T) {
	env := webtest.Start(t, nil)
	box := &mailer.Outbox{}
	env.Board.Accounts.SetMailer(box)
	loggedIn, u := env.NewUser(account.RoleParticipant)
	c := env.Client()

	// Unknown address: same answer, no mail.
	c.Expect(202, "POST", "/api/v1/password-resets", map[string]any{"email": "nessuno@example.it"})
	c.Expect(202, "POST", "/api/v1/password-resets", map[string]any{"email": strings.ToUpper(u.Email)})
	token := resetLink(t, env, box, u.Email)

	c.Expect(204, "POST", "/api/v1/password-resets/"+token, map[string]any{"password": "password-nuova"})
	if r := c.Expect(410, "POST", "/api/v1/password-resets/"+token, map[string]any{"password": "password-terza"}); r.ErrorCode() != "token_used" {
		t.Fatalf("second use: %q", r.ErrorCode())
	}
	loggedIn.Expect(401, "GET", "/api/v1/me", nil) // a reset ends every session
	c.Expect(401, "POST", "/api/v1/session", map[string]any{"email": u.Email, "password": webtest.Password})
	c.Expect(200, "POST", "/api/v1/session", map[string]any{"email": u.Email, "password": "password-nuova"})
	if got := box.Take(); len(got) != 0 {
		t.Fatalf("unexpected mails %+v", got)
	}

	c.Expect(202, "POST", "/api/v1/password-resets", map[string]any{"email": u.Email})
	token = resetLink(t, env, box, u.Email)
	expireAll(t, env, "password_resets")
	if r := c.Expect(410, "POST", "/api/v1/password-resets/"+token, map[string]any{"password": "password-quarta"}); r.ErrorCode() != "token_expired" {
		t.Fatalf("expired: %q", r.ErrorCode())
	}
	if r := c.Expect(404, "POST", "/api/v1/password-resets/non-esiste", map[string]any{"password": "password-quarta"}); r.ErrorCode() != "token_invalid" {
		t.Fatalf("unknown: %q", r.ErrorCode())
	}
}

func invite(t *testing.T, c *webtest.Client, body map[string]any) account.NewInvitation {
	t.Helper()
	var inv account.NewInvitation
	c.Expect(201, "POST", "/api/v1/invitations", body).JSON(t, &inv)
	return inv
}

func TestInvitationSingleUseAndExpiring(t *testing.T) {
	env := webtest.Start(t, nil)
	box := &mailer.Outbox{}
	env.Board.Accounts.SetMailer(box)
	ref, _ := env.NewUser(account.RoleParticipant)
	cred := func(email string) map[string]any {
		return map[string]any{"name": "Collega Nuovo", "email": email, "password": "password-lunga"}
	}

	inv := invite(t, ref, map[string]any{"email": "collega@example.it"})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if m, ok := box.Wait(ctx, "collega@example.it"); !ok || !strings.Contains(m.Text, inv.URL) {
		t.Fatalf("invitation mail %+v", m)
	}
	if d := time.Until(inv.ExpiresAt); d < 6*24*time.Hour || d > 7*24*time.Hour {
		t.Fatalf("expires in %v", d)
	}
	c := env.Client()
	if r := c.Expect(400, "POST", "/api/v1/invitations/"+inv.Token+"/accept", cred("altro@example.it")); r.Fields()["email"] == "" {
		t.Fatalf("fields %v", r.Fields())
	}
	c.Expect(201, "POST", "/api/v1/invitations/"+inv.Token+"/accept", cred("collega@example.it"))
	if r := env.Client().Expect(410, "GET", "/api/v1/invitations/"+inv.Token, nil); r.ErrorCode() != "token_used" {
		t.Fatalf("code %q", r.ErrorCode())
	}
	env.Client().Expect(410, "POST", "/api/v1/invitations/"+inv.Token+"/accept", cred("collega@example.it"))

	// Two accepts at once: exactly one account.
	inv = invite(t, ref, map[string]any{})
	var wg sync.WaitGroup
	statuses := make([]int, 6)
	for i := range statuses {
		cl := env.Client()
		cl.CSRF()
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = cl.Do("POST", "/api/v1/invitations/"+inv.Token+"/accept", cred("corsa"+string(rune('a'+i))+"@example.it")).Status
		}()
	}
	wg.Wait()
	won := 0
	for _, s := range statuses {
		switch s {
		case 201:
			won++
		case 410:
		default:
			t.Fatalf("statuses %v", statuses)
		}
	}
	if won != 1 {
		t.Fatalf("statuses %v: %d accepts succeeded", statuses, won)
	}

	inv = invite(t, ref, map[string]any{})
	expireAll(t, env, "invitations")
	if r := env.Client().Expect(410, "GET", "/api/v1/invitations/"+inv.Token, nil); r.ErrorCode() != "token_expired" {
		t.Fatalf("code %q", r.ErrorCode())
	}
	env.Client().Expect(410, "POST", "/api/v1/invitations/"+inv.Token+"/accept", cred("tardi@example.it"))
	env.Client().Expect(404, "GET", "/api/v1/invitations/sconosciuto", nil)
}
