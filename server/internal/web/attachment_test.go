package web_test

import (
	"archive/zip"
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"github.com/cantieri/tavolo/server/internal/testenv"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// upload posts data as the multipart field "file" named filename.
func upload(c *webtest.Client, filename string, data []byte) *webtest.Response {
	c.T.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		c.T.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequest("POST", c.Env.Base+"/api/v1/attachments", &body)
	if err != nil {
		c.T.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.CSRF())
	return c.Send(req)
}

func docx(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte("<x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

func TestAttachmentUploadAndDownload(t *testing.T) {
	env := webtest.Start(t, func(c *config.Config) { c.AttachmentMaxBytes = 4096 })
	c, _ := env.NewUser(account.RoleParticipant)

	tests := []struct {
		name, filename string
		data           []byte
		status         int
		code           string
		contentType    string
		disposition    string
	}{
		{"pdf", "Verbale gara.pdf", []byte("%PDF-1.7\n1 0 obj\n%%EOF"), 201, "", "application/pdf", `attachment; filename*=UTF-8''Verbale%20gara.pdf`},
		{"png shown inline", "logo.png", pngBytes, 201, "", "image/png", `inline; filename*=UTF-8''logo.png`},
		{"docx", "../../capitolato.docx", docx(t), 201, "",
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document", `attachment; filename*=UTF-8''capitolato.docx`},
		{"elf renamed pdf", "report.pdf", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...), 415, "file_type_not_allowed", "", ""},
		{"exe renamed pdf", "report.pdf", append([]byte("MZ\x90\x00\x03"), make([]byte, 64)...), 415, "file_type_not_allowed", "", ""},
		{"html", "pagina.pdf", []byte("<html><script>alert(1)</script></html>"), 415, "file_type_not_allowed", "", ""},
		{"oversize", "grande.pdf", append([]byte("%PDF-1.7\n"), make([]byte, 5000)...), 413, "file_too_large", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := upload(c, tt.filename, tt.data)
			if r.Status != tt.status || r.ErrorCode() != tt.code {
				t.Fatalf("status %d code %q, want %d %q; %s", r.Status, r.ErrorCode(), tt.status, tt.code, r.Body)
			}
			if tt.status != 201 {
				return
			}
			var meta map[string]any
			r.JSON(t, &meta)
			if meta["url"] != "/api/v1/attachments/"+meta["id"].(string) || meta["content_type"] != tt.contentType || meta["image"] != (tt.contentType == "image/png") {
				t.Fatalf("attachment %s", r.Body)
			}
			d := c.Expect(200, "GET", meta["url"].(string), nil)
			if !bytes.Equal(d.Body, tt.data) {
				t.Fatal("downloaded bytes differ")
			}
			for h, want := range map[string]string{
				"Content-Type": tt.contentType, "Content-Disposition": tt.disposition,
				"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox",
				"Cache-Control": "private, max-age=86400",
			} {
				if got := d.Header.Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
		})
	}

	// Anonymous users cannot upload or download; CSRF applies to uploads.
	anon := env.Client()
	if r := upload(anon, "a.pdf", []byte("%PDF-1.7")); r.Status != 401 {
		t.Fatalf("anonymous upload: %d", r.Status)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "a.pdf")
	_, _ = fw.Write([]byte("%PDF-1.7"))
	_ = mw.Close()
	req, _ := http.NewRequest("POST", env.Base+"/api/v1/attachments", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if r := c.Send(req); r.Status != 403 || r.ErrorCode() != "csrf_failed" {
		t.Fatalf("upload without CSRF token: %d %s", r.Status, r.Body)
	}
	if r := c.Raw().Do("POST", "/api/v1/attachments", []byte("{}")); r.Status != 400 {
		t.Fatalf("upload without file: %d %s", r.Status, r.Body)
	}
}

func TestAttachmentBadIDsTraversalCorpus(t *testing.T) {
	env := webtest.Start(t, nil)
	c, _ := env.NewUser(account.RoleParticipant)
	n := 0
	for _, line := range testenv.Corpus(t, "traversal.txt") {
		n++
		if n%4 != 0 { // a quarter of the corpus keeps the test quick; every form appears
			continue
		}
		for _, path := range []string{"/api/v1/attachments/" + line, "/api/v1/attachments/" + url.PathEscape(line)} {
			req, err := http.NewRequest("GET", env.Base+"/", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.URL.Opaque = path // sent as is, not normalised by the client
			r := c.Send(req)
			if r.Status != 404 && r.Status != 400 {
				t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
			}
			if bytes.Contains(r.Body, []byte("root:")) || bytes.Contains(r.Body, []byte("module github.com")) {
				t.Fatalf("GET %s leaked a file", path)
			}
		}
	}
}
