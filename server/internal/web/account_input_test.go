package web_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/testenv"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

const validEnrolment = `"codice_ipa":"c_a001","name":"Comune di Prova","category":"comune","region":"lazio"`

func validReferente(name, email, password string) string {
	return `"referente":{"name":"` + name + `","email":"` + email + `","password":"` + password + `"}`
}

// TestAccountFormsRejectBadInput: every form answers 400 naming the bad
// fields, for unknown fields, operator objects, wrong types, empty, too
// long, malformed and invalid UTF-8 values.
func TestAccountFormsRejectBadInput(t *testing.T) {
	env := webtest.Start(t, nil)
	c, _ := env.NewUser(account.RoleParticipant)
	admin, _ := env.Admin()
	okRef := validReferente("Anna Verdi", "anna@example.it", "password-lunga")
	long := strings.Repeat("a", 201)
	cases := []struct {
		name, method, path, body string
		client                   *webtest.Client
		fields                   []string // exactly these keys; nil: a bad_json answer without fields
	}{
		{"login unknown field", "POST", "/api/v1/session", `{"email":"a@example.it","password":"x","role":"admin"}`, nil, []string{"role"}},
		{"login $ne email", "POST", "/api/v1/session", `{"email":{"$ne":null},"password":"x"}`, nil, []string{"email"}},
		{"login $gt password", "POST", "/api/v1/session", `{"email":"a@example.it","password":{"$gt":""}}`, nil, []string{"password"}},
		{"login wrong type", "POST", "/api/v1/session", `{"email":42,"password":"x"}`, nil, []string{"email"}},
		{"login empty", "POST", "/api/v1/session", `{"email":"","password":""}`, nil, []string{"email", "password"}},
		{"login missing", "POST", "/api/v1/session", `{}`, nil, []string{"email", "password"}},
		{"login bad email", "POST", "/api/v1/session", `{"email":"non-una-mail","password":"x"}`, nil, []string{"email"}},
		{"login too long", "POST", "/api/v1/session", `{"email":"a@example.it","password":"` + strings.Repeat("p", 129) + `"}`, nil, []string{"password"}},
		{"login invalid utf-8", "POST", "/api/v1/session", "{\"email\":\"a\xff@example.it\",\"password\":\"x\"}", nil, []string{"email"}},
		{"login not json", "POST", "/api/v1/session", `email=a&password=b`, nil, nil},
		{"login trailing data", "POST", "/api/v1/session", `{"email":"a@example.it","password":"x"}{}`, nil, nil},

		{"enrol empty", "POST", "/api/v1/enrolments", `{"codice_ipa":"","name":"","category":"","region":"","referente":{"name":"","email":"","password":""}}`, nil,
			[]string{"codice_ipa", "name", "category", "region", "referente.name", "referente.email", "referente.password"}},
		{"enrol unknown field", "POST", "/api/v1/enrolments", `{` + validEnrolment + `,` + okRef + `,"status":"approved"}`, nil, []string{"status"}},
		{"enrol unknown nested field", "POST", "/api/v1/enrolments", `{` + validEnrolment + `,"referente":{"name":"Anna","email":"a@example.it","password":"password-lunga","role":"admin"}}`, nil, []string{"role"}}, // encoding/json names unknown fields without their path
		{"enrol $ne codice", "POST", "/api/v1/enrolments", `{"codice_ipa":{"$ne":null},"name":"X"}`, nil, []string{"codice_ipa"}},
		{"enrol $ne email", "POST", "/api/v1/enrolments", `{` + validEnrolment + `,"referente":{"name":"Anna","email":{"$ne":null},"password":"password-lunga"}}`, nil, []string{"referente.email"}},
		{"enrol wrong type", "POST", "/api/v1/enrolments", `{"codice_ipa":"c_a001","name":"Comune","category":3,"region":"lazio"}`, nil, []string{"category"}},
		{"enrol codice too long", "POST", "/api/v1/enrolments", `{"codice_ipa":"abcdefghijkl","name":"Comune di Prova","category":"comune","region":"lazio",` + okRef + `}`, nil, []string{"codice_ipa"}},
		{"enrol codice too short", "POST", "/api/v1/enrolments", `{"codice_ipa":"a","name":"Comune di Prova","category":"comune","region":"lazio",` + okRef + `}`, nil, []string{"codice_ipa"}},
		{"enrol codice bad chars", "POST", "/api/v1/enrolments", `{"codice_ipa":"c-f205","name":"Comune di Prova","category":"comune","region":"lazio",` + okRef + `}`, nil, []string{"codice_ipa"}},
		{"enrol name too long", "POST", "/api/v1/enrolments", `{"codice_ipa":"c_a001","name":"` + long + `","category":"comune","region":"lazio",` + okRef + `}`, nil, []string{"name"}},
		{"enrol closed lists", "POST", "/api/v1/enrolments", `{"codice_ipa":"c_a001","name":"Comune","category":"bar","region":"atlantide",` + okRef + `}`, nil, []string{"category", "region"}},
		{"enrol NUL in name", "POST", "/api/v1/enrolments", `{"codice_ipa":"c_a001","name":"Comune\u0000","category":"comune","region":"lazio",` + okRef + `}`, nil, []string{"name"}},
		{"enrol invalid utf-8", "POST", "/api/v1/enrolments", "{" + validEnrolment + ",\"referente\":{\"name\":\"Anna \xc3\x28\",\"email\":\"a@example.it\",\"password\":\"password-lunga\"}}", nil, []string{"referente.name"}},
		{"enrol referente bad", "POST", "/api/v1/enrolments", `{` + validEnrolment + `,` + validReferente("A", "not-mail", "corta") + `}`, nil, []string{"referente.name", "referente.email", "referente.password"}},

		{"accept empty", "POST", "/api/v1/invitations/abc/accept", `{"name":"","email":"","password":""}`, nil, []string{"name", "email", "password"}},
		{"accept mass assignment", "POST", "/api/v1/invitations/abc/accept", `{"name":"Anna","email":"a@example.it","password":"password-lunga","role":"admin"}`, nil, []string{"role"}},
		{"reset request $regex", "POST", "/api/v1/password-resets", `{"email":{"$regex":".*"}}`, nil, []string{"email"}},
		{"reset short password", "POST", "/api/v1/password-resets/abc", `{"password":"corta"}`, nil, []string{"password"}},
		{"password change empty", "PUT", "/api/v1/me/password", `{"current_password":"","new_password":""}`, c, []string{"current_password", "new_password"}},
		{"profile bad values", "PATCH", "/api/v1/me", `{"name":"` + long + `","lang":"de"}`, c, []string{"name", "lang"}},
		{"profile role", "PATCH", "/api/v1/me", `{"role":"admin"}`, c, []string{"role"}},
		{"invite bad email", "POST", "/api/v1/invitations", `{"email":"x","administration_id":"a-b"}`, admin, []string{"email", "administration_id"}},
		{"reject no reason", "POST", "/api/v1/admin/administrations/xx/reject", `{"reason":""}`, admin, []string{"reason"}},
		{"role unknown", "PATCH", "/api/v1/admin/users/xx", `{"role":"root"}`, admin, []string{"role"}},
		{"role $set", "PATCH", "/api/v1/admin/users/xx", `{"$set":{"role":"admin"}}`, admin, []string{"$set"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cl := tc.client
			if cl == nil {
				cl = env.Client()
			}
			r := cl.Raw().Expect(400, tc.method, tc.path, tc.body)
			var got []string
			for f := range r.Fields() {
				got = append(got, f)
			}
			sort.Strings(got)
			want := append([]string(nil), tc.fields...)
			sort.Strings(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("fields %v, want %v (%s)", got, want, r.Body)
			}
			if tc.fields == nil && r.ErrorCode() != "bad_json" {
				t.Fatalf("code %q", r.ErrorCode())
			}
			if cl.Cookie("tavolo_session") != "" && tc.client == nil {
				t.Fatal("bad input started a session")
			}
		})
	}
}

