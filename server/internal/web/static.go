package web

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/cantieri/tavolo/client"
)

// A staticFile is one file of the embedded client with its precompressed
// variants (the build writes name.br and name.gz beside it).
type staticFile struct {
	identity, br, gz []byte
	contentType      string
	etag             string // of the identity bytes; a variant's tag adds its coding
	immutable        bool   // hashed by the build: cached for a year
}

// staticFiles is the embedded client read once: the .br/.gz files are not
// served under their own names, only as variants of the file they compress.
var staticFiles = sync.OnceValue(func() map[string]*staticFile {
	files := map[string]*staticFile{}
	dist := client.Dist()
	_ = fs.WalkDir(dist, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") {
			return err
		}
		data, err := fs.ReadFile(dist, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		f := &staticFile{
			identity:    data,
			contentType: mime.TypeByExtension(path.Ext(name)),
			etag:        base64.RawURLEncoding.EncodeToString(sum[:12]),
			immutable:   strings.HasPrefix(name, "assets/"),
		}
		if f.contentType == "" {
			f.contentType = fiber.MIMEOctetStream
		}
		f.br, _ = fs.ReadFile(dist, name+".br")
		f.gz, _ = fs.ReadFile(dist, name+".gz")
		files[name] = f
		return nil
	})
	if index := files["index.html"]; index != nil {
		index.contentType = fiber.MIMETextHTMLCharsetUTF8
	}
	return files
})

// fileLike are extensions no client route ends with: such a path that is not
// in the build is a 404, not the app's HTML (crawlers ask /favicon.ico,
// /sitemap.xml, /apple-touch-icon.png…).
var fileLike = map[string]bool{
	".ico": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".svg": true,
	".txt": true, ".xml": true, ".json": true, ".webmanifest": true, ".js": true, ".css": true,
	".map": true, ".woff": true, ".woff2": true, ".br": true, ".gz": true, ".zip": true, ".php": true, ".env": true,
}

// static serves the embedded client: hashed assets cached for a year,
// everything else revalidated by ETag; a path that names no file and does
// not look like one gets index.html (the app routes it).
func (s *server) static(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		return errMethodNotAllowed
	}
	files := staticFiles()
	name := strings.TrimPrefix(path.Clean("/"+c.Path()), "/")
	f := files[name]
	if f == nil || name == "" {
		if strings.HasPrefix(name, "assets/") || fileLike[strings.ToLower(path.Ext(name))] {
			c.Set(fiber.HeaderCacheControl, "no-cache")
			return c.Status(fiber.StatusNotFound).SendString("not found")
		}
		if f = files["index.html"]; f == nil {
			return c.Status(fiber.StatusServiceUnavailable).SendString("client not built: run make client")
		}
	}
	return sendStatic(c, f)
}

// sendStatic sends the variant the client accepts best, or 304 when its
// cached copy (If-None-Match) is still this one.
func sendStatic(c *fiber.Ctx, f *staticFile) error {
	body, coding, tag := f.identity, "", f.etag
	if f.br != nil || f.gz != nil {
		c.Vary(fiber.HeaderAcceptEncoding)
		switch accepted := acceptedCodings(c.Get(fiber.HeaderAcceptEncoding)); {
		case f.br != nil && accepted.br:
			body, coding, tag = f.br, "br", f.etag+"-br"
		case f.gz != nil && accepted.gzip:
			body, coding, tag = f.gz, "gzip", f.etag+"-gz"
		}
	}
	tag = `"` + tag + `"`
	c.Set(fiber.HeaderETag, tag)
	if f.immutable {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), tag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if coding != "" {
		c.Set(fiber.HeaderContentEncoding, coding)
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	return c.Send(body)
}

type codings struct{ br, gzip bool }

// acceptedCodings reads Accept-Encoding (RFC 9110 12.5.3): a coding is
// accepted when named, or covered by *, with a q-value above 0.
func acceptedCodings(header string) codings {
	var named, star codings
	var starSeen bool
	seen := map[string]bool{}
	for _, part := range strings.Split(header, ",") {
		token, params, _ := strings.Cut(part, ";")
		token = strings.ToLower(strings.TrimSpace(token))
		ok := qPositive(params)
		switch token {
		case "br":
			named.br = ok
		case "gzip", "x-gzip":
			named.gzip = ok
		case "*":
			starSeen, star = true, codings{br: ok, gzip: ok}
		default:
			continue
		}
		seen[token] = true
	}
	if starSeen {
		if !seen["br"] {
			named.br = star.br
		}
		if !seen["gzip"] && !seen["x-gzip"] {
			named.gzip = star.gzip
		}
	}
	return named
}

// qPositive reports whether a coding's parameters leave its weight above 0.
func qPositive(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			v = strings.TrimRight(strings.TrimSpace(v), "0")
			return v != "" && v != "0." && v != "0"
		}
	}
	return true
}

// etagMatches is If-None-Match's weak comparison against our one tag.
func etagMatches(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}
