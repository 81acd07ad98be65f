package dispatch

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// Ref names one attempt at sending one outbox row. Senders put it, signed,
// in the callback URL they give the provider (Kannel's dlr-url, Twilio's
// StatusCallback), so that a delivery report finds its row even before the
// provider's answer to the send is recorded, and so that only a report on
// a message Pamong really gave that provider can name a row: outbox ids
// are sequential, and a bare id let anyone holding the webhook secret move
// any row.
type Ref struct {
	ID      int64
	Attempt int
}

// refMACLen is how many bytes of the HMAC-SHA256 a reference carries: 128
// bits cannot be guessed, and the reference stays short enough for a URL
// Kannel keeps per message.
const refMACLen = 16

// SignRef returns the reference "<id>.<attempt>.<mac>" for a message sent
// through provider, signed with key (the provider's webhook secret). Its
// characters are all URL-safe and include no '%', which Kannel would read
// as one of its escape codes.
func SignRef(key, provider string, r Ref) string {
	body := strconv.FormatInt(r.ID, 10) + "." + strconv.Itoa(r.Attempt)
	return body + "." + base64.RawURLEncoding.EncodeToString(refMAC(key, provider, body))
}

// ParseRef checks a reference made by SignRef with the same key and
// provider. It refuses anything else: a bare id, another provider's
// reference, a wrong or truncated signature, and every reference when key
// is empty.
func ParseRef(key, provider, s string) (Ref, bool) {
	if key == "" {
		return Ref{}, false
	}
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return Ref{}, false
	}
	body, sig := s[:i], s[i+1:]
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, refMAC(key, provider, body)) {
		return Ref{}, false
	}
	idText, attemptText, ok := strings.Cut(body, ".")
	if !ok {
		return Ref{}, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return Ref{}, false
	}
	attempt, err := strconv.Atoi(attemptText)
	if err != nil || attempt <= 0 {
		return Ref{}, false
	}
	return Ref{ID: id, Attempt: attempt}, true
}

// refMAC binds the reference to its provider as well as to the key, so
// that one provider's reference is worthless to another's webhook even if
// the two were configured with the same secret.
func refMAC(key, provider, body string) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte("pamong outbox ref\x00" + provider + "\x00" + body))
	return m.Sum(nil)[:refMACLen]
}
