// Package phone turns the ways Indonesians write mobile numbers into E.164,
// the one form Pamong stores and providers accept.
package phone

import (
	"fmt"
	"strings"
)

// spreadsheetNoise is what spreadsheets bring into phone cells:
// non-breaking spaces, "(+62)" and "+62 (0)812". Built once: building a
// Replacer costs more than the rest of Normalize.
var spreadsheetNoise = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "(0)", "", "(+62)", "+62")

// Normalize accepts "0812-3456-7890", "62812…", "+62 812 …" and returns
// "+62812…". An Indonesian number must be a mobile one (8 after the country
// code; landlines cannot receive SMS or WhatsApp) with 9 to 12 digits after
// 62. Numbers of other countries must be written with + and are kept as
// E.164 (8 to 15 digits).
func Normalize(s string) (string, error) {
	raw := strings.TrimSpace(spreadsheetNoise.Replace(s))
	var d strings.Builder
	for i, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			d.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", fmt.Errorf("phone %q has a character that is not a digit", s)
		}
	}
	digits := d.String()
	international := strings.HasPrefix(raw, "+")
	switch {
	case digits == "":
		return "", fmt.Errorf("phone number is empty")
	case strings.HasPrefix(digits, "0062") && !international:
		digits = digits[4:]
	case strings.HasPrefix(digits, "62"):
		digits = digits[2:]
	case strings.HasPrefix(digits, "0") && !international:
		digits = digits[1:]
	case international:
		if len(digits) < 8 || len(digits) > 15 {
			return "", fmt.Errorf("phone %q has %d digits; an international number has 8 to 15", s, len(digits))
		}
		return "+" + digits, nil
	case strings.HasPrefix(digits, "8") && len(digits) >= 9 && len(digits) <= 12:
		// Excel drops the leading 0 of a number column: 81234567890.
	default:
		return "", fmt.Errorf("phone %q: write it as 0812…, 62812… or +62812…", s)
	}
	switch {
	case !strings.HasPrefix(digits, "8"):
		return "", fmt.Errorf("phone %q is not a mobile number (Indonesian mobile numbers start with 08)", s)
	case len(digits) < 9:
		return "", fmt.Errorf("phone %q is too short for an Indonesian mobile number", s)
	case len(digits) > 12:
		return "", fmt.Errorf("phone %q is too long for an Indonesian mobile number", s)
	}
	return "+62" + digits, nil
}
