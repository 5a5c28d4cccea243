package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.MongoURI != "" {
		t.Fatalf("defaults: %+v", c)
	}
	if c.PublicURL != "http://127.0.0.1:8080" || c.Secure() {
		t.Fatalf("public URL %q secure=%v", c.PublicURL, c.Secure())
	}
	if !c.EnrolmentDeadline.IsZero() {
		t.Fatal("enrolment should be open by default")
	}
}

func TestValid(t *testing.T) {
	c, err := Load(env(map[string]string{
		"TAVOLO_ADDR":               "0.0.0.0:9000",
		"TAVOLO_PUBLIC_URL":         "https://tavolo.example.it/",
		"TAVOLO_ENROLMENT_DEADLINE": "2026-12-20",
		"TAVOLO_TRUSTED_PROXIES":    "10.0.0.1, 192.168.0.0/16",
		"TAVOLO_EDIT_WINDOW":        "90m",
		"TAVOLO_DEMO":               "1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "https://tavolo.example.it" || !c.Secure() || c.Origin() != "https://tavolo.example.it" {
		t.Fatalf("public URL %q", c.PublicURL)
	}
	want := time.Date(2026, 12, 20, 23, 59, 59, 0, rome)
	if !c.EnrolmentDeadline.Equal(want) {
		t.Fatalf("deadline %v, want %v", c.EnrolmentDeadline, want)
	}
	if len(c.TrustedProxies) != 2 || c.EditWindow != 90*time.Minute || !c.Demo {
		t.Fatalf("%+v", c)
	}
}

func TestPublicURLFromWildcardAddr(t *testing.T) {
	c, err := Load(env(map[string]string{"TAVOLO_ADDR": "0.0.0.0:8080"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "http://localhost:8080" {
		t.Fatalf("public URL %q", c.PublicURL)
	}
}

// A bad value stops start-up with a message naming the variable.
func TestInvalidNamesTheVariable(t *testing.T) {
	cases := map[string]string{
		"TAVOLO_ADDR":               "nonsense",
		"TAVOLO_PUBLIC_URL":         "ftp://x",
		"TAVOLO_MONGODB_URI":        "postgres://x",
		"TAVOLO_ENROLMENT_DEADLINE": "20/12/2026",
		"TAVOLO_TRUSTED_PROXIES":    "not-an-ip",
		"TAVOLO_BODY_LIMIT":         "-5",
		"TAVOLO_EDIT_WINDOW":        "forever",
		"TAVOLO_SMTP_URL":           "http://mail",
		"TAVOLO_DEMO":               "maybe",
		"TAVOLO_LOG_LEVEL":          "loud",
		"TAVOLO_DATABASE":           "a.b",
	}
	for k, v := range cases {
		t.Run(k, func(t *testing.T) {
			_, err := Load(env(map[string]string{k: v}))
			if err == nil || !strings.Contains(err.Error(), k) {
				t.Fatalf("%s=%q: err %v, want one naming %s", k, v, err, k)
			}
		})
	}
	_, err := Load(env(map[string]string{"TAVOLO_ADMIN_EMAIL": "a@b.it"}))
	if err == nil || !strings.Contains(err.Error(), "TAVOLO_ADMIN_PASSWORD") {
		t.Fatalf("admin email without password: %v", err)
	}
}

func TestFileThenEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tavolo.env")
	body := "# comment\nTAVOLO_ADDR=127.0.0.1:7000\nTAVOLO_DATA_DIR=\"/var/lib/tavolo\"\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"TAVOLO_CONFIG_FILE": path, "TAVOLO_ADDR": "127.0.0.1:7001"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7001" || c.DataDir != "/var/lib/tavolo" {
		t.Fatalf("%+v", c)
	}
	if _, err := Load(env(map[string]string{"TAVOLO_CONFIG_FILE": filepath.Join(t.TempDir(), "missing")})); err == nil || !strings.Contains(err.Error(), "TAVOLO_CONFIG_FILE") {
		t.Fatalf("missing file: %v", err)
	}
}
