package twilio

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/twilio/twilio-go/client"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/phone"
)

// APIError is a request Twilio refused, with phone numbers masked in its
// message so that it can be logged and kept on the outbox row.
type APIError struct {
	Status  int    // HTTP status
	Code    int    // Twilio error code, https://www.twilio.com/docs/api/errors
	Message string // Twilio's explanation, numbers masked
}

func (e *APIError) Error() string {
	return fmt.Sprintf("twilio answered HTTP %d, error %d: %s", e.Status, e.Code, e.Message)
}

// Twilio error codes that decide how a refusal is classified.
const (
	codeInvalidTo          = 21211 // 'To' is not a valid phone number
	codeRegionNotEnabled   = 21408 // no permission to send to the 'To' region
	codeNotReachable       = 21612 // 'To' is not reachable from 'From'
	codeNotMobile          = 21614 // 'To' is not a mobile number
	codeFromNotValid       = 21606 // 'From' cannot send to this destination
	codeFromNotValidForSvc = 21659 // 'From' is not a Twilio number
	codeUnsubscribed       = 21610 // the recipient replied STOP
)

// classify turns a failed CreateMessage into the dispatcher's terms. status
// is the HTTP status seen on the wire, used when Twilio's body leaves it out.
//
// A refusal about the recipient or sender is permanent, as is any other 4xx:
// Twilio would refuse the same request again. 429 and 5xx are worth another
// try, and so is 401: it means our credentials are wrong or being rotated,
// which is no fault of the message, and failing the whole outbox for it
// would lose every queued lesson. Anything that is not Twilio's answer (a
// timeout, a reset connection, a body that does not parse) is returned
// unclassified, which the dispatcher retries.
func classify(doing string, err error, status int) error {
	var re *client.TwilioRestError
	if !errors.As(err, &re) {
		return fmt.Errorf("%s: %w", doing, err)
	}
	apiErr := &APIError{Status: re.Status, Code: re.Code, Message: phone.MaskDigits(re.Message)}
	if apiErr.Status == 0 {
		apiErr.Status = status
	}
	wrapped := fmt.Errorf("%s: %w", doing, apiErr)
	code := ""
	if re.Code != 0 {
		code = strconv.Itoa(re.Code)
	}

	switch re.Code {
	case codeUnsubscribed:
		return dispatch.OptedOut(code, wrapped)
	case codeInvalidTo, codeNotMobile, codeNotReachable, codeRegionNotEnabled, codeFromNotValid, codeFromNotValidForSvc:
		return dispatch.Permanent(code, wrapped)
	}
	switch s := apiErr.Status; {
	case s == http.StatusTooManyRequests, s >= 500, s == http.StatusUnauthorized:
		return dispatch.Retryable(code, wrapped)
	case s >= 400:
		return dispatch.Permanent(code, wrapped)
	default:
		return dispatch.Retryable(code, wrapped)
	}
}
