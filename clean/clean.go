// Package clean makes text from the outside world safe to store: every
// inbound edge (Twilio, Kannel, WhatsApp) passes what a learner sent
// through Text before it reaches the database, so no provider needs a
// cleaner of its own.
package clean

import "strings"

// Text returns s without NUL characters and with every run of invalid
// UTF-8 (including UTF-8-encoded UTF-16 surrogates, which Go's decoder
// refuses too) replaced by U+FFFD.
//
// PostgreSQL refuses both in a text column (SQLSTATE 22021). Refused,
// the message could never be stored however often the provider retried:
// it was answered 503 forever and lost. Cleaned, it is stored and the
// learner gets an answer; at worst "not understood", which tells them to
// write again.
func Text(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
