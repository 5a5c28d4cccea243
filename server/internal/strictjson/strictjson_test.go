package strictjson

import (
	"strings"
	"testing"
)

func TestInvalidText(t *testing.T) {
	cases := []struct {
		name, doc string
		path      string
		found     bool
	}{
		{"plain", `{"a":"b","c":[1,"d"]}`, "", false},
		{"accents", `{"a":"Università è"}`, "", false},
		{"escaped pair", `{"a":"\ud83d\ude00"}`, "", false},
		{"escaped pair upper", `{"a":"\uD83D\uDE00"}`, "", false},
		{"escaped backslash before ud800", `{"a":"\\ud800"}`, "", false},
		{"bmp escape", `{"a":"\u00e9\u0000"}`, "", false},
		{"lone high", `{"a":"ab\ud800cd"}`, "a", true},
		{"lone high at end", `{"a":"ab\ud800"}`, "a", true},
		{"lone low", `{"x":1,"b":"\udc00"}`, "b", true},
		{"reversed pair", `{"b":"\ude00\ud83d"}`, "b", true},
		{"high then non-surrogate escape", `{"b":"\ud83d\u0041"}`, "b", true},
		{"high then high", `{"b":"\ud83d\ud83d"}`, "b", true},
		{"nested", `{"referente":{"name":"ok","email":"\ud800"}}`, "referente.email", true},
		{"array", `{"ids":["a","b","\udfff"]}`, "ids[2]", true},
		{"array of objects", `{"l":[{"a":1},{"a":"x","b":"\ud800"}]}`, "l[1].b", true},
		{"after nested", `{"o":{"p":[1,2]},"q":"\ud800"}`, "q", true},
		{"key", `{"k\ud800":"v"}`, "k\ufffd", true},
		{"invalid utf8", "{\"a\":\"x\xffy\"}", "a", true},
		{"invalid utf8 nested", "{\"r\":{\"n\":\"\xed\xa0\x80\"}}", "r.n", true},
		{"top-level string", `"\ud800"`, "", true},
		{"syntax error with bad bytes", "{\"a\":\xff}", "", true},
		{"syntax error", `{"a":"\ud800`, "", false},
	}
	deep := strings.Repeat("[", maxDepth+1) + `"\ud800"` + strings.Repeat("]", maxDepth+1)
	cases = append(cases, struct {
		name, doc string
		path      string
		found     bool
	}{"deeper than encoding/json allows", `{"a":` + deep + `}`, "", true})
	for _, tc := range cases {
		path, found := InvalidText([]byte(tc.doc))
		if path != tc.path || found != tc.found {
			t.Errorf("case %s: got (%q, %v), want (%q, %v)", tc.name, path, found, tc.path, tc.found)
		}
	}
}

func TestIsObject(t *testing.T) {
	for doc, want := range map[string]bool{
		`{}`: true, " \n\t{\"a\":1}": true, `null`: false, `[]`: false, `[{}]`: false,
		`"x"`: false, `1`: false, `true`: false, ``: false, `  `: false,
	} {
		if got := IsObject([]byte(doc)); got != want {
			t.Errorf("case %q: got %v, want %v", doc, got, want)
		}
	}
}

// BenchmarkInvalidText: a 50,000-character reply body, as browsers send it
// (no escapes: the fast path) and with every character an escaped pair
// (the walk).
func BenchmarkInvalidText(b *testing.B) {
	for _, bc := range []struct{ name, text string }{
		{"plain", strings.Repeat("Università è ", 50000/13)},
		{"escaped pairs", strings.Repeat(`\ud83d\ude00`, 50000/12)},
	} {
		doc := []byte(`{"body":"` + bc.text + `","parent_id":"12-3"}`)
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if _, bad := InvalidText(doc); bad {
					b.Fatal("valid document refused")
				}
			}
		})
	}
}
