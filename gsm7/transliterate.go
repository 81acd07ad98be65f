package gsm7

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// replacements covers characters that course authors paste from word
// processors and chat apps and that have an obvious GSM-7 look-alike.
// Accented letters are not listed: the NFD fallback in replace handles them.
var replacements = map[rune]string{
	// Quotes and primes.
	'‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'", '‹': "'", '›': "'",
	'`': "'", '´': "'",
	'“': `"`, '”': `"`, '„': `"`, '‟': `"`, '″': `"`, '«': `"`, '»': `"`,
	// Dashes, hyphens and minus.
	'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '―': "-", '−': "-",
	// Bullets, commonly pasted from slide decks.
	'•': "-", '‣': "-", '◦': "-", '⁃': "-", '∙': "-", '▪': "-", '●': "-",
	'·': "-",
	// Punctuation and symbols.
	'…': "...", '×': "x", '÷': "/", '⁄': "/",
	// Whitespace that is not a Unicode space separator.
	'\t': " ", '\v': " ", '\u0085': "\n", '\u2028': "\n", '\u2029': "\n",
	// Letters that have no canonical decomposition to a base letter.
	'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ı': "i", 'ð': "d", 'Ð': "D",
	'œ': "oe", 'Œ': "OE", 'þ': "th", 'Þ': "Th", 'ħ': "h", 'Ħ': "H",
	'ŧ': "t", 'Ŧ': "T", 'ĸ': "k", 'ŀ': "l", 'Ŀ': "L",
}

// Transliterate rewrites s into the GSM-7 alphabet so that a lesson written
// in a word processor still goes out as a cheap, reliable GSM-7 SMS instead
// of silently turning into UCS-2. Typographic punctuation becomes its ASCII
// form (curly quotes, dashes, ellipsis, bullets, × and backtick), Unicode
// spaces and tabs become spaces, line breaks become \n, and accented letters
// lose their accents unless GSM-7 has them (é, è, ñ, ü, Å … are kept).
// Anything else that cannot be represented, such as emoji, is removed and
// the extra spaces that leaves are collapsed. Unsendable reports what is
// removed.
func Transliterate(s string) string {
	return rewrite(s, nil)
}

// Unsendable lists, once each and in order of first appearance, the
// characters of s that Transliterate has to drop (emoji, CJK, most
// non-Latin scripts): course checks use it to tell an author which
// characters will not survive SMS. Invisible modifiers that are dropped
// without changing what a reader sees (zero-width joiners, variation
// selectors, stray combining marks, skin tones) are not listed.
func Unsendable(s string) []rune {
	var out []rune
	seen := map[rune]bool{}
	rewrite(s, func(r rune) {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	})
	return out
}

// rewrite implements Transliterate, calling dropped (when non-nil) for
// every visible character it removes.
func rewrite(s string, dropped func(rune)) string {
	// Compose first, so "e" + U+0301 becomes é and stays é in GSM-7 rather
	// than losing its accent.
	s = norm.NFC.String(s)

	w := &writer{buf: make([]byte, 0, len(s))}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r':
			// \r\n and a lone \r (old Mac files) both mean a line break.
			if i < len(s) && s[i] == '\n' {
				continue
			}
			w.put('\n')
		case cost(r) > 0:
			w.put(r)
		case unicode.Is(unicode.Zs, r):
			w.put(' ')
		default:
			if rep, ok := replace(r); ok {
				w.putString(rep)
				continue
			}
			w.dropped = true
			if dropped != nil && !invisible(r) {
				dropped(r)
			}
		}
	}
	w.finish()
	return string(w.buf)
}

// replace finds a GSM-7 spelling for r: from the replacement table, or by
// decomposing r (NFD, then NFKD for ligatures, full-width and superscript
// forms) and keeping the base characters without their combining marks.
func replace(r rune) (string, bool) {
	if rep, ok := replacements[r]; ok {
		return rep, true
	}
	var buf [utf8.UTFMax]byte
	src := buf[:utf8.EncodeRune(buf[:], r)]
	for _, form := range []norm.Form{norm.NFD, norm.NFKD} {
		// Most non-Latin characters (CJK, Greek small letters, emoji) have
		// no decomposition; asking first keeps them cheap to drop.
		d := form.Properties(src).Decomposition()
		if d == nil {
			continue
		}
		if rep, ok := baseLetters(string(d)); ok {
			return rep, true
		}
	}
	return "", false
}

// baseLetters keeps the GSM-7 characters of a decomposition and drops its
// combining marks. It fails when something else is left, or nothing at all,
// so that e.g. a Greek small letter is not silently reduced to an accent.
func baseLetters(d string) (string, bool) {
	var b strings.Builder
	for _, r := range d {
		switch {
		case unicode.Is(unicode.Mn, r):
		case cost(r) > 0:
			b.WriteRune(r)
		default:
			rep, ok := replacements[r]
			if !ok {
				return "", false
			}
			b.WriteString(rep)
		}
	}
	return b.String(), b.Len() > 0
}

// invisible reports characters whose loss a reader would not notice, so
// Unsendable does not bother authors with them.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) ||
		unicode.Is(unicode.Variation_Selector, r) ||
		(r >= 0x1F3FB && r <= 0x1F3FF) // emoji skin-tone modifiers
}

// writer appends transliterated text and tidies the whitespace around
// removed characters, so "Halo 👋 semua" becomes "Halo semua" rather than
// "Halo  semua", and "👋 Halo" does not start with a space.
type writer struct {
	buf     []byte
	last    rune // last rune written, 0 at the start
	dropped bool // a character was removed since the last write
}

func (w *writer) put(r rune) {
	if w.dropped {
		switch {
		case r == ' ' && (w.last == 0 || w.last == ' ' || w.last == '\n'):
			return // keep w.dropped: a run of spaces collapses entirely
		case r == '\n' && w.last == ' ':
			w.trimSpace()
		}
		w.dropped = false
	}
	w.buf = utf8.AppendRune(w.buf, r)
	w.last = r
}

func (w *writer) putString(s string) {
	for _, r := range s {
		w.put(r)
	}
}

func (w *writer) finish() {
	if w.dropped && w.last == ' ' {
		w.trimSpace()
	}
}

// trimSpace removes the space just written, which a removed character has
// left dangling at the end of a line.
func (w *writer) trimSpace() {
	w.buf = w.buf[:len(w.buf)-1]
	w.last = 0
	if len(w.buf) > 0 {
		w.last, _ = utf8.DecodeLastRune(w.buf)
	}
}
