package bot

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Answers as people write them: "2", "dua", "nomor 2", "no. 2", "jwb 2",
// "2 pak", "B ya", "3️⃣", "２", the text of an option or the start of it.
// Everything here reads; nothing decides what an answer means for the
// course.

// numberWords are choices written out, cardinal and ordinal.
var numberWords = map[string]int{
	"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
	"sembilan": 9, "sepuluh": 10, "sebelas": 11,
	"pertama": 1, "kesatu": 1, "kedua": 2, "ketiga": 3, "keempat": 4, "kelima": 5, "keenam": 6,
	"ketujuh": 7, "kedelapan": 8, "kesembilan": 9, "kesepuluh": 10, "kesebelas": 11,
}

// leadWords come before a choice ("jawaban saya nomor 2", "pilih yang ke-3")
// and say nothing about which one.
var leadWords = set("jawaban", "jawabannya", "jawabanya", "jawabanku", "jawab", "jwb", "jwbn", "jwbnya",
	"pilihan", "pilihannya", "pilih", "opsi", "nomor", "nomer", "nmr", "no", "saya", "sy", "aku",
	"yang", "yg", "adalah", "ke", "huruf", "angka", "answer", "option")

// courtesyWords surround a choice in polite or casual writing ("2 pak",
// "B ya", "ok 3", "4 saja, terima kasih").
var courtesyWords = set("pak", "bu", "bpk", "bapak", "ibu", "ya", "yah", "iya", "kak", "mas", "mbak", "bang",
	"dik", "min", "saja", "aja", "deh", "dong", "nih", "sih", "kok", "ok", "oke", "terima", "kasih", "makasih",
	"trims", "tks", "thanks", "mohon", "maaf")

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// ParseChoice reads a choice among n options: "2", "b", "B.", "(b)", "dua",
// "kedua", "nomor 2", "no. 2", "jwb 2", "2 pak", "B ya", "3️⃣", "２" all
// name one option. ok is false for text that is not a choice at all ("ok",
// an emoji, a sentence, "2 dan 3", a letter past the last option); a number
// outside 1..n is returned with ok true so the caller can say which numbers
// are valid.
func ParseChoice(text string, n int) (choice int, ok bool) {
	words := trimWords(answerWords(text))
	if len(words) != 1 {
		return 0, false
	}
	return choiceWord(words[0], n)
}

// choiceWord reads one word as a choice.
func choiceWord(w string, n int) (int, bool) {
	if v, ok := numberWords[w]; ok {
		return v, true
	}
	if isASCIIDigits(w) {
		if len(w) > 2 {
			// A year, a village code: not an option number.
			return 0, false
		}
		v, _ := strconv.Atoi(w)
		return v, true
	}
	if len(w) == 1 && w[0] >= 'a' && w[0] <= 'z' {
		// A letter names an option only if there is one: "x" for a
		// question of four is not "option 24".
		if v := int(w[0]-'a') + 1; v <= n {
			return v, true
		}
	}
	return 0, false
}

// ParseAnswer reads an answer to a question with these options (and
// their SMS forms, which the learner may have seen instead): a choice as
// ParseChoice reads it, the text of an option ("Transparan"), or a start
// of it that only one option has ("transp"), optionally after its number
// ("2. Transparan"). ok is false when the text names no option or more
// than one.
func ParseAnswer(text string, options, smsOptions []string) (choice int, ok bool) {
	n := len(options)
	if c, ok := ParseChoice(text, n); ok {
		return c, true
	}
	words := answerWords(text)
	for _, cand := range [][]string{words, trimWords(words)} {
		if c, ok := matchOption(strings.Join(cand, " "), options, smsOptions); ok {
			return c, true
		}
		// "2. Transparan": a number and its option's words.
		if len(cand) > 1 {
			if c, ok := choiceWord(cand[0], n); ok && InRange(c, n) {
				if m, ok := matchOption(strings.Join(cand[1:], " "), options, smsOptions); ok && m == c {
					return c, true
				}
			}
		}
	}
	return 0, false
}

