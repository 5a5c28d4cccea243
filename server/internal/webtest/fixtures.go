package webtest

import (
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// Password is every fixture user's password.
const Password = "password-di-prova"

var seq atomic.Int64

// NewAdministration creates an approved administration with a fresh codice IPA.
func (e *Env) NewAdministration() *account.Administration {
	e.T.Helper()
	n := seq.Add(1)
	a, err := e.Board.Accounts.NewApprovedAdministration(testenv.Ctx(e.T), fmt.Sprintf("fx_%d", n),
		fmt.Sprintf("Comune di Prova %d", n), "comune", "lazio")
	if err != nil {
		e.T.Fatalf("new administration: %v", err)
	}
	return a
}

// NewUser creates a new approved administration and its first member (its
// referente) with role, and returns a client logged in as them.
func (e *Env) NewUser(role account.Role) (*Client, *account.User) {
	e.T.Helper()
	return e.NewUserIn(e.NewAdministration().ID, role)
}

// NewUserIn creates a user with role in an existing administration (the
// first one becomes its referente) and returns a client logged in as them.
func (e *Env) NewUserIn(administrationID string, role account.Role) (*Client, *account.User) {
	e.T.Helper()
	n := seq.Add(1)
	u, err := e.Board.Accounts.NewMember(testenv.Ctx(e.T), administrationID, account.Credentials{
		Name: fmt.Sprintf("Utente %d", n), Email: fmt.Sprintf("utente%d@example.it", n), Password: Password}, role)
	if err != nil {
		e.T.Fatalf("new user: %v", err)
	}
	c := e.Client()
	c.LoginAs(u)
	return c, u
}

// Admin creates an admin (in an administration of their own) and returns a
// client logged in as them.
func (e *Env) Admin() (*Client, *account.User) {
	e.T.Helper()
	return e.NewUser(account.RoleAdmin)
}

// LoginAs gives the client a fresh session of u, made directly through the
// service (no rate-limited login).
func (c *Client) LoginAs(u *account.User) {
	c.T.Helper()
	token, err := c.Env.Board.Accounts.CreateSession(testenv.Ctx(c.T), u.ID)
	if err != nil {
		c.T.Fatalf("create session: %v", err)
	}
	base, _ := url.Parse(c.Env.Base)
	c.HTTP.Jar.SetCookies(base, []*http.Cookie{{Name: "tavolo_session", Value: token, Path: "/"}})
}

// Cookie returns the value of the client's cookie name, or "".
func (c *Client) Cookie(name string) string {
	base, _ := url.Parse(c.Env.Base)
	for _, ck := range c.HTTP.Jar.Cookies(base) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// Suspend suspends u, as an admin of their own would.
func (e *Env) Suspend(u *account.User) {
	e.T.Helper()
	_, admin := e.Admin()
	if _, err := e.Board.Accounts.SetSuspended(testenv.Ctx(e.T), admin, u.ID, account.Suspension{Suspended: true, Reason: "Prova."}); err != nil {
		e.T.Fatalf("suspend: %v", err)
	}
}
