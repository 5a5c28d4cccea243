package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxTermRunes drops longer "words" (hashes, base64) from the index.
const maxTermRunes = 40

// stopWords are Italian (and a few English) words too common to help a
// search, already folded (no accents) like the terms they filter. Elided
// forms ("dell'ente" splits into "dell" and "ente") are here too.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		a ad al all alla alle allo ai agli c che chi ci co col come con contro cosi cui
		da dal dall dalla dalle dallo dai dagli de del dell della delle dello dei degli di
		dove e ed era erano essere gli ha hanno ho i il in io l la le lo loro ma mi ne nel
		nell nella nelle nello nei negli noi non o per piu poi po qua quale quali quando
		quanto quel quella quelle quelli quello questa queste questi questo se sei si sia
		sono su sul sull sulla sulle sullo sui sugli te ti tra fra tu un una uno vi voi
		gia anche molto sempre ancora stato stata stati state sta stanno
		the of and or to is are be in on at for with`) {
		m[w] = true
	}
	return m
}()

// fold lowercases s and strips accents (NFD, then drops combining marks),
// so "Perché", "PERCHE" and "perche" are one term.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// word is one token of a text with its place, for snippets.
type word struct {
	term       string // folded
	start, end int    // byte offsets in the original text
}

// words splits s on everything that is not a letter or a digit and folds
// each word; stop words and one-letter words are kept out only by terms.
func words(s string) []word {
	var out []word
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, word{term: fold(s[start:i]), start: start, end: i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, word{term: fold(s[start:]), start: start, end: len(s)})
	}
	return out
}

// indexable reports whether a folded word becomes a term.
func indexable(t string) bool {
	n := utf8.RuneCountInString(t)
	return n >= 2 && n <= maxTermRunes && !stopWords[t]
}

// terms returns the indexable terms of s with their counts, and how many
// there were in all (the document length for ranking).
func terms(s string) (map[string]int, int) {
	tf := map[string]int{}
	n := 0
	for _, w := range words(s) {
		if indexable(w.term) {
			tf[w.term]++
			n++
		}
	}
	return tf, n
}

// queryTerms folds a query into distinct terms, in order.
func queryTerms(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range words(q) {
		if indexable(w.term) && !seen[w.term] {
			seen[w.term] = true
			out = append(out, w.term)
		}
	}
	return out
}

// prefixOf is the directory key of a term: its first three runes, so one
// directory document answers both "which buckets hold this term" and
// "which terms start with this prefix" (autocomplete).
func prefixOf(t string) string {
	i, n := 0, 0
	for i < len(t) && n < 3 {
		_, size := utf8.DecodeRuneInString(t[i:])
		i += size
		n++
	}
	return t[:i]
}
