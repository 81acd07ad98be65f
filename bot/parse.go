package bot

import (
	"strconv"
	"strings"
	"unicode"
)

// Keyword is a command that works in every step.
type Keyword string

// The keywords, by their Indonesian name.
const (
	KeyNone     Keyword = ""
	KeyMenu     Keyword = "MENU"
	KeyNext     Keyword = "LANJUT"
	KeyRepeat   Keyword = "ULANG"
	KeyScore    Keyword = "NILAI"
	KeyHelp     Keyword = "BANTUAN"
	KeyStop     Keyword = "BERHENTI"
	KeyStart    Keyword = "MULAI"
	KeyWhatsApp Keyword = "WA"
	KeySMS      Keyword = "SMS"
	keyRetryAlt Keyword = "ULANGI" // retry a quiz from the lesson-end menu
)

var keywords = map[string]Keyword{
	"MENU":     KeyMenu,
	"LANJUT":   KeyNext,
	"NEXT":     KeyNext,
	"ULANG":    KeyRepeat,
	"REPEAT":   KeyRepeat,
	"NILAI":    KeyScore,
	"SKOR":     KeyScore,
	"SCORE":    KeyScore,
	"BANTUAN":  KeyHelp,
	"HELP":     KeyHelp,
	"?":        KeyHelp,
	"BERHENTI": KeyStop,
	"STOP":     KeyStop,
	"MULAI":    KeyStart,
	"START":    KeyStart,
	"ULANGI":   keyRetryAlt,
	"WA":       KeyWhatsApp,
	"WHATSAPP": KeyWhatsApp,
	"SMS":      KeySMS,
	// Certificates (certificate.go); CEK takes a code, see ParseKeyword.
	"SERTIFIKAT": KeyCertificate,
}

// ParseKeyword recognises a keyword in any case with surrounding spaces and
// punctuation ("Lanjut!", " menu.", "?").
func ParseKeyword(text string) Keyword {
	t := strings.TrimSpace(text)
	if t == "?" {
		return KeyHelp
	}
	if _, ok := ParseCheck(t); ok {
		return KeyCheck
	}
	t = strings.TrimFunc(t, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
	return keywords[strings.ToUpper(t)]
}

// answerPrefixes are words people put before their choice.
var answerPrefixes = []string{"jawaban saya", "jawabannya", "jawaban", "jawab", "pilihan", "pilih", "opsi", "answer"}

// ParseChoice reads a choice among n options: "2", "b", "B.", "(b)", "b)",
// " 2 ", "jawaban b", "2." all mean 2. ok is false for text that is not a
// choice at all ("ok", an emoji, a sentence); a choice outside 1..n is
// returned with ok true so the caller can say which numbers are valid.
func ParseChoice(text string, n int) (choice int, ok bool) {
	t := strings.ToLower(strings.TrimSpace(text))
	for _, p := range answerPrefixes {
		if rest, found := strings.CutPrefix(t, p); found {
			t = strings.TrimLeft(rest, " :=-")
			break
		}
	}
	t = strings.TrimSpace(strings.Trim(t, " ()[].:;,!-"))
	if n, err := strconv.Atoi(t); err == nil && len(t) <= 2 {
		return n, true
	}
	r := []rune(t)
	if len(r) != 1 {
		return 0, false
	}
	switch c := r[0]; {
	case c >= '1' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 1, true
	}
	return 0, false
}

// InRange tells whether a parsed choice is one of n options.
func InRange(choice, n int) bool { return choice >= 1 && choice <= n }

var (
	yesWords = map[string]bool{"1": true, "ya": true, "y": true, "iya": true, "yes": true, "benar": true, "betul": true, "ok": true, "oke": true}
	noWords  = map[string]bool{"2": true, "bukan": true, "tidak": true, "no": true, "n": true, "salah": true, "tdk": true}
)

// parseYesNo reads an answer to "Balas 1 (Ya) atau 2 (Bukan)".
func parseYesNo(text string) (yes, ok bool) {
	t := strings.ToLower(strings.TrimFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }))
	switch {
	case yesWords[t]:
		return true, true
	case noWords[t]:
		return false, true
	}
	return false, false
}

// cleanName turns what a learner typed as their name into a name, or ""
// when it does not look like one.
func cleanName(text string) string {
	name := strings.Join(strings.Fields(text), " ")
	letters := 0
	for _, r := range name {
		switch {
		case unicode.IsLetter(r):
			letters++
		case r == ' ' || r == '.' || r == '\'' || r == '-' || r == ',':
		default:
			return ""
		}
	}
	if letters < 2 || len([]rune(name)) > 60 {
		return ""
	}
	return name
}
