// Package webhooks receives what providers send Pamong over HTTP: inbound
// messages and delivery reports. Each handler checks that the request
// really comes from the provider, turns it into the store's terms and
// answers the provider; replies never go out from here, they go through
// the outbox.
package webhooks

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/clean"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/phone"
	"github.com/pamong-desa/pamong/store"
	"github.com/pamong-desa/pamong/twilio"
)

// Store is what the webhooks need of the database.
type Store interface {
	HandleInbound(ctx context.Context, in store.Inbound, course *lessons.Course) (store.Handled, error)
	RecordDelivery(ctx context.Context, d store.Delivery) (found bool, err error)
}

// Twilio handles Twilio's SMS webhooks.
type Twilio struct {
	Store     Store
	Course    *lessons.Course
	Validator *twilio.Validator
	// PublicURL is Pamong's base URL as Twilio calls it; signatures cover
	// the full URL, so it must match what is configured at Twilio.
	PublicURL string
	Log       *slog.Logger
}

// maxForm bounds a webhook body; Twilio's are a few kilobytes.
const maxForm = 64 << 10

const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response/>`

// Routes registers the Twilio endpoints on mux.
func (h *Twilio) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /webhooks/twilio/sms", h.inbound)
	mux.HandleFunc("POST /webhooks/twilio/status", h.status)
}

// verified parses the form and checks the signature; it answers the
// request itself and returns false when the request is not Twilio's.
// It returns the named fields the handler reads, cleaned, each at most
// once.
//
// The signature covers the body, so only its presence and shape can be
// checked before reading it: a request without one is refused unread.
// After reading, it must cover every value of every name: a value added
// beside a signed one would otherwise pass unchecked.
func (h *Twilio) verified(w http.ResponseWriter, r *http.Request, fields ...string) (map[string]string, bool) {
	sig := r.Header.Get("X-Twilio-Signature")
	if !twilio.SignatureShaped(sig) {
		h.Log.Warn("refused a Twilio webhook with a missing or malformed signature", "path", r.URL.Path)
		refuse(w, "missing or malformed X-Twilio-Signature", http.StatusForbidden)
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "malformed form body", http.StatusBadRequest)
		return nil, false
	}
	signedURL := strings.TrimSuffix(h.PublicURL, "/") + r.URL.RequestURI()
	if !h.Validator.Valid(signedURL, r.PostForm, sig) {
		if repeated := repeatedNames(r.PostForm); len(repeated) > 0 {
			h.Log.Warn("refused a Twilio webhook whose signature does not cover every value of its repeated form fields",
				"path", r.URL.Path, "repeated", repeated)
		} else {
			h.Log.Warn("refused a Twilio webhook with a wrong signature", "path", r.URL.Path)
		}
		http.Error(w, "invalid X-Twilio-Signature", http.StatusForbidden)
		return nil, false
	}
	params := make(map[string]string, len(fields))
	for _, name := range fields {
		values := r.PostForm[name]
		if len(values) > 1 {
			// Signed, so Twilio sent it; but which one would be meant?
			http.Error(w, "form field "+name+" is given more than once", http.StatusBadRequest)
			return nil, false
		}
		if len(values) == 1 {
			// Cleaned only after the check: the signature covers the raw bytes.
			params[name] = clean.Text(values[0])
		}
	}
	return params, true
}

// repeatedNames lists the form's names that carry more than one value,
// sorted, for the log: at most ten, as a forged body may repeat many.
func repeatedNames(form url.Values) []string {
	var names []string
	for name, values := range form {
		if len(values) > 1 {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names[:min(len(names), 10)]
}

func (h *Twilio) inbound(w http.ResponseWriter, r *http.Request) {
	p, ok := h.verified(w, r, "MessageSid", "From", "Body", "OptOutType")
	if !ok {
		return
	}
	sid, from := p["MessageSid"], p["From"]
	if sid == "" || from == "" {
		http.Error(w, "MessageSid and From are required", http.StatusBadRequest)
		return
	}
	number, err := phone.Normalize(from)
	if err != nil {
		// Not a number we can answer (a short code, a sender id): say
		// nothing, and do not make Twilio retry.
		h.Log.Debug("ignored an SMS from a sender that is not a phone number", "err", err)
		writeTwiML(w)
		return
	}
	text := twilioKeyword(p["Body"], p["OptOutType"])
	res, err := h.Store.HandleInbound(r.Context(), store.Inbound{Channel: bot.SMS, Provider: "twilio", ProviderID: sid, Phone: number, Text: text}, h.Course)
	if err != nil {
		if inboundFailed(w, h.Log, err, "msg_sid", sid) {
			writeTwiML(w)
		}
		return
	}
	res.LogEvents(h.Log)
	if res.Duplicate {
		h.Log.Info("duplicate inbound SMS ignored", "msg_sid", sid)
	}
	writeTwiML(w)
}

// Twilio acts on these keywords itself (it blocks or unblocks the number),
// so Pamong must agree with it whatever language the keyword is in.
var (
	twilioStopWords = map[string]bool{"STOP": true, "STOPALL": true, "UNSUBSCRIBE": true, "CANCEL": true, "END": true, "QUIT": true, "REVOKE": true, "OPTOUT": true}
)

// twilioKeyword turns Twilio's opt-out and opt-in keywords (and Advanced
// Opt-Out's OptOutType) into the engine's BERHENTI and MULAI.
func twilioKeyword(body, optOutType string) string {
	word := strings.ToUpper(strings.Trim(strings.TrimSpace(body), ".!"))
	switch {
	case optOutType == "STOP" || twilioStopWords[word]:
		return string(bot.KeyStop)
	case optOutType == "START":
		// Only Advanced Opt-Out says so: a bare "YES" may answer a question.
		return string(bot.KeyStart)
	}
	return body
}

// twilioStatus maps Twilio's MessageStatus to the outbox's; the statuses
// before "sent" are already implied by the row being sent and are ignored.
var twilioStatus = map[string]string{
	"sent": "sent", "delivered": "delivered", "read": "read",
	"undelivered": "failed", "failed": "failed", "canceled": "failed",
}

// twilioOptOut is the error Twilio reports for a recipient who replied STOP.
const twilioOptOut = "21610"

func (h *Twilio) status(w http.ResponseWriter, r *http.Request) {
	p, ok := h.verified(w, r, "MessageSid", "MessageStatus", "ErrorCode")
	if !ok {
		return
	}
	sid, raw := p["MessageSid"], p["MessageStatus"]
	if sid == "" || raw == "" {
		http.Error(w, "MessageSid and MessageStatus are required", http.StatusBadRequest)
		return
	}
	status, known := twilioStatus[raw]
	if !known {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	d := store.Delivery{Provider: "twilio", ProviderID: sid, Status: status, OptedOut: p["ErrorCode"] == twilioOptOut}
	// The signed outbox reference, put in the callback URL when the
	// message was sent, finds the row even before the send's answer was
	// recorded. Without a good one (a URL from before references were
	// signed) the row is found by MessageSid alone, which Twilio made and
	// nobody can guess.
	if ref, ok := h.Validator.OutboxRef(r.URL.Query().Get("id")); ok {
		d.OutboxID, d.Attempt = ref.ID, ref.Attempt
	} else if r.URL.Query().Has("id") {
		h.Log.Debug("status callback with an unsigned outbox id; finding the row by MessageSid", "msg_sid", sid)
	}
	if code := p["ErrorCode"]; code != "" {
		d.Error = "twilio error " + code
	}
	found, err := h.Store.RecordDelivery(r.Context(), d)
	if err != nil {
		h.Log.Error("record Twilio status", "msg_sid", sid, "err", err)
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	if !found {
		h.Log.Debug("status for a message Pamong did not send, ignored", "msg_sid", sid)
	}
	w.WriteHeader(http.StatusNoContent)
}

func writeTwiML(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(emptyTwiML))
}

// inboundFailed answers an inbound message the store could not take. A
// transient failure is 503, which every provider retries, and a retry
// will work. Anything else would fail the same way on every retry: it is
// logged as lost and true tells the caller to answer as if it had been
// taken, so the provider stops retrying.
func inboundFailed(w http.ResponseWriter, log *slog.Logger, err error, idKey, id string) (acknowledge bool) {
	if store.Transient(err) {
		log.Error("handle inbound SMS; the provider will retry", idKey, id, "err", err)
		http.Error(w, "temporarily unavailable, nothing was stored", http.StatusServiceUnavailable)
		return false
	}
	log.Error("inbound SMS refused by the database and dropped: a retry would fail the same way", idKey, id, "err", err)
	return true
}
