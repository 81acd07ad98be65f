package twilio

import "github.com/twilio/twilio-go/client"

// Validator checks the X-Twilio-Signature of Twilio's webhook requests.
type Validator struct{ v client.RequestValidator }

// NewValidator validates against the account's auth token.
func NewValidator(authToken string) *Validator {
	return &Validator{v: client.NewRequestValidator(authToken)}
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
