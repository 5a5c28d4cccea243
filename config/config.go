// Package config loads and validates Tavolo's configuration from the
// environment (TAVOLO_*) and an optional KEY=VALUE file.
package config

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Rome on minimal images
)

// Config is the validated configuration, passed down as a value.
type Config struct {
	Addr               string        // TAVOLO_ADDR
	DataDir            string        // TAVOLO_DATA_DIR
	MongoURI           string        // TAVOLO_MONGODB_URI; empty: embedded FerretDB
	Database           string        // TAVOLO_DATABASE
	PublicURL          string        // TAVOLO_PUBLIC_URL, no trailing slash
	EnrolmentDeadline  time.Time     // TAVOLO_ENROLMENT_DEADLINE; zero: always open
	SMTPURL            string        // TAVOLO_SMTP_URL; empty: mail goes to the log
	MailFrom           string        // TAVOLO_MAIL_FROM
	AdminEmail         string        // TAVOLO_ADMIN_EMAIL
	AdminPassword      string        // TAVOLO_ADMIN_PASSWORD
	Demo               bool          // TAVOLO_DEMO
	TrustedProxies     []string      // TAVOLO_TRUSTED_PROXIES, comma-separated IPs/CIDRs
	BodyLimit          int           // TAVOLO_BODY_LIMIT bytes for JSON bodies
	AttachmentMaxBytes int64         // TAVOLO_ATTACHMENT_MAX_BYTES
	EditWindow         time.Duration // TAVOLO_EDIT_WINDOW
	ReportHideAfter    int           // TAVOLO_REPORT_HIDE_THRESHOLD: distinct reports that hide an item pending review
	SessionTTL         time.Duration // TAVOLO_SESSION_TTL
	LogLevel           string        // TAVOLO_LOG_LEVEL: debug, info, warn, error
	LogFormat          string        // TAVOLO_LOG_FORMAT: text or json
}

// Secure reports whether the board is served over HTTPS, so cookies get Secure.
func (c Config) Secure() bool { return strings.HasPrefix(c.PublicURL, "https://") }

// Origin is the scheme://host[:port] that browsers send in the Origin header.
func (c Config) Origin() string {
	u, err := url.Parse(c.PublicURL)
	if err != nil {
		return c.PublicURL
	}
	return u.Scheme + "://" + u.Host
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		Addr:               "127.0.0.1:8080",
		DataDir:            "./data",
		Database:           "tavolo",
		MailFrom:           "Tavolo <noreply@tavolo.invalid>",
		BodyLimit:          1 << 20,
		AttachmentMaxBytes: 10 << 20,
		EditWindow:         24 * time.Hour,
		ReportHideAfter:    3,
		SessionTTL:         14 * 24 * time.Hour,
		LogLevel:           "info",
		LogFormat:          "text",
	}
}

// FieldError names the variable whose value is wrong.
type FieldError struct {
	Var string
	Msg string
}

func (e *FieldError) Error() string { return e.Var + ": " + e.Msg }

// Load reads the optional file named by TAVOLO_CONFIG_FILE, then the
// environment (which wins), and validates the result.
func Load(getenv func(string) string) (Config, error) {
	vals := map[string]string{}
	if path := getenv("TAVOLO_CONFIG_FILE"); path != "" {
		fileVals, err := readFile(path)
		if err != nil {
			return Config{}, &FieldError{"TAVOLO_CONFIG_FILE", err.Error()}
		}
		vals = fileVals
	}
	get := func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return vals[k]
	}
	return parse(get)
}

func readFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open config file: %w", err)
	}
	defer f.Close()
	vals := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %d: expected KEY=VALUE", n)
		}
		vals[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	return vals, sc.Err()
}

