package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"

	"github.com/pamong-desa/pamong/dispatch"
)

// Validator checks the X-Twilio-Signature of Twilio's webhook requests,
// and the outbox reference Sender puts in each status callback URL.
//
// It is our own code rather than twilio-go's RequestValidator because that
// one takes a map[string]string: a form that repeats a name could only be
// checked against one of its values, so a value nobody signed could ride
// along with a signed one.
type Validator struct {
	authToken string
}

// NewValidator validates against the account's auth token.
func NewValidator(authToken string) *Validator {
	return &Validator{authToken: authToken}
}

// Valid tells whether signature was made by Twilio for a POST to rawURL
// (the URL Twilio was configured with, as the outside world sees it) with
// exactly these form parameters, every value of every name included.
//
// Twilio signs the URL followed by each name and value, names sorted, and
// a repeated name's distinct values sorted (as its own libraries,
// twilio-node and twilio-python, compute it). The URL is tried with and
// without the scheme's default port, as Twilio's libraries do, because
// Twilio's side is not consistent about it.
func (v *Validator) Valid(rawURL string, params url.Values, signature string) bool {
	got, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || len(got) != sha1.Size {
		return false
	}
	ok := false
	for _, u := range urlVariants(rawURL) {
		// Both are computed and compared, so the time taken says nothing
		// about which variant, if any, matched.
		ok = hmac.Equal(got, sign(v.authToken, u, params)) || ok
	}
	return ok
}

// sign computes the HMAC-SHA1 Twilio puts, base64-encoded, in
// X-Twilio-Signature for a POST of params to rawURL.
func sign(authToken, rawURL string, params url.Values) []byte {
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(rawURL))
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		values := slices.Clone(params[name])
		slices.Sort(values)
		for _, value := range slices.Compact(values) {
			mac.Write([]byte(name))
			mac.Write([]byte(value))
		}
	}
	return mac.Sum(nil)
}

// urlVariants is rawURL as given and, when it parses, with the scheme's
// default port added or removed: Twilio signs sometimes one, sometimes
// the other.
func urlVariants(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return []string{rawURL}
	}
	defaultPort := map[string]string{"http": "80", "https": "443"}[u.Scheme]
	if defaultPort == "" {
		return []string{rawURL}
	}
	other := *u
	switch u.Port() {
	case "":
		other.Host = u.Host + ":" + defaultPort
	case defaultPort:
		other.Host = strings.TrimSuffix(u.Host, ":"+defaultPort)
	default:
		return []string{rawURL}
	}
	return []string{rawURL, other.String()}
}

// SignatureShaped tells whether signature could be one of Twilio's (the
// base64 of an HMAC-SHA1) before the body it covers is read: a webhook
// without one is refused unread.
func SignatureShaped(signature string) bool {
	b, err := base64.StdEncoding.DecodeString(signature)
	return err == nil && len(b) == sha1.Size
}

// OutboxRef reads the id a status callback URL carries (see Sender.Send):
// the outbox row and the attempt the callback reports on. ok is false
// unless Sender signed it with this account's auth token.
func (v *Validator) OutboxRef(id string) (ref dispatch.Ref, ok bool) {
	return dispatch.ParseRef(v.authToken, providerName, id)
}
