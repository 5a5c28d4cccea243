package webtest

import (
	"net/http"
	"strings"
	"testing"
)

// TestCheckRequest: a body the operation's requestBody describes passes;
// one it does not (a forged field, a wrong type, a body where none is
// described) fails; routes outside the contract are left to their answer.
func TestCheckRequest(t *testing.T) {
	for _, c := range []struct {
		name, method, path, body string
		ok                       bool
	}{
		{"reply", "POST", "/api/v1/threads/1/posts", `{"body":"Ciao","parent_id":"1-1"}`, true},
		{"forged author", "POST", "/api/v1/threads/1/posts", `{"body":"Ciao","author_id":"x"}`, false},
		{"wrong type", "PUT", "/api/v1/threads/1/read", `{"n":"3"}`, false},
		{"shared schema (Enrolment)", "POST", "/api/v1/enrolments", `{"codice_ipa":"c_f205"}`, false},
		{"body where none is described", "POST", "/api/v1/admin/administrations/x/approve", `{}`, false},
		{"not JSON", "POST", "/api/v1/session", `{"email":`, false},
		{"unserved route", "POST", "/api/v1/nowhere", `{"x":1}`, true},
		{"not the API", "POST", "/elsewhere", `nonsense`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, "http://127.0.0.1:1"+c.path, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			err = checkRequest(req, []byte(c.body))
			if got := err == nil; got != c.ok {
				t.Fatalf("got ok=%v (%v), want ok=%v", got, err, c.ok)
			}
		})
	}
}
