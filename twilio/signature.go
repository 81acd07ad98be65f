package twilio

import (
	"crypto/sha1"
	"encoding/base64"

	"github.com/twilio/twilio-go/client"

	"github.com/pamong-desa/pamong/dispatch"
)

// Validator checks the X-Twilio-Signature of Twilio's webhook requests,
// and the outbox reference Sender puts in each status callback URL.
type Validator struct {
	v         client.RequestValidator
	authToken string
}

// NewValidator validates against the account's auth token.
func NewValidator(authToken string) *Validator {
	return &Validator{v: client.NewRequestValidator(authToken), authToken: authToken}
}

// Valid tells whether signature was made by Twilio for a POST to url (the
// URL Twilio was configured with, as the outside world sees it) with these
// form parameters.
func (v *Validator) Valid(url string, params map[string]string, signature string) bool {
	if signature == "" {
		return false
	}
	return v.v.Validate(url, params, signature)
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
