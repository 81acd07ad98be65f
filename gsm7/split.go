package gsm7

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Split transliterates text and cuts it into standalone messages that are
// each exactly one GSM-7 segment (at most MaxSeptets septets), because
// Pamong never relies on concatenated SMS. A text that fits is returned as
// a single part, transliterated and trimmed but otherwise unchanged. A
// longer text is cut into parts that each end with a marker " (i/n)", so a
// learner can tell when the rest of a lesson is still on its way; the
// marker's length, including two- or more-digit n, is reserved in every
// part. Split uses the fewest parts the words allow (each one costs money)
// and, among cuts that give that many, the ones that read best: after a
// sentence or at a line break, else after a clause, else between words,
// never right after a negation ("tidak" stays with its verb) or an
// enumeration mark such as "(4)", and without a tiny leftover part. A word
// longer than a part is cut mid-word. Parts are trimmed of surrounding
// whitespace and keep their inner newlines. Split returns nil for empty or
// blank text and never returns an empty part.
func Split(text string) []string {
	t := strings.TrimFunc(Transliterate(text), isSpace)
	if t == "" {
		return nil
	}
	if n, _ := Septets(t); n <= MaxSeptets {
		return []string{t}
	}
	// Reserve room for markers as wide as n. n is only known after packing,
	// so repack when it turns out wider than reserved; digits only grows,
	// which ends the loop, and a narrower n merely wastes a septet or two.
	digits := 1
	for {
		parts := pack(t, MaxSeptets-markerSeptets(digits))
		n := strconv.Itoa(len(parts))
		if len(n) > digits {
			digits = len(n)
			continue
		}
		for i, p := range parts {
			parts[i] = p + " (" + strconv.Itoa(i+1) + "/" + n + ")"
		}
		return parts
	}
}

// markerSeptets is the worst-case size of " (i/n)" when n has the given
// number of digits; every character in it is a 1-septet ASCII character.
func markerSeptets(digits int) int {
	return len(" (/)") + 2*digits
}

// pack cuts t into trimmed, non-empty parts of at most budget septets
// each: the fewest parts between words, with the best-reading cuts (see
// cuts.go), or greedily with mid-word cuts when some word is longer than a
// part.
func pack(t string, budget int) []string {
	if parts := packWords(t, budget); parts != nil {
		return parts
	}
	return packGreedy(t, budget)
}

// packGreedy cuts t greedily into trimmed, non-empty parts of at most
// budget septets each. Parts are substrings of t, and each byte is looked
// at a bounded number of times, so long texts cost linear time and little
// memory even when Split packs twice.
func packGreedy(t string, budget int) []string {
	var parts []string
	start := 0
	for {
		for start < len(t) && isSpace(rune(t[start])) {
			start++
		}
		if start == len(t) {
			return parts
		}
		// end is how far the budget reaches. Whole runes only, so an
		// escape pair is never split even on a hard cut.
		end, used := start, 0
		for end < len(t) {
			r, size := utf8.DecodeRuneInString(t[end:])
			if used+cost(r) > budget {
				break
			}
			used += cost(r)
			end += size
		}
		cut := end
		if end < len(t) {
			cut = cutPoint(t, start, end, budget)
		}
		parts = append(parts, strings.TrimRightFunc(t[start:cut], isSpace))
		start = cut
	}
}

// cutPoint picks where to end a part that starts at t[start] (not a space)
// and may extend up to, not including, t[end]; end is within t. It prefers
// the last sentence boundary that leaves the part at least half full,
// because cutting after a short first sentence would cost an extra SMS;
// then the last space or newline; then end itself. Whitespace and sentence
// punctuation are ASCII, and ASCII bytes never occur inside a multi-byte
// UTF-8 sequence, so checking single bytes is safe.
func cutPoint(t string, start, end, budget int) int {
	word, sentence := -1, -1
	used := 0
	for p := start; p < end; {
		r, size := utf8.DecodeRuneInString(t[p:])
		used += cost(r)
		p += size // used now counts the septets in t[start:p]
		if !isSpace(rune(t[p])) {
			continue
		}
		word = p
		if used*2 >= budget && (t[p] == '\n' || endsSentence(t[start:p])) {
			sentence = p
		}
	}
	switch {
	case sentence > 0:
		return sentence
	case word > 0:
		return word
	default:
		return end
	}
}

// endsSentence reports whether s ends a sentence: with . ! or ?, possibly
// followed by a closing quote or bracket. A number and a period at the
// start of a line ("1.") is a list item, not a sentence, and cutting there
// would separate the number from its item.
func endsSentence(s string) bool {
	i := len(s) - 1
	if i > 0 && strings.IndexByte(`"')`, s[i]) >= 0 {
		i--
	}
	switch s[i] {
	case '!', '?':
		return true
	case '.':
		j := i - 1
		for j >= 0 && s[j] >= '0' && s[j] <= '9' {
			j--
		}
		return j == i-1 || (j >= 0 && s[j] != '\n')
	}
	return false
}

// isSpace reports the whitespace that can occur in transliterated text.
func isSpace(r rune) bool {
	return r == ' ' || r == '\n' || r == '\r' || r == '\f'
}
