package web

import (
	"fmt"
	"testing"
)

// The failure limits without HTTP or password hashing: what each one
// counts, and that refused or successful attempts count for nothing.
func TestLoginAttemptLimits(t *testing.T) {
	l := newAccountLimits()
	fail := func(email, ip string) error {
		done, err := l.loginAttempt(email, ip)
		if err == nil {
			done(true)
		}
		return err
	}
	// One address, any number of accounts: loginFailIPHourly failures.
	for i := range loginFailIPHourly {
		if err := fail(fmt.Sprintf("u%d@example.it", i), "192.0.2.1"); err != nil {
			t.Fatalf("case failure %d from one address: %v", i, err)
		}
	}
	if err := fail("altro@example.it", "192.0.2.1"); err == nil {
		t.Fatal("case address over its failures: allowed")
	}
	// A refused attempt took nothing: the account it aimed at is untouched.
	for i := range loginPairBurst {
		if err := fail("altro@example.it", fmt.Sprintf("192.0.2.%d", 10+i)); err != nil {
			t.Fatalf("case other addresses on altro: failure %d refused: %v", i, err)
		}
	}
	// Successful logins give their reservation back.
	for i := range 3 * loginPairBurst {
		done, err := l.loginAttempt("owner@example.it", "203.0.113.1")
		if err != nil {
			t.Fatalf("case successful login %d refused: %v", i, err)
		}
		done(false)
	}
	// The account ceiling, over many addresses, then even a fresh one waits.
	for i := range loginAccountCeiling {
		if err := fail("victim@example.it", fmt.Sprintf("198.51.100.%d", i/loginPairBurst)); err != nil {
			t.Fatalf("case failure %d on victim: %v", i, err)
		}
	}
	if err := fail("victim@example.it", "198.51.100.200"); err == nil {
		t.Fatal("case fresh address past the account ceiling: allowed")
	}
}
