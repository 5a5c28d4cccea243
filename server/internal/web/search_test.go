package web_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/search"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

type searchAnswer struct {
	Items []struct {
		ThreadID string `json:"thread_id"`
		PostID   string `json:"post_id"`
		N        int    `json:"n"`
		Title    string `json:"title"`
		Snippet  string `json:"snippet"`
	} `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func (a searchAnswer) postIDs() []string {
	var out []string
	for _, it := range a.Items {
		out = append(out, it.PostID)
	}
	slices.Sort(out)
	return out
}

func TestSearchThroughTheForum(t *testing.T) {
	env := webtest.Start(t, nil)
	c, _ := env.NewUser(account.RoleParticipant)
	var cats []struct {
		ID string `json:"id"`
	}
	c.Expect(200, "GET", "/api/v1/categories", nil).JSON(t, &cats)
	if len(cats) == 0 {
		t.Fatal("no categories")
	}
	var created struct {
		Thread struct {
			ID string `json:"id"`
		} `json:"thread"`
	}
	c.Expect(201, "POST", "/api/v1/threads", map[string]any{"category_id": cats[0].ID, "title": "Università e riuso",
		"body": "La **qualità** del software <script>alert(1)</script> conta più del prezzo."}).JSON(t, &created)

	// Indexing runs in the background: wait for it.
	if err := env.Board.SearchQueue.Flush(testenv.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	var a searchAnswer
	c.Expect(200, "GET", "/api/v1/search?q=QUALITA", nil).JSON(t, &a)
	if a.Total != 1 || a.Items[0].ThreadID != created.Thread.ID || a.Items[0].N != 1 {
		t.Fatalf("search: %+v", a)
	}
	if s := a.Items[0].Snippet; !strings.Contains(s, "<mark>qualità</mark>") || strings.Contains(s, "<script") {
		t.Fatalf("snippet %q", s)
	}
	c.Expect(200, "GET", "/api/v1/search?q=universita", nil).JSON(t, &a)
	if a.Total != 1 {
		t.Fatalf("title word: %+v", a)
	}
}

func TestSearchFiltersAndValidation(t *testing.T) {
	env := webtest.Start(t, nil)
	c, _ := env.NewUser(account.RoleParticipant)
	ctx := testenv.Ctx(t)
	at := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, d := range []search.Doc{
		{PostID: "a-1", ThreadID: "a", N: 1, Title: "Perché esternalizzare", Text: "Perché conviene", CategoryID: "gare",
			AuthorID: "u1", AuthorName: "Maria Bianchi", AdministrationIPA: "c_h501", CreatedAt: at("2026-01-10")},
		{PostID: "a-2", ThreadID: "a", N: 2, Title: "Perché esternalizzare", Text: "Perché no?", CategoryID: "gare",
			AuthorID: "u2", AuthorName: "Paolo Neri", AdministrationIPA: "c_f205", CreatedAt: at("2026-02-10")},
		{PostID: "b-1", ThreadID: "b", N: 1, Title: "Altro", Text: "Perchè (con l'accento sbagliato)", CategoryID: "riuso",
			AuthorID: "u2", AuthorName: "Paolo Neri", AdministrationIPA: "c_f205", CreatedAt: at("2026-03-10")},
	} {
		if err := env.Board.Search.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"q=perche", []string{"a-1", "a-2", "b-1"}},
		{"q=PERCHÉ&category=gare", []string{"a-1", "a-2"}},
		{"q=perche&author=u2", []string{"a-2", "b-1"}},
		{"q=perche&author=" + url.QueryEscape("maria bianchi"), []string{"a-1"}},
		{"q=perche&administration=C_F205&from=2026-03-01", []string{"b-1"}},
		{"q=perche&to=2026-01-31", []string{"a-1"}},
		{"q=perche&per_page=2&page=2", []string{"b-1"}},
	}
	for _, tt := range tests {
		var a searchAnswer
		c.Expect(200, "GET", "/api/v1/search?"+tt.query, nil).JSON(t, &a)
		if got := a.postIDs(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v (total %d), want %v", tt.query, got, a.Total, tt.want)
		}
	}
	for _, bad := range []struct{ query, field string }{
		{"", "q"}, {"q=a", "q"}, {"q=" + strings.Repeat("x", 201), "q"}, {"q=ok&from=ieri", "from"},
		{"q=ok&from=2026-02-01&to=2026-01-01", "to"}, {"q=ok&per_page=1000", "per_page"}, {"q=%00%01", "q"},
	} {
		r := c.Expect(400, "GET", "/api/v1/search?"+bad.query, nil)
		if _, ok := r.Fields()[bad.field]; !ok {
			t.Errorf("%s: fields %v, want %s", bad.query, r.Fields(), bad.field)
		}
	}
	env.Client().Expect(401, "GET", "/api/v1/search?q=perche", nil)
}
