// Package randid makes the ids that stand in URLs: 128 random bits,
// base64url without padding (22 characters), so they cannot be guessed.
package randid

import (
	"crypto/rand"
	"encoding/base64"
)

// Bytes is how many random bytes an id carries.
const Bytes = 16

// New is a fresh id.
func New() string {
	b := make([]byte, Bytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Valid reports whether id has the shape of one (anything else need not
// be looked up at all).
func Valid(id string) bool {
	if len(id) != base64.RawURLEncoding.EncodedLen(Bytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(id)
	return err == nil
}
