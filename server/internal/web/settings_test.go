package web_test

import (
	"testing"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// The enrolment deadline is a stored setting an admin changes: enrolment
// refuses after it, GET /session tells it, clearing it opens enrolment
// again, and each change is in the audit log.
func TestEnrolmentDeadlineSetting(t *testing.T) {
	env := webtest.Start(t, nil)
	admin, _ := env.Admin()
	mod, _ := env.NewUser(account.RoleModerator)
	visitor := env.Client()
	type session struct {
		Enrolment struct {
			Open     bool       `json:"open"`
			Deadline *time.Time `json:"deadline"`
		} `json:"enrolment"`
	}
	past := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	cases := []struct {
		name     string
		who      *webtest.Client
		deadline *time.Time
		status   int
		open     bool
	}{
		{"a moderator may not", mod, &past, 403, true},
		{"an admin closes enrolment now", admin, &past, 200, false},
		{"an admin clears the deadline", admin, nil, 200, true},
	}
	for i, c := range cases {
		c.who.Expect(c.status, "PUT", "/api/v1/admin/settings/enrolment", map[string]any{"deadline": c.deadline, "reason": "Scadenza."})
		var s session
		visitor.Expect(200, "GET", "/api/v1/session", nil).JSON(t, &s)
		if s.Enrolment.Open != c.open {
			t.Fatalf("%s: got open=%v, want %v", c.name, s.Enrolment.Open, c.open)
		}
		status := 201
		if !c.open {
			status = 403
		}
		r := env.Client().Expect(status, "POST", "/api/v1/enrolments", enrolment("c_s50"+string(rune('1'+i)), "ref"+string(rune('1'+i))+"@example.it"))
		if !c.open && r.ErrorCode() != "enrolment_closed" {
			t.Fatalf("%s: got %s, want enrolment_closed", c.name, r.ErrorCode())
		}
	}
	var log auditPage
	admin.Expect(200, "GET", "/api/v1/admin/audit?action=settings", nil).JSON(t, &log)
	if log.Total != 2 {
		t.Fatalf("audit: got %d settings entries (%s), want 2", log.Total, log.actions())
	}
}