// minOptionStart is the shortest start of an option that is read as that
// option: shorter ones ("a", "ke") are letters or words of their own.
const minOptionStart = 3

// matchOption finds the option that text is, or the one option it begins.
func matchOption(text string, options, smsOptions []string) (int, bool) {
	if text == "" {
		return 0, false
	}
	prefixOf := 0
	for i, o := range options {
		forms := []string{o}
		if len(smsOptions) == len(options) {
			forms = append(forms, smsOptions[i])
		}
		for _, f := range forms {
			norm := strings.Join(answerWords(f), " ")
			if text == norm {
				return i + 1, true
			}
			if len(text) >= minOptionStart && strings.HasPrefix(norm, text) && prefixOf != i+1 {
				if prefixOf != 0 {
					prefixOf = -1 // the start of two options
				} else {
					prefixOf = i + 1
				}
			}
		}
	}
	// Exact matches were all tried first: "Kepala Desa" is an option even
	// when another begins with it.
	return prefixOf, prefixOf > 0
}

// InRange tells whether a parsed choice is one of n options.
func InRange(choice, n int) bool { return choice >= 1 && choice <= n }

// answerWords splits text into lower-case words of letters or of digits,
// after folding the ways phones write them: full-width forms, digits of
// other scripts, keycap emoji and circled numbers.
func answerWords(text string) []string {
	var b strings.Builder
	for _, r := range width.Fold.String(text) {
		switch {
		case r == '\uFE0F' || r == '\u20E3':
			// Emoji presentation and the keycap around a digit (3️⃣).
		case r == '🔟':
			b.WriteString(" 10 ")
		case r >= '①' && r <= '⑳':
			b.WriteString(" " + strconv.Itoa(int(r-'①')+1) + " ")
		case r >= '❶' && r <= '❿':
			b.WriteString(" " + strconv.Itoa(int(r-'❶')+1) + " ")
		case r >= '➀' && r <= '➉':
			b.WriteString(" " + strconv.Itoa(int(r-'➀')+1) + " ")
		case r >= '➊' && r <= '➓':
			b.WriteString(" " + strconv.Itoa(int(r-'➊')+1) + " ")
		case r > unicode.MaxASCII && unicode.IsDigit(r):
			b.WriteByte(byte('0' + digitValue(r)))
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	// Words are runs of letters or runs of digits: "no.2" and "jwb2" are
	// two words each, as people mean them.
	var words []string
	var cur []rune
	kind := 0 // 1 letters, 2 digits
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range b.String() {
		k := 0
		switch {
		case r >= '0' && r <= '9':
			k = 2
		case unicode.IsLetter(r):
			k = 1
		}
		if k != kind {
			flush()
			kind = k
		}
		if k != 0 {
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

// trimWords drops what surrounds a choice: lead words before it and
// courtesy words on either side.
func trimWords(words []string) []string {
	for len(words) > 0 && (leadWords[words[0]] || courtesyWords[words[0]]) {
		words = words[1:]
	}
	for len(words) > 0 && courtesyWords[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	return words
}

// digitValue is the value of a decimal digit of any script: Unicode keeps
// each script's digits 0-9 in one run, so the offset in its run is the value.
func digitValue(r rune) int {
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	return 0
}

func isASCIIDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// freeTextWords is how many words make a message something said to a
// person rather than a mistyped answer.
const freeTextWords = 4

// isFreeText tells whether a message that is not an answer was written to
// a person: a sentence of several words ("Maaf pak saya kurang paham
// pertanyaannya"), or a short question ("maksudnya apa?"). Such a message
// is passed on to the admins instead of being met with "not recognised".
func isFreeText(text string) bool {
	words := 0
	for _, w := range answerWords(text) {
		if len([]rune(w)) >= 2 && !isASCIIDigits(w) {
			words++
		}
	}
	return words >= freeTextWords || (words >= 2 && strings.ContainsAny(text, "?？"))
}
