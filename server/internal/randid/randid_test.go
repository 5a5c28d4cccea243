package randid

import "testing"

func TestNewIsValidAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := New()
		if !Valid(id) || seen[id] {
			t.Fatalf("id %q: valid %v, repeated %v", id, Valid(id), seen[id])
		}
		seen[id] = true
	}
}

func TestValid(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"AAAAAAAAAAAAAAAAAAAAAA", true},
		{"AAAAAAAAAAAAAAAAAAAAA", false},   // 21
		{"AAAAAAAAAAAAAAAAAAAAAAA", false}, // 23
		{"AAAAAAAAAAAAAAAAAAAA+/", false},  // not url-safe
		{"$ne", false},
		{"", false},
	} {
		if got := Valid(tc.id); got != tc.want {
			t.Errorf("Valid(%q): got %v, want %v", tc.id, got, tc.want)
		}
	}
}
