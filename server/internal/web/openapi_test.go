package web_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/cantieri/tavolo/server/internal/webtest"
)

// TestOpenAPIDescribesEveryRoute: every route the app serves under /api/v1
// is described by the contract, and every described operation is served.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	env := webtest.Start(t, nil)
	doc, err := webtest.Contract()
	if err != nil {
		t.Fatal(err)
	}
	described := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			described[method+" /api/v1"+path] = true
		}
	}
	served := map[string]bool{}
	for _, r := range env.Board.App.GetRoutes(true) {
		if r.Method == "HEAD" || !strings.HasPrefix(r.Path, "/api/v1/") || strings.HasSuffix(r.Path, "*") {
			continue
		}
		served[r.Method+" "+openAPIPath(r.Path)] = true
	}
	var undescribed, unserved []string
	for r := range served {
		if !described[r] {
			undescribed = append(undescribed, r)
		}
	}
	for r := range described {
		if !served[r] {
			unserved = append(unserved, r)
		}
	}
	sort.Strings(undescribed)
	sort.Strings(unserved)
	if len(undescribed) > 0 || len(unserved) > 0 {
		t.Fatalf("routes served but not in openapi.yaml: %v\noperations in openapi.yaml not served: %v", undescribed, unserved)
	}
	t.Logf("openapi.yaml describes %d of the %d routes served under /api/v1", len(described), len(served))
}

// openAPIPath writes a Fiber pattern (/posts/:id) as OpenAPI does (/posts/{id}).
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// The contract is served as JSON to anyone, and it is the embedded document.
func TestOpenAPIServed(t *testing.T) {
	env := webtest.Start(t, nil)
	r := env.Client().Expect(200, "GET", "/api/v1/openapi.json", nil)
	var got struct {
		OpenAPI string                     `json:"openapi"`
		Paths   map[string]json.RawMessage `json:"paths"`
	}
	r.JSON(t, &got)
	doc, err := webtest.Contract()
	if err != nil {
		t.Fatal(err)
	}
	if got.OpenAPI != "3.1.0" || len(got.Paths) != doc.Paths.Len() {
		t.Fatalf("got openapi %q with %d paths, want 3.1.0 with %d", got.OpenAPI, len(got.Paths), doc.Paths.Len())
	}
}
