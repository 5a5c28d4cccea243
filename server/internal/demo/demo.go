// Package demo fills an empty store with a believable Cantiere: a dozen
// approved administrations from the IPA index, two participants each, a
// moderator and an admin, all with a known password. Other packages add
// their own demo content (forum categories, threads) through Seeders.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"regexp"
	"strings"

	"github.com/cantieri/tavolo/server/internal/account"
)

// Password is every demo account's password.
const Password = "tavolo-demo-2026"

// ipa-demo.csv: rows copied from ../shared/data/ipa-sample.csv (IPA open
// data via datasets/publicbodies).
//
//go:embed ipa-demo.csv
var ipaCSV []byte

// Cantiere is what Seed created, for Seeders to attribute content to.
type Cantiere struct {
	Admin           *account.User
	Moderator       *account.User
	Administrations []*account.Administration
	Participants    []*account.User // each administration's referente, then a colleague
}

// Seeder adds one package's demo content once the accounts exist.
type Seeder func(ctx context.Context, c *Cantiere) error

// Login is a demo account to print at start-up.
type Login struct {
	Email, Password, Role, Administration string
}

// Seed creates the demo Cantiere, then runs the seeders in order. The
// caller checks the store was empty at start-up (before the configured
// admin, if any, was created); adminEmail may name that admin.
func Seed(ctx context.Context, acc *account.Service, adminEmail string, seeders []Seeder) ([]Login, error) {
	rows, err := csv.NewReader(bytes.NewReader(ipaCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read demo administrations: %w", err)
	}
	var c Cantiere
	var logins []Login
	add := func(u *account.User, password string) {
		logins = append(logins, Login{Email: u.Email, Password: password, Role: string(u.Role), Administration: u.AdministrationName})
	}
	adminPassword := Password
	if adminEmail == "" {
		adminEmail = "admin@example.org"
	} else {
		adminPassword = "(TAVOLO_ADMIN_PASSWORD)"
	}
	if c.Admin, err = acc.EnsureAdmin(ctx, adminEmail, Password); err != nil {
		return nil, err
	}
	add(c.Admin, adminPassword)
	if c.Moderator, err = acc.NewMember(ctx, c.Admin.AdministrationID, account.Credentials{
		Name: "Elena Marchetti", Email: "elena.marchetti@example.org", Password: Password}, account.RoleModerator); err != nil {
		return nil, fmt.Errorf("demo moderator: %w", err)
	}
	add(c.Moderator, Password)

	for i, row := range rows[1:] {
		codice, name, istat, region := row[0], accented(row[1]), row[2], row[5]
		a, err := acc.NewApprovedAdministration(ctx, codice, name, category(istat), regionKey(region, istat))
		if err != nil {
			return nil, fmt.Errorf("demo administration %s: %w", codice, err)
		}
		c.Administrations = append(c.Administrations, a)
		for j := 0; j < 2; j++ {
			p := people[(2*i+j)%len(people)]
			u, err := acc.NewMember(ctx, a.ID, account.Credentials{Name: p,
				Email: strings.ToLower(strings.ReplaceAll(p, " ", ".")) + "@example.org", Password: Password}, account.RoleParticipant)
			if err != nil {
				return nil, fmt.Errorf("demo participant %s: %w", p, err)
			}
			c.Participants = append(c.Participants, u)
			add(u, Password)
		}
	}
	for _, seed := range seeders {
		if err := seed(ctx, &c); err != nil {
			return nil, fmt.Errorf("demo content: %w", err)
		}
	}
	return logins, nil
}

// people are the demo participants' names, two per administration.
var people = []string{
	"Giulia Bianchi", "Marco Rossi", "Francesca Romano", "Luca Esposito", "Chiara Colombo", "Alessandro Ricci",
	"Sara Marino", "Matteo Greco", "Valentina Bruno", "Davide Gallo", "Martina Conti", "Simone De Luca",
	"Elisa Mancini", "Andrea Costa", "Federica Giordano", "Stefano Rizzo", "Silvia Lombardi", "Paolo Moretti",
	"Laura Barbieri", "Giorgio Fontana", "Anna Santoro", "Roberto Mariani", "Ilaria Rinaldi", "Nicola Caruso",
}

// apostropheAccent is a vowel written with an apostrophe for its accent, as
// the IPA open data does ("Universita'"): a vowel, then ' not followed by a
// letter (so the elision in "L'Aquila" stays).
var apostropheAccent = regexp.MustCompile(`([aeiouAEIOU])'([^\p{L}]|$)`)

var graveAccent = map[string]string{"a": "à", "e": "è", "i": "ì", "o": "ò", "u": "ù", "A": "À", "E": "È", "I": "Ì", "O": "Ò", "U": "Ù"}

// accented writes the IPA's "Universita'" as "Università", as people read it.
func accented(s string) string {
	return apostropheAccent.ReplaceAllStringFunc(s, func(m string) string {
		return graveAccent[m[:1]] + m[2:]
	})
}

// category maps the ISTAT category of the IPA index to ours.
func category(istat string) string {
	switch {
	case strings.HasPrefix(istat, "Comuni"):
		return "comune"
	case strings.HasPrefix(istat, "Unioni di Comuni"):
		return "unione_comuni"
	case strings.HasPrefix(istat, "Comunita' Montane"):
		return "comunita_montana"
	case strings.HasPrefix(istat, "Province"):
		return "provincia"
	case strings.HasPrefix(istat, "Regioni"):
		return "regione"
	case strings.HasPrefix(istat, "Aziende Sanitarie"):
		return "asl"
	case strings.HasPrefix(istat, "Aziende Ospedaliere"):
		return "azienda_ospedaliera"
	case strings.HasPrefix(istat, "Universita'"):
		return "universita"
	case strings.HasPrefix(istat, "Camere di Commercio"):
		return "camera_commercio"
	case strings.HasPrefix(istat, "Presidenza del Consiglio"):
		return "ministero"
	case strings.HasPrefix(istat, "Enti e Istituzioni di Ricerca"):
		return "ente_ricerca"
	case strings.HasPrefix(istat, "Enti Pubblici Nazionali"):
		return "ente_nazionale"
	default:
		return "altro"
	}
}

// regionKey turns "Emilia-Romagna" into emilia_romagna; ministries are national.
func regionKey(region, istat string) string {
	if category(istat) == "ministero" {
		return "nazionale"
	}
	r := strings.ToLower(region)
	r = strings.NewReplacer("-", "_", " ", "_", "'", "_").Replace(r)
	return r
}
