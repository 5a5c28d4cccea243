package web_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// Category slugs are unique without a cap (the 51st of one base used to be
// a 500), and names with nothing in ASCII do not all become "categoria".
func TestCategorySlugs(t *testing.T) {
	env := webtest.Start(t, nil)
	admin, _ := env.Admin()
	create := func(name string) forum.Category {
		t.Helper()
		var c forum.Category
		admin.Expect(201, "POST", "/api/v1/admin/categories", map[string]string{"name_it": name}).JSON(t, &c)
		return c
	}
	for i := 1; i <= 55; i++ {
		want := "appalti-pubblici"
		if i > 1 {
			want = fmt.Sprintf("appalti-pubblici-%d", i)
		}
		if got := create("Appalti pubblici").ID; got != want {
			t.Fatalf("case copy %d: got id %q, want %q", i, got, want)
		}
	}
	cases := []struct {
		name string
		want *regexp.Regexp
	}{
		{"Università e Comunità", regexp.MustCompile(`^universita-e-comunita$`)},
		{"Straße Œuvre Łódź", regexp.MustCompile(`^strasse-oeuvre-lodz$`)},
		{"Ελληνικά", regexp.MustCompile(`^categoria-[a-z2-7]{6}$`)},
		{"Русский", regexp.MustCompile(`^categoria-[a-z2-7]{6}$`)},
		{"🚀🚀", regexp.MustCompile(`^categoria-[a-z2-7]{6}$`)},
		{"日本語", regexp.MustCompile(`^categoria-[a-z2-7]{6}$`)},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		c := create(tc.name)
		if !tc.want.MatchString(c.ID) || seen[c.ID] || c.NameIT != tc.name {
			t.Errorf("case %s: got id %q name %q, want a new id matching %s", tc.name, c.ID, c.NameIT, tc.want)
		}
		seen[c.ID] = true
		// The slug works as a path, and the category lists its threads.
		admin.Expect(200, "GET", "/api/v1/categories/"+c.ID+"/threads", nil)
	}
}
