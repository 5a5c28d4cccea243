package web_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/cantieri/tavolo/client"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// get sends GET path with the given request headers, as is (Go's transport
// then neither asks for nor undoes any compression).
func get(c *webtest.Client, path string, headers ...string) *webtest.Response {
	c.T.Helper()
	req, err := http.NewRequest("GET", c.Env.Base+path, nil)
	if err != nil {
		c.T.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "identity")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.Send(req)
}

// decode undoes a response's Content-Encoding.
func decode(t *testing.T, r *webtest.Response) []byte {
	t.Helper()
	var out []byte
	var err error
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "":
		return r.Body
	case "br":
		out, err = fasthttp.AppendUnbrotliBytes(nil, r.Body)
	case "gzip":
		out, err = fasthttp.AppendGunzipBytes(nil, r.Body)
	default:
		t.Fatalf("unexpected Content-Encoding %q", enc)
	}
	if err != nil {
		t.Fatalf("decode %s: %v", r.Header.Get("Content-Encoding"), err)
	}
	return out
}

func TestStaticEncodingsAndCaching(t *testing.T) {
	dist := client.Dist()
	scripts, _ := fs.Glob(dist, "assets/index-*.js")
	styles, _ := fs.Glob(dist, "assets/index-*.css")
	fonts, _ := fs.Glob(dist, "assets/*.woff2")
	if len(scripts) != 1 || len(styles) != 1 || len(fonts) == 0 {
		t.Fatalf("client/dist has scripts %v, styles %v, fonts %v: run make client", scripts, styles, fonts)
	}
	script, style, font := "/"+scripts[0], "/"+styles[0], "/"+fonts[0]
	index, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	env := webtest.Start(t, nil)
	c := env.Client()

	const immutable, revalidate = "public, max-age=31536000, immutable", "no-cache"
	cases := []struct {
		name, path, accept  string
		wantEncoding, cache string
		wantType            string
	}{
		{"script, br preferred", script, "gzip, deflate, br, zstd", "br", immutable, "text/javascript; charset=utf-8"},
		{"script, gzip only", script, "gzip, deflate", "gzip", immutable, "text/javascript; charset=utf-8"},
		{"script, identity", script, "identity", "", immutable, "text/javascript; charset=utf-8"},
		{"script, br refused by q=0", script, "br;q=0, gzip;q=0.5", "gzip", immutable, "text/javascript; charset=utf-8"},
		{"script, star", script, "*", "br", immutable, "text/javascript; charset=utf-8"},
		{"style, br", style, "br", "br", immutable, "text/css; charset=utf-8"},
		{"font, never recompressed", font, "br, gzip", "", immutable, "font/woff2"},
		{"index, br", "/", "br, gzip", "br", revalidate, "text/html; charset=utf-8"},
		{"SPA route, gzip", "/forum/t/abc", "gzip", "gzip", revalidate, "text/html; charset=utf-8"},
		{"SPA route, identity", "/cerca", "", "", revalidate, "text/html; charset=utf-8"},
		{"robots.txt", "/robots.txt", "br, gzip", "", revalidate, "text/plain; charset=utf-8"},
	}
	for _, tc := range cases {
		r := get(c, tc.path, "Accept-Encoding", tc.accept)
		if r.Status != 200 {
			t.Errorf("%s: status %d, want 200", tc.name, r.Status)
			continue
		}
		if got := r.Header.Get("Content-Encoding"); got != tc.wantEncoding {
			t.Errorf("%s: Content-Encoding %q, want %q", tc.name, got, tc.wantEncoding)
		}
		if got := r.Header.Get("Cache-Control"); got != tc.cache {
			t.Errorf("%s: Cache-Control %q, want %q", tc.name, got, tc.cache)
		}
		if got := r.Header.Get("Content-Type"); got != tc.wantType {
			t.Errorf("%s: Content-Type %q, want %q", tc.name, got, tc.wantType)
		}
		if got, want := r.Header.Get("Content-Length"), fmt.Sprint(len(r.Body)); got != want {
			t.Errorf("%s: Content-Length %s, body %s bytes", tc.name, got, want)
		}
		compressible := !strings.HasSuffix(tc.path, ".woff2") && tc.path != "/robots.txt"
		if got := r.Header.Get("Vary"); compressible != (got == "Accept-Encoding") {
			t.Errorf("%s: Vary %q (compressible: %v)", tc.name, got, compressible)
		}
		want, err := fs.ReadFile(dist, strings.TrimPrefix(tc.path, "/"))
		if err != nil {
			want = index // the app's routes
		}
		if body := decode(t, r); !bytes.Equal(body, want) {
			t.Errorf("%s: decoded body (%d bytes) differs from %s (%d bytes)", tc.name, len(body), tc.path, len(want))
		}
	}

	// A repeat visit revalidates index.html: its ETag answers 304 with no body,
	// for the variant it was given; another variant's tag does not match.
	for _, accept := range []string{"br", "gzip", ""} {
		first := get(c, "/forum", "Accept-Encoding", accept)
		tag := first.Header.Get("ETag")
		if tag == "" {
			t.Errorf("index (%q): no ETag", accept)
			continue
		}
		again := get(c, "/forum", "Accept-Encoding", accept, "If-None-Match", `"other", W/`+tag)
		if again.Status != 304 || len(again.Body) != 0 || again.Header.Get("ETag") != tag {
			t.Errorf("index (%q) revalidated: status %d, %d bytes, ETag %q; want 304, 0, %q", accept, again.Status, len(again.Body), again.Header.Get("ETag"), tag)
		}
		if cc := again.Header.Get("Cache-Control"); cc != revalidate {
			t.Errorf("index (%q) 304: Cache-Control %q", accept, cc)
		}
	}
	brTag := get(c, "/", "Accept-Encoding", "br").Header.Get("ETag")
	if r := get(c, "/", "Accept-Encoding", "gzip", "If-None-Match", brTag); r.Status != 200 || r.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("gzip request with the br variant's tag: status %d, encoding %q; want 200 gzip", r.Status, r.Header.Get("Content-Encoding"))
	}

	// Paths that name files are not the app's HTML.
	for _, p := range []string{"/favicon.ico", "/sitemap.xml", "/apple-touch-icon.png", "/assets/missing-abc.js", script + ".br", "/index.html.gz"} {
		if r := get(c, p, "Accept-Encoding", "br"); r.Status != 404 || bytes.Contains(r.Body, []byte("<html")) {
			t.Errorf("%s: status %d (%d bytes), want 404 without the app", p, r.Status, len(r.Body))
		}
	}
	if r := get(c, "/robots.txt"); !bytes.Contains(r.Body, []byte("User-agent:")) {
		t.Errorf("robots.txt: %q", r.Body)
	}
}

