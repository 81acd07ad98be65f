package phone

import "strings"

// MaskDigits hides all but the last three digits of every run of six or
// more digits, so that a provider's message quoting a recipient ("The 'To'
// number +6281234567890 is not valid") can be logged and kept on the outbox
// row; error codes and ports are shorter and stay readable.
func MaskDigits(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		if j == i {
			b.WriteByte(s[i])
			i++
			continue
		}
		run := s[i:j]
		if len(run) >= 6 {
			b.WriteString(strings.Repeat("*", len(run)-3))
			run = run[len(run)-3:]
		}
		b.WriteString(run)
		i = j
	}
	return b.String()
}

// Mask shortens an E.164 number for logs and status pages to its country
// code's first digits and its last three: "+62…789". Anything too short to
// keep both is hidden whole.
func Mask(e164 string) string {
	if len(e164) <= 6 {
		return "…"
	}
	return e164[:3] + "…" + e164[len(e164)-3:]
}
