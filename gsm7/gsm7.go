// Package gsm7 knows the GSM 03.38 7-bit SMS alphabet (3GPP TS 23.038).
//
// Pamong only sends single-part GSM-7 SMS: concatenated SMS arrive out of
// order or not at all on many Indonesian networks and handsets, and UCS-2
// SMS hold only 70 characters and are mangled by some feature phones. This
// package counts what a text costs, rewrites text into the alphabet, and
// cuts long texts into standalone single-segment messages.
package gsm7

import "unicode/utf16"

// Encoding names returned by Segments, matching the names SMS gateways and
// carriers use in their pricing and delivery reports.
const (
	GSM7 = "GSM-7"
	UCS2 = "UCS-2"
)

// MaxSeptets is the size of one single-part GSM-7 SMS; every message Pamong
// sends must fit in it.
const MaxSeptets = 160

const (
	// Concatenated messages spend part of each segment on the user data
	// header, which leaves 153 septets (GSM-7) or 67 UTF-16 units (UCS-2).
	multiSeptets = 153
	maxUnits     = 70
	multiUnits   = 67
)

// basicTable is the GSM 03.38 default alphabet in code-point order, with the
// escape code (0x1B) left out because it is not a character of its own.
const basicTable = "@£$¥èéùìòÇ\nØø\rÅå" +
	"Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ" +
	" !\"#¤%&'()*+,-./" +
	"0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNO" +
	"PQRSTUVWXYZÄÖÑÜ§" +
	"¿abcdefghijklmno" +
	"pqrstuvwxyzäöñüà"

// extensionTable holds the characters reached through the escape code, so
// each costs two septets.
const extensionTable = "\f^{}\\[]~|€"

// asciiCost and otherCost give the septets per character, 0 meaning "not in
// GSM-7". ASCII gets an array because nearly all Pamong text is ASCII and
// this runs on every outbound message.
var (
	asciiCost [128]uint8
	otherCost = map[rune]uint8{}
)

func init() {
	set := func(r rune, c uint8) {
		if r < 128 {
			asciiCost[r] = c
		} else {
			otherCost[r] = c
		}
	}
	for _, r := range basicTable {
		set(r, 1)
	}
	for _, r := range extensionTable {
		set(r, 2)
	}
}

// cost is the number of septets r needs, or 0 when r is not in GSM-7.
func cost(r rune) int {
	if r >= 0 && r < 128 {
		return int(asciiCost[r])
	}
	return int(otherCost[r])
}

// Septets counts the septets s needs in GSM-7, so callers can check a text
// against MaxSeptets before sending it. Extension-table characters
// (^ { } \ [ ] ~ | € and form feed) count 2 because they travel as an escape
// pair. ok is false when s has a character outside the GSM-7 basic and
// extension tables, in which case n counts only the representable ones.
func Septets(s string) (n int, ok bool) {
	ok = true
	for _, r := range s {
		c := cost(r)
		if c == 0 {
			ok = false
		}
		n += c
	}
	return n, ok
}

// Segments tells how many SMS segments s would need and in which encoding,
// which is what the carrier bills and what decides whether a message is safe
// to send. s goes as GSM-7 when every character is in the GSM-7 tables
// (1 segment up to 160 septets, otherwise 153-septet parts that never split
// an escape pair), else as UCS-2 (1 segment up to 70 UTF-16 code units,
// otherwise 67-unit parts that never split a surrogate pair). The empty
// string needs no segment: it returns (0, GSM7).
func Segments(s string) (n int, encoding string) {
	if _, ok := Septets(s); ok {
		return countSegments(s, cost, MaxSeptets, multiSeptets), GSM7
	}
	return countSegments(s, utf16.RuneLen, maxUnits, multiUnits), UCS2
}

// countSegments packs the characters of s, each of size(r) units, into
// segments. A character never straddles two segments, because handsets
// reassemble parts byte-wise and a split escape or surrogate pair shows up
// as garbage.
func countSegments(s string, size func(rune) int, single, multi int) int {
	total := 0
	for _, r := range s {
		total += size(r)
	}
	switch {
	case total == 0:
		return 0
	case total <= single:
		return 1
	}
	n, used := 1, 0
	for _, r := range s {
		c := size(r)
		if used+c > multi {
			n++
			used = 0
		}
		used += c
	}
	return n
}