func TestAPICompression(t *testing.T) {
	env := webtest.Start(t, nil)
	admin, _ := env.Admin()
	for i := range 8 {
		admin.Expect(201, "POST", "/api/v1/admin/categories", map[string]any{
			"name_it": fmt.Sprintf("Categoria di prova %d", i), "description_it": strings.Repeat("Una descrizione abbastanza lunga. ", 3)})
	}
	identity := get(admin, "/api/v1/categories")
	if len(identity.Body) < 1024 {
		t.Fatalf("categories answer is %d bytes: the test needs one above the threshold", len(identity.Body))
	}
	small := get(admin, "/api/v1/me")
	if len(small.Body) >= 1024 {
		t.Fatalf("/me answer is %d bytes: the test needs one below the threshold", len(small.Body))
	}
	cases := []struct {
		name, path, accept, wantEncoding string
		want                             []byte
	}{
		{"large, br", "/api/v1/categories", "gzip, deflate, br", "br", identity.Body},
		{"large, gzip", "/api/v1/categories", "gzip, deflate", "gzip", identity.Body},
		{"large, identity", "/api/v1/categories", "identity", "", identity.Body},
		{"small, br accepted", "/api/v1/me", "br, gzip", "", small.Body},
	}
	for _, tc := range cases {
		r := get(admin, tc.path, "Accept-Encoding", tc.accept)
		if r.Status != 200 {
			t.Fatalf("%s: status %d", tc.name, r.Status)
		}
		if got := r.Header.Get("Content-Encoding"); got != tc.wantEncoding {
			t.Errorf("%s: Content-Encoding %q, want %q", tc.name, got, tc.wantEncoding)
		}
		if tc.wantEncoding != "" && len(r.Body) >= len(tc.want) {
			t.Errorf("%s: %d bytes compressed, %d plain", tc.name, len(r.Body), len(tc.want))
		}
		if got, want := r.Header.Get("Content-Length"), fmt.Sprint(len(r.Body)); got != want {
			t.Errorf("%s: Content-Length %s, body %s bytes", tc.name, got, want)
		}
		if large := len(tc.want) >= 1024; large != (r.Header.Get("Vary") == "Accept-Encoding") {
			t.Errorf("%s: Vary %q", tc.name, r.Header.Get("Vary"))
		}
		if body := decode(t, r); !bytes.Equal(body, tc.want) {
			t.Errorf("%s: decoded body differs from the identity answer", tc.name)
		}
	}
}
