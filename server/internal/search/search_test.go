package search

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/testenv"
)

func TestFoldAndTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Perché la CITTÀ è più bella", []string{"perche", "citta", "bella"}},
		{"dell'ente, l'amministrazione: PIÙ", []string{"ente", "amministrazione"}},
		{"Gara n. 2024/17 — déjà-vu", []string{"gara", "2024", "17", "deja", "vu"}},
		{"il e di", nil},
	}
	for _, tt := range tests {
		if got := queryTerms(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("queryTerms(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPackRoundTrip(t *testing.T) {
	for _, c := range [][3]int{{0, 0, 0}, {3, 120, 9000}, {65535, 1<<20 - 1, 65535}} {
		tf, l, d := unpack(pack(c[0], c[1], c[2]))
		if tf != c[0] || l != c[1] || d != c[2] {
			t.Errorf("pack %v -> %d %d %d", c, tf, l, d)
		}
	}
}

func TestSnippetEscapesAndMarks(t *testing.T) {
	got := snippet(`Il <script>alert(1)</script> capitolato della Città è "pronto" & firmato`, map[string]bool{"citta": true})
	want := `Il &lt;script&gt;alert(1)&lt;/script&gt; capitolato della <mark>Città</mark> è &#34;pronto&#34; &amp; firmato`
	if got != want {
		t.Fatalf("snippet\n got %s\nwant %s", got, want)
	}
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func seed(t *testing.T, ix *Index) {
	t.Helper()
	ctx := testenv.Ctx(t)
	for _, d := range seedDocs {
		if err := ix.Put(ctx, d); err != nil {
			t.Fatalf("put %s: %v", d.PostID, err)
		}
	}
}

var seedDocs = []Doc{
	{PostID: "t1-1", ThreadID: "t1", N: 1, Title: "Capitolato per la mensa scolastica", Text: "Condivido il capitolato della città di Bologna per la ristorazione.",
		CategoryID: "gare", AuthorID: "u1", AuthorName: "Mario Rossi", AdministrationIPA: "c_a944", AdministrationName: "Comune di Bologna", CreatedAt: day("2026-03-01")},
	{PostID: "t1-2", ThreadID: "t1", N: 2, Title: "Capitolato per la mensa scolastica", Text: "Grazie! Anche noi a Perugia usiamo un capitolato simile, con qualità certificata.",
		CategoryID: "gare", AuthorID: "u2", AuthorName: "Anna Verdi", AdministrationIPA: "c_g478", AdministrationName: "Comune di Perugia", CreatedAt: day("2026-03-05")},
	{PostID: "t2-1", ThreadID: "t2", N: 1, Title: "Contratto di manutenzione", Text: "La qualità del servizio di manutenzione è calata: penali?",
		CategoryID: "esecuzione", AuthorID: "u1", AuthorName: "Mario Rossi", AdministrationIPA: "c_a944", AdministrationName: "Comune di Bologna", CreatedAt: day("2026-04-10")},
	{PostID: "t3-1", ThreadID: "t3", N: 1, Title: "Università e software", Text: "Chi ha esperienza con il riuso del software in università?",
		CategoryID: "riuso", AuthorID: "u3", AuthorName: "Luca Bianchi", AdministrationIPA: "unibo", AdministrationName: "Università di Bologna", CreatedAt: day("2026-05-20")},
}

func ids(r Results) []string {
	var out []string
	for _, h := range r.Items {
		out = append(out, h.PostID)
	}
	slices.Sort(out)
	return out
}

func TestQuery(t *testing.T) {
	t.Run("put", func(t *testing.T) {
		ix := New(testenv.Store(t))
		seed(t, ix)
		testQuery(t, ix)
	})
	t.Run("rebuild", func(t *testing.T) {
		ix := New(testenv.Store(t))
		if err := ix.Rebuild(testenv.Ctx(t), seedDocs); err != nil {
			t.Fatal(err)
		}
		testQuery(t, ix)
	})
}

func testQuery(t *testing.T, ix *Index) {
	ctx := testenv.Ctx(t)
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"accent typed without it, upper case", Query{Text: "CITTA"}, []string{"t1-1"}},
		{"accent-insensitive both ways", Query{Text: "qualita"}, []string{"t1-2", "t2-1"}},
		{"title words through the opening post", Query{Text: "mensa"}, []string{"t1-1"}},
		{"every word must match", Query{Text: "capitolato Perugia"}, []string{"t1-2"}},
		{"prefix of the last word", Query{Text: "manut"}, []string{"t2-1"}},
		{"prefix only on the last word", Query{Text: "manut penali"}, nil},
		{"stop words only", Query{Text: "il di la"}, nil},
		{"category", Query{Text: "qualità", CategoryID: "gare"}, []string{"t1-2"}},
		{"author id", Query{Text: "qualità", Author: "u1"}, []string{"t2-1"}},
		{"author name, any case", Query{Text: "capitolato", Author: "anna VERDI"}, []string{"t1-2"}},
		{"author name must match every word", Query{Text: "capitolato", Author: "Anna Rossi"}, nil},
		{"administration", Query{Text: "capitolato", AdministrationIPA: "C_A944"}, []string{"t1-1"}},
		{"from", Query{Text: "qualita", From: day("2026-03-06")}, []string{"t2-1"}},
		{"to", Query{Text: "qualita", To: day("2026-03-05")}, []string{"t1-2"}},
		{"nothing", Query{Text: "inesistente"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ix.Query(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(r); !slices.Equal(got, tt.want) || r.Total != len(tt.want) {
				t.Fatalf("got %v (total %d), want %v", got, r.Total, tt.want)
			}
		})
	}

	r, err := ix.Query(ctx, Query{Text: "capitolato"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Items) != 2 || r.Items[0].PostID != "t1-1" {
		t.Fatalf("title boost: %+v", r.Items)
	}
	if !strings.Contains(r.Items[0].Snippet, "<mark>capitolato</mark>") {
		t.Fatalf("snippet %q", r.Items[0].Snippet)
	}
	p2, err := ix.Query(ctx, Query{Text: "capitolato", Page: 2, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	if p2.Total != 2 || len(p2.Items) != 1 || p2.Items[0].PostID != "t1-2" {
		t.Fatalf("page 2: %+v", p2)
	}
}

func TestPutReplacesAndRemove(t *testing.T) {
	ix := New(testenv.Store(t))
	seed(t, ix)
	ctx := testenv.Ctx(t)
	edited := Doc{PostID: "t2-1", ThreadID: "t2", N: 1, Title: "Contratto di manutenzione", Text: "Applicate le penali previste.",
		CategoryID: "esecuzione", AuthorID: "u1", AuthorName: "Mario Rossi", CreatedAt: day("2026-04-10")}
	if err := ix.Put(ctx, edited); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{"qualita": {"t1-2"}, "penali": {"t2-1"}, "manutenzione": {"t2-1"}} {
		r, err := ix.Query(ctx, Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(r); !slices.Equal(got, want) {
			t.Errorf("after edit %q: %v, want %v", q, got, want)
		}
	}
	if err := ix.Remove(ctx, "t2-1"); err != nil {
		t.Fatal(err)
	}
	if err := ix.Remove(ctx, "t2-1"); err != nil {
		t.Fatalf("second remove: %v", err)
	}
	r, err := ix.Query(ctx, Query{Text: "penali"})
	if err != nil || r.Total != 0 {
		t.Fatalf("after remove: %+v %v", r, err)
	}
	if err := ix.Put(ctx, Doc{PostID: "bad.id", Text: "x"}); err == nil {
		t.Fatal("a post id with a dot was accepted")
	}
}
