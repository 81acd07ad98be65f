package admin

import "strconv"

// GroupDigits writes n with its thousands separated by sep: "60,000" in
// the API's English texts, "60.000" on Indonesian pages.
func GroupDigits(n int, sep string) string {
	s := strconv.Itoa(n)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return neg + s
}

// Rupiah writes an amount the Indonesian way: Rp 28.000.
func Rupiah(n int) string { return "Rp " + GroupDigits(n, ".") }