// TestNoSQLCorpusOnLoginAndEnrolment posts every line of the NoSQL corpus:
// none may log anyone in or enrol anything, none may answer 5xx.
func TestNoSQLCorpusOnLoginAndEnrolment(t *testing.T) {
	env := webtest.Start(t, nil)
	env.NewUser(account.RoleAdmin) // someone to break into
	c := env.Client()
	n := 0
	for _, line := range testenv.Corpus(t, "nosql.txt") {
		n++
		for _, path := range []string{"/api/v1/session", "/api/v1/enrolments"} {
			r := c.Raw().Do("POST", path, line)
			if r.Status >= 500 || r.Status < 400 {
				t.Fatalf("%s %s: %d %s", path, line, r.Status, r.Body)
			}
			if c.Cookie("tavolo_session") != "" {
				t.Fatalf("%s %s started a session", path, line)
			}
		}
	}
	if n < 400 {
		t.Fatalf("only %d corpus lines", n)
	}
	pending, err := env.Board.Accounts.Administrations(t.Context(), account.StatusPending)
	if err != nil || len(pending) != 0 {
		t.Fatalf("corpus enrolled %v (%v)", pending, err)
	}
}

func TestBodyLimit(t *testing.T) {
	env := webtest.Start(t, nil)
	c := env.Client()
	big := `{"email":"a@example.it","password":"` + strings.Repeat("x", 2<<20) + `"}`
	if r := c.Raw().Expect(413, "POST", "/api/v1/session", big); r.ErrorCode() != "too_large" {
		t.Fatalf("code %q", r.ErrorCode())
	}
}
