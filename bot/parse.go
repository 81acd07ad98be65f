package bot

import (
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
	KeyMaterial Keyword = "MATERI" // also BACA, "MATERI 2", "baca lagi materi"
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
	if _, ok := parseMaterial(t); ok {
		return KeyMaterial
	}
	if _, ok := ParseCheck(t); ok {
		return KeyCheck
	}
	if _, ok := parsePause(t); ok {
		return KeyPause
	}
	t = strings.TrimFunc(t, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
	return keywords[strings.ToUpper(t)]
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
