package kannel

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds one sendsms request when Config.Timeout is zero.
// smsbox answers at once (it only hands the message to bearerbox), so a
// slow answer means something is wrong and the dispatcher should retry.
const DefaultTimeout = 15 * time.Second

// Config is what the Kannel adapter needs. Each field names the variable it
// is read from.
type Config struct {
	// SendSMSURL is smsbox's sendsms interface, e.g.
	// http://127.0.0.1:13013/cgi-bin/sendsms. Parameters already in it
	// (smsc=telkomsel, account=…) are sent with every message.
	SendSMSURL string // KANNEL_SENDSMS_URL
	// Username and Password are a sendsms-user of kannel.conf.
	Username string // KANNEL_USERNAME
	Password string // KANNEL_PASSWORD
	// From is the sender: the number or short code learners reply to.
	From string // KANNEL_FROM
	// DLRURL is where Kannel reports deliveries, without a query:
	// PAMONG_PUBLIC_URL + "/webhooks/kannel/dlr". Each message adds
	// ?id=<signed outbox id and attempt>&status=%d&secret=<Secret>.
	DLRURL string
	// Secret authenticates Kannel's requests to Pamong, inbound messages
	// and delivery reports alike.
	Secret string // KANNEL_SECRET
	// Timeout bounds each sendsms request; zero means DefaultTimeout.
	Timeout time.Duration
}

// MinSecretLen is the shortest KANNEL_SECRET accepted.
const MinSecretLen = 16

// Validate says which KANNEL_* variables are missing or wrong and what a
// good value looks like, all at once. Values are never echoed: a password
// pasted into the wrong variable would end up in the logs.
func (c Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	switch u, err := url.Parse(c.SendSMSURL); {
	case c.SendSMSURL == "":
		add("KANNEL_SENDSMS_URL must be set: smsbox's sendsms interface, like http://127.0.0.1:13013/cgi-bin/sendsms")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" || u.User != nil:
		add("KANNEL_SENDSMS_URL must be an http(s) URL without credentials, like http://127.0.0.1:13013/cgi-bin/sendsms")
	default:
		for _, p := range reservedParams {
			if u.Query().Has(p) {
				add("KANNEL_SENDSMS_URL must not carry %q: Pamong sets it (extra parameters like smsc= are fine)", p)
			}
		}
	}
	if c.Username == "" {
		add("KANNEL_USERNAME must be set: the username of a sendsms-user group in kannel.conf")
	}
	if c.Password == "" {
		add("KANNEL_PASSWORD must be set: the password of that sendsms-user group")
	}
	if !isSender(c.From) {
		add("KANNEL_FROM must be the number or short code learners reply to, like 6281299990000 or 1234 (or an alphanumeric sender id of at most 11 characters)")
	}
	if u, err := url.Parse(c.DLRURL); c.DLRURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.RawQuery != "" || u.Fragment != "" || strings.Contains(c.DLRURL, "%") {
		add("PAMONG_PUBLIC_URL must be set to the base URL Kannel reaches Pamong at, like https://pamong.example.go.id: delivery reports go to its /webhooks/kannel/dlr (and it must not contain %%, which Kannel reads as an escape code)")
	}
	switch {
	case c.Secret == "":
		add("KANNEL_SECRET must be set: a random string of at least %d letters and digits, also written into kannel.conf's get-url and checked on every request from Kannel", MinSecretLen)
	case len(c.Secret) < MinSecretLen || !isURLSafe(c.Secret):
		add("KANNEL_SECRET must be at least %d characters of A-Z, a-z, 0-9, '-', '_', '.' or '~' (anything else is changed by Kannel's URL escape codes)", MinSecretLen)
	}
	if c.Timeout < 0 {
		add("the Kannel timeout must be positive, like 15s (zero means %v)", DefaultTimeout)
	}
	return errors.Join(errs...)
}

// reservedParams are the sendsms parameters each message sets.
var reservedParams = []string{"username", "password", "from", "to", "text", "coding", "charset", "dlr-mask", "dlr-url"}

// isSender accepts a phone number or short code (digits, optionally after
// +) or an alphanumeric sender id; the SMSC judges the rest.
func isSender(s string) bool {
	if s == "" || strings.TrimSpace(s) != s {
		return false
	}
	if digits := strings.TrimPrefix(s, "+"); strings.Trim(digits, "0123456789") == "" {
		return len(digits) >= 3 && len(digits) <= 15
	}
	return len(s) <= 11 && isURLSafe(strings.ReplaceAll(s, " ", ""))
}

// isURLSafe reports whether s is made only of URL-unreserved characters,
// which pass unchanged through URL escaping and Kannel's %-escape codes.
func isURLSafe(s string) bool {
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r == '-' || r == '_' || r == '.' || r == '~') {
			return false
		}
	}
	return true
}
