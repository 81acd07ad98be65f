package twilio_test

import (
	"net/url"
	"testing"

	"github.com/pamong-desa/pamong/twilio"
)

// The vectors: Twilio's documented example (token 12345, its URL and five
// parameters) and, for a repeated name, one computed outside Go with
// Python's hmac module over the string Twilio's libraries build: the URL,
// then "Body" "halo" "From" "+6281234567890" "Tag" "a" "Tag" "b" "To"
// "+15005550006" (names sorted, a repeated name's values sorted, no
// separators).
const (
	docToken = "12345"
	docURL   = "https://mycompany.com/myapp.php?foo=1&bar=2"
	docSig   = "GvWf1cFY/Q7PnoempGyD5oXAezc="
	// docSig443 is the same request signed with the default port written
	// out, as Twilio sometimes does.
	docSig443 = "5s2PFy0qmPcZucb4eH4b08ZJtL0="
	// repSig covers Tag=a and Tag=b; firstOnlySig covers Tag=b alone, as a
	// signer that keeps one value per name would.
	repSig       = "tgnkpgDkNTqJLxn8KmmFl94XRZY="
	firstOnlySig = "MwAouoHr/MvdwxvAXfCzq4vjee8="
)

func TestValidatorValid(t *testing.T) {
	doc := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675310"}, "Digits": {"1234"}, "From": {"+14158675310"}, "To": {"+18005551212"}}
	rep := func(tags ...string) url.Values {
		return url.Values{"Body": {"halo"}, "From": {"+6281234567890"}, "Tag": tags, "To": {"+15005550006"}}
	}
	tests := []struct {
		name   string
		token  string
		url    string
		params url.Values
		sig    string
		want   bool
	}{
		{"Twilio's documented example", docToken, docURL, doc, docSig, true},
		{"signed with the default port, configured without", docToken, docURL, doc, docSig443, true},
		{"signed without the port, configured with", docToken, "https://mycompany.com:443/myapp.php?foo=1&bar=2", doc, docSig, true},
		{"another token", "54321", docURL, doc, docSig, false},
		{"another URL", docToken, "https://mycompany.com/myapp.php?foo=1&bar=3", doc, docSig, false},
		{"a value changed", docToken, docURL, func() url.Values { p := cloneValues(doc); p.Set("Digits", "1235"); return p }(), docSig, false},
		{"a parameter added", docToken, docURL, func() url.Values { p := cloneValues(doc); p.Set("Body", "x"); return p }(), docSig, false},
		{"repeated name, every value signed", docToken, docURL, rep("a", "b"), repSig, true},
		{"repeated name, values in the other order", docToken, docURL, rep("b", "a"), repSig, true},
		{"repeated name, an identical value sent twice", docToken, docURL, rep("b", "a", "b"), repSig, true},
		{"repeated name, the signature covers only one value", docToken, docURL, rep("b", "a"), firstOnlySig, false},
		{"a value signed once, the form repeats the name", docToken, docURL, rep("b"), repSig, false},
		{"empty signature", docToken, docURL, doc, "", false},
		{"not base64", docToken, docURL, doc, "GvWf1cFY/Q7PnoempGyD5oXAezc", false},
		{"the right bytes, truncated", docToken, docURL, doc, "GvWf1cFY/Q7PnoempGyD5oXA", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := twilio.NewValidator(tt.token).Valid(tt.url, tt.params, tt.sig); got != tt.want {
				t.Errorf("Valid = %v, want %v", got, tt.want)
			}
		})
	}
}

func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, s := range v {
		c[k] = append([]string(nil), s...)
	}
	return c
}