func parse(get func(string) string) (Config, error) {
	c := Default()
	str := func(dst *string, k string) {
		if v := get(k); v != "" {
			*dst = v
		}
	}
	str(&c.Addr, "TAVOLO_ADDR")
	str(&c.DataDir, "TAVOLO_DATA_DIR")
	str(&c.MongoURI, "TAVOLO_MONGODB_URI")
	str(&c.Database, "TAVOLO_DATABASE")
	str(&c.PublicURL, "TAVOLO_PUBLIC_URL")
	str(&c.SMTPURL, "TAVOLO_SMTP_URL")
	str(&c.MailFrom, "TAVOLO_MAIL_FROM")
	str(&c.AdminEmail, "TAVOLO_ADMIN_EMAIL")
	str(&c.AdminPassword, "TAVOLO_ADMIN_PASSWORD")
	str(&c.LogLevel, "TAVOLO_LOG_LEVEL")
	str(&c.LogFormat, "TAVOLO_LOG_FORMAT")

	var errs []error
	fail := func(k, msg string) { errs = append(errs, &FieldError{k, msg}) }

	if v := get("TAVOLO_DEMO"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fail("TAVOLO_DEMO", "must be true or false (or 1/0)")
		}
		c.Demo = b
	}
	if v := get("TAVOLO_ENROLMENT_DEADLINE"); v != "" {
		t, err := parseDeadline(v)
		if err != nil {
			fail("TAVOLO_ENROLMENT_DEADLINE", "must be a date (2026-12-20) or an RFC 3339 time (2026-12-20T23:59:59+01:00)")
		}
		c.EnrolmentDeadline = t
	}
	if v := get("TAVOLO_TRUSTED_PROXIES"); v != "" {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					fail("TAVOLO_TRUSTED_PROXIES", fmt.Sprintf("%q is not an IP address or CIDR range", p))
					continue
				}
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	intVar := func(dst *int, k string, min int) {
		if v := get(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < min {
				fail(k, fmt.Sprintf("must be an integer of at least %d", min))
				return
			}
			*dst = n
		}
	}
	intVar(&c.BodyLimit, "TAVOLO_BODY_LIMIT", 1024)
	intVar(&c.ReportHideAfter, "TAVOLO_REPORT_HIDE_THRESHOLD", 1)
	att := int(c.AttachmentMaxBytes)
	intVar(&att, "TAVOLO_ATTACHMENT_MAX_BYTES", 1024)
	c.AttachmentMaxBytes = int64(att)
	durVar := func(dst *time.Duration, k string) {
		if v := get(k); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				fail(k, "must be a positive duration such as 24h or 90m")
				return
			}
			*dst = d
		}
	}
	durVar(&c.EditWindow, "TAVOLO_EDIT_WINDOW")
	durVar(&c.SessionTTL, "TAVOLO_SESSION_TTL")

	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		fail("TAVOLO_ADDR", "must be host:port, such as 127.0.0.1:8080")
	}
	if c.PublicURL == "" {
		host := c.Addr
		if h, p, err := net.SplitHostPort(c.Addr); err == nil && (h == "" || h == "0.0.0.0" || h == "::") {
			host = net.JoinHostPort("localhost", p)
		}
		c.PublicURL = "http://" + host
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fail("TAVOLO_PUBLIC_URL", "must be an absolute http(s) URL, such as https://tavolo.example.it")
	}
	if c.MongoURI != "" && !strings.HasPrefix(c.MongoURI, "mongodb://") && !strings.HasPrefix(c.MongoURI, "mongodb+srv://") {
		fail("TAVOLO_MONGODB_URI", "must start with mongodb:// or mongodb+srv://")
	}
	if c.Database == "" || strings.ContainsAny(c.Database, `/\. "$`) {
		fail("TAVOLO_DATABASE", "must be a plain database name")
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			fail("TAVOLO_SMTP_URL", "must look like smtp://user:password@host:587 or smtps://host:465")
		}
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		fail("TAVOLO_ADMIN_EMAIL", "TAVOLO_ADMIN_EMAIL and TAVOLO_ADMIN_PASSWORD must be set together")
	}
	if c.AdminEmail != "" && !strings.Contains(c.AdminEmail, "@") {
		fail("TAVOLO_ADMIN_EMAIL", "must be an email address")
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 10 {
		fail("TAVOLO_ADMIN_PASSWORD", "must be at least 10 characters")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		fail("TAVOLO_LOG_LEVEL", "must be debug, info, warn or error")
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		fail("TAVOLO_LOG_FORMAT", "must be text or json")
	}
	return c, errors.Join(errs...)
}

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// parseDeadline accepts a date, meaning the end of that day in Rome, or an RFC 3339 time.
func parseDeadline(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation("2006-01-02", v, rome)
	if err != nil {
		return time.Time{}, err
	}
	return d.Add(24*time.Hour - time.Second), nil
}
