package attachment

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

// Zip builds a ZIP archive with the given entries (name -> content).
func Zip(t testing.TB, entries ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e[0])
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(e[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string // "" = refused
	}{
		{"pdf", []byte("%PDF-1.7\n..."), "application/pdf"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00"), "image/png"},
		{"jpeg", []byte("\xff\xd8\xff\xe0JFIF"), "image/jpeg"},
		{"gif", []byte("GIF89a\x01\x00"), "image/gif"},
		{"webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 "), "image/webp"},
		{"odt", Zip(t, [2]string{"mimetype", "application/vnd.oasis.opendocument.text"}, [2]string{"content.xml", "<x/>"}), kindODT.contentType},
		{"docx", Zip(t, [2]string{"[Content_Types].xml", "<x/>"}, [2]string{"word/document.xml", "<x/>"}), kindDOCX.contentType},
		{"xlsx", Zip(t, [2]string{"[Content_Types].xml", "<x/>"}, [2]string{"xl/workbook.xml", "<x/>"}), kindXLSX.contentType},
		{"ods is not odt", Zip(t, [2]string{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"}), ""},
		{"plain zip", Zip(t, [2]string{"a.txt", "x"}), ""},
		{"elf", []byte("\x7fELF\x02\x01\x01\x00"), ""},
		{"mz", []byte("MZ\x90\x00\x03\x00"), ""},
		{"html", []byte("<html><script>alert(1)</script>"), ""},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), ""},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		k, ok := detect(tt.data)
		if ok != (tt.want != "") || k.contentType != tt.want {
			t.Errorf("%s: detected %q (%v), want %q", tt.name, k.contentType, ok, tt.want)
		}
	}
}

func TestSanitizeNameTraversalCorpus(t *testing.T) {
	names := append([]string{"", "\x00", "a\x00b.pdf", "\xff\xfe.pdf", "..", "...", "report.pdf\r\nSet-Cookie: x"}, testenv.Corpus(t, "traversal.txt")...)
	for _, in := range names {
		got := sanitizeName(in, kindPDF)
		if got == "" || strings.ContainsAny(got, `/\<>:"|?*%`) || strings.HasPrefix(got, ".") || len(got) > maxNameBytes+4 {
			t.Errorf("sanitizeName(%q) = %q", in, got)
		}
		if strings.ContainsFunc(got, unicode.IsControl) || !strings.HasSuffix(got, ".pdf") {
			t.Errorf("sanitizeName(%q) = %q", in, got)
		}
	}
	for in, want := range map[string]string{
		"Capitolato mensa.PDF":      "Capitolato mensa.PDF",
		"../../etc/passwd":          "passwd.pdf",
		`C:\Users\x\offerta.pdf`:    "offerta.pdf",
		"virus.exe":                 "virus.exe.pdf",
		" ..\tnome  con\nspazi.pdf": "nome con spazi.pdf",
	} {
		if got := sanitizeName(in, kindPDF); got != want {
			t.Errorf("sanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSaveGetOpen(t *testing.T) {
	st := New(testenv.Store(t), 64)
	ctx := testenv.Ctx(t)
	pdf := []byte("%PDF-1.4\nciao\n%%EOF")
	a, err := st.Save(ctx, "u1", "../verbale.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "verbale.pdf" || a.ContentType != "application/pdf" || a.Size != int64(len(pdf)) || a.Image || a.URL != URLPrefix+a.ID {
		t.Fatalf("saved %+v", a)
	}
	if _, ok := fileKey(a.ID); !ok || len(a.ID) != 22 {
		t.Fatalf("id %q is not 22 base64url characters", a.ID)
	}
	got, err := st.Get(ctx, a.ID)
	if err != nil || got.OwnerID != "u1" || got.Name != a.Name {
		t.Fatalf("get %+v %v", got, err)
	}
	rc, _, err := st.OpenFor(ctx, &account.User{ID: "u1", AdministrationStatus: account.StatusApproved}, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(body, pdf) {
		t.Fatalf("read back %q", body)
	}
	if _, err := st.Save(ctx, "u1", "big.pdf", bytes.NewReader(append([]byte("%PDF-"), make([]byte, 64)...))); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversize: %v", err)
	}
	if _, err := st.Save(ctx, "u1", "x.pdf", strings.NewReader("MZ\x90\x00")); !errors.Is(err, ErrTypeDenied) {
		t.Fatalf("exe: %v", err)
	}
	for _, id := range []string{"", "../../etc/passwd", "0123456789abcdef01234567", "zz"} {
		if _, err := st.Get(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("get %q: %v", id, err)
		}
	}
}

func TestNewIDsAreDistinct(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		id := newID()
		if _, ok := fileKey(id); !ok || seen[id] {
			t.Fatalf("id %q: valid %v, repeated %v", id, ok, seen[id])
		}
		seen[id] = true
	}
}

func TestIDsIn(t *testing.T) {
	const random, legacy = "Ab-_0123456789xyzXYZ_Q", "0123456789abcdef01234567"
	tests := []struct {
		name, text string
		want       []string
	}{
		{"image and link", "![x](" + URLPrefix + random + ") e [y](" + URLPrefix + legacy + ")", []string{random, legacy}},
		{"each once", URLPrefix + random + " " + URLPrefix + random, []string{random}},
		{"too long", URLPrefix + random + "Z", nil},
		{"too short", URLPrefix + random[:21], nil},
		{"legacy upper case", URLPrefix + strings.ToUpper(legacy), nil},
		{"other path", "/api/v1/other/" + random, nil},
		{"none", "ciao", nil},
	}
	for _, tt := range tests {
		if got := IDsIn(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("%s: IDsIn = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestMay(t *testing.T) {
	st := New(testenv.Store(t), 64)
	ctx := testenv.Ctx(t)
	rules := map[string]Access{"gone": Gone, "hidden": Hidden, "visible": Visible}
	st.Authorize("thing", func(_ context.Context, _ *account.User, id string) (Access, error) { return rules[id], nil })
	owner := &account.User{ID: "u1", AdministrationStatus: account.StatusApproved}
	other := &account.User{ID: "u2", AdministrationStatus: account.StatusApproved}
	suspended := &account.User{ID: "u1", AdministrationStatus: account.StatusApproved, Suspended: true}
	ref := func(kind, id string) Ref { return Ref{Kind: kind, ID: id} }
	tests := []struct {
		name        string
		refs        []Ref
		owner, othr bool
	}{
		{"unattached", nil, true, false},
		{"attached to something never stored", []Ref{ref("thing", "gone")}, true, false},
		{"attached to something hidden", []Ref{ref("thing", "hidden")}, false, false},
		{"attached to something visible", []Ref{ref("thing", "visible")}, true, true},
		{"hidden and visible", []Ref{ref("thing", "hidden"), ref("thing", "visible")}, true, true},
		{"a kind nobody registered", []Ref{ref("room", "x")}, false, false},
	}
	for _, tt := range tests {
		a, err := st.Save(ctx, "u1", "x.pdf", strings.NewReader("%PDF-1.4"))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range tt.refs {
			if err := st.Attach(ctx, "u1", []string{a.ID}, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Attach(ctx, "u2", []string{a.ID}, ref("thing", "visible")); err != nil { // not u2's: ignored
			t.Fatal(err)
		}
		if a, err = st.Get(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			who  string
			u    *account.User
			want bool
		}{{"owner", owner, tt.owner}, {"other", other, tt.othr}, {"suspended owner", suspended, false}, {"nobody", nil, false}} {
			got, err := st.May(ctx, c.u, a)
			if err != nil || got != c.want {
				t.Errorf("%s, %s: may = %v (%v), want %v", tt.name, c.who, got, err, c.want)
			}
			rc, _, err := st.OpenFor(ctx, c.u, a.ID)
			if !c.want && !errors.Is(err, ErrNotFound) || c.want && err != nil {
				t.Errorf("%s, %s: open: %v", tt.name, c.who, err)
			}
			if rc != nil {
				rc.Close()
			}
		}
	}
}
