package twilio

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds one request to Twilio when Config.Timeout is zero.
const DefaultTimeout = 15 * time.Second

// Config is what the SMS adapter needs from the environment. Each field
// names the variable it is read from.
type Config struct {
	AccountSID string // TWILIO_ACCOUNT_SID
	AuthToken  string // TWILIO_AUTH_TOKEN

	// Exactly one of From and MessagingServiceSID says who the message is
	// from: a number or alphanumeric sender id, or a Messaging Service that
	// picks one from its pool.
	From                string // TWILIO_FROM
	MessagingServiceSID string // TWILIO_MESSAGING_SERVICE_SID

	// StatusCallback is the absolute URL Twilio posts delivery reports to,
	// e.g. https://pamong.example.go.id/webhooks/twilio/status; empty for
	// none.
	StatusCallback string // TWILIO_STATUS_CALLBACK

	// APIURL replaces https://api.twilio.com, for tests and egress proxies;
	// a path in it is put before Twilio's paths.
	APIURL string // TWILIO_API_URL

	// Timeout bounds each request; zero means DefaultTimeout.
	Timeout time.Duration // TWILIO_TIMEOUT
}

// Validate says which TWILIO_* variables are missing or wrong and what a good
// value looks like, all of them at once, so a deployment is fixed in one go.
func (c Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	// Values are never echoed: a token pasted into the wrong variable would
	// end up in the logs.
	switch {
	case c.AccountSID == "":
		add("TWILIO_ACCOUNT_SID must be set: the Account SID from the Twilio console, AC followed by 32 hex digits")
	case !isSID(c.AccountSID, "AC"):
		add("TWILIO_ACCOUNT_SID is not an Account SID: want AC followed by 32 hex digits")
	}
	switch {
	case c.AuthToken == "":
		add("TWILIO_AUTH_TOKEN must be set: the Auth Token from the Twilio console")
	case !isAlnum(c.AuthToken):
		// twilio-go refuses such credentials on every request (error 21224).
		add("TWILIO_AUTH_TOKEN may hold only letters and digits (stray quotes or spaces?)")
	}

	if (c.From == "") == (c.MessagingServiceSID == "") {
		add("TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID must be set (not both)")
	} else if c.From != "" && !isSender(c.From) {
		add("TWILIO_FROM must be an E.164 number like +6281234567890 or an alphanumeric sender id of at most 11 characters")
	} else if c.MessagingServiceSID != "" && !isSID(c.MessagingServiceSID, "MG") {
		add("TWILIO_MESSAGING_SERVICE_SID is not a Messaging Service SID: want MG followed by 32 hex digits")
	}

	if c.StatusCallback != "" && !isHTTPURL(c.StatusCallback) {
		add("TWILIO_STATUS_CALLBACK must be an absolute http(s) URL like https://pamong.example.go.id/webhooks/twilio/status")
	}
	if c.APIURL != "" {
		if u, err := url.Parse(c.APIURL); err != nil || !isHTTPURL(c.APIURL) || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			add("TWILIO_API_URL must be an http(s) base URL without query or credentials, like http://127.0.0.1:8081 (it replaces https://api.twilio.com)")
		}
	}
	if c.Timeout < 0 {
		add("TWILIO_TIMEOUT must be positive, like 15s (zero means %v)", DefaultTimeout)
	}
	return errors.Join(errs...)
}

// isSID reports whether s is a Twilio SID of the given kind: a two-letter
// prefix and 32 hex digits.
func isSID(s, prefix string) bool {
	if len(s) != 34 || !strings.HasPrefix(s, prefix) {
		return false
	}
	for _, r := range s[2:] {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return false
		}
	}
	return true
}

func isAlnum(s string) bool {
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// isSender accepts an E.164 number or something short enough to be an
// alphanumeric sender id or short code; Twilio judges the rest.
func isSender(s string) bool {
	if strings.TrimSpace(s) != s {
		return false
	}
	if digits, ok := strings.CutPrefix(s, "+"); ok {
		return len(digits) >= 7 && len(digits) <= 15 && strings.Trim(digits, "0123456789") == ""
	}
	return len(s) <= 11
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
