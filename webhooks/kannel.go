package webhooks

import (
	"crypto/subtle"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/clean"
	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/phone"
	"github.com/pamong-desa/pamong/store"
)

// Kannel handles the requests of a Kannel gateway's smsbox: inbound SMS
// (an sms-service's get-url, or post-url) and delivery reports (the
// dlr-url kannel.Sender puts on every message). Kannel cannot sign
// requests; both carry a shared secret in the query instead.
type Kannel struct {
	Store  Store
	Course *lessons.Course
	// Secret is KANNEL_SECRET; an empty secret refuses every request.
	Secret string
	Log    *slog.Logger
}

// Routes registers the Kannel endpoints on mux.
func (h *Kannel) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /webhooks/kannel/sms", bodyless(h.inbound))
	mux.HandleFunc("POST /webhooks/kannel/sms", h.inbound)
	mux.HandleFunc("GET /webhooks/kannel/dlr", bodyless(h.dlr))
}

// params reads the request's parameters: the query, and for a POST the
// form body, or, as smsbox's post-url sends it, the message itself as a
// text/plain body (then text and charset come from the body).
//
// A secret in the query is checked before the body is read: a forger
// cannot make Pamong read (or wait for) a body it will refuse.
func (h *Kannel) params(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	q := r.URL.Query()
	if r.Method == http.MethodGet || q.Has("secret") {
		if !h.secretOK(q.Get("secret")) {
			h.refuse(w, r)
			return nil, false
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	ct, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method == http.MethodPost && ct != "application/x-www-form-urlencoded" {
		p := r.URL.Query()
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return nil, false
		}
		p.Set("text", string(body))
		switch {
		case ct == "application/octet-stream":
			p.Set("coding", "1")
		case ctParams["charset"] != "":
			p.Set("charset", ctParams["charset"])
		}
		return p, true
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "malformed parameters", http.StatusBadRequest)
		return nil, false
	}
	return r.Form, true
}

// authorized compares the secret in constant time, so its value cannot be
// guessed a character at a time from response times.
func (h *Kannel) authorized(w http.ResponseWriter, r *http.Request, p url.Values) bool {
	if h.secretOK(p.Get("secret")) {
		return true
	}
	h.refuse(w, r)
	return false
}

func (h *Kannel) secretOK(secret string) bool {
	return h.Secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(h.Secret)) == 1
}

// refuse answers a request without the right secret, without reading
// the rest of its body.
func (h *Kannel) refuse(w http.ResponseWriter, r *http.Request) {
	h.Log.Warn("refused a Kannel request with a missing or wrong secret", "path", r.URL.Path)
	refuse(w, "missing or wrong secret", http.StatusForbidden)
}

// inbound takes one SMS from smsbox. The answer is 200 with an empty body:
// smsbox would send a non-empty body back to the phone as a reply (the
// sms-service also says max-messages = 0), and it retries anything but 200
// and 202. Replies go through the outbox.
func (h *Kannel) inbound(w http.ResponseWriter, r *http.Request) {
	p, ok := h.params(w, r)
	if !ok || !h.authorized(w, r, p) {
		return
	}
	id, from := clean.Text(p.Get("id")), p.Get("from")
	if id == "" || from == "" {
		http.Error(w, "id and from are required (kannel.conf: id=%I&from=%p)", http.StatusBadRequest)
		return
	}
	text, ok := kannelText(p.Get("text"), p.Get("coding"), p.Get("charset"))
	if !ok {
		h.Log.Info("ignored a binary SMS", "kannel_id", id)
		w.WriteHeader(http.StatusOK)
		return
	}
	number, err := phone.Normalize(from)
	if err != nil {
		// A short code or sender id (an operator's promotion): say
		// nothing, and do not make smsbox retry.
		h.Log.Debug("ignored an SMS from a sender that is not a phone number", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	res, err := h.Store.HandleInbound(r.Context(), store.Inbound{Channel: bot.SMS, Provider: "kannel", ProviderID: id, Phone: number, Text: text}, h.Course)
	if err != nil {
		if inboundFailed(w, h.Log, err, "kannel_id", id) {
			w.WriteHeader(http.StatusOK)
		}
		return
	}
	res.LogEvents(h.Log)
	if res.Duplicate {
		h.Log.Info("duplicate inbound SMS ignored", "kannel_id", id)
	}
	w.WriteHeader(http.StatusOK)
}

// kannelDLR maps Kannel's delivery report types to outbox statuses. 4
// (buffered at the SMSC) says nothing the row does not: ignored.
var kannelDLR = map[string]store.Delivery{
	"1":  {Status: "delivered"},
	"2":  {Status: "failed", Error: "kannel DLR 2: not delivered to the handset"},
	"8":  {Status: "sent"},
	"16": {Status: "failed", Error: "kannel DLR 16: rejected by the SMSC"},
}

// dlr takes a delivery report. Every answer but a refusal and a database
// failure is 200: smsbox retries anything else.
func (h *Kannel) dlr(w http.ResponseWriter, r *http.Request) {
	p, ok := h.params(w, r)
	if !ok || !h.authorized(w, r, p) {
		return
	}
	id, status := p.Get("id"), p.Get("status")
	if id == "" || status == "" {
		http.Error(w, "id and status are required", http.StatusBadRequest)
		return
	}
	// The id is the signed reference kannel.Sender put in the dlr-url:
	// the outbox id and the attempt it reports on. Outbox ids are
	// sequential, so a bare or wrongly signed one is refused: a request
	// that merely carries the secret cannot name a row by counting.
	ref, ok := dispatch.ParseRef(h.Secret, "kannel", id)
	if !ok {
		h.Log.Warn("refused a Kannel delivery report with an unsigned or wrongly signed id", "path", r.URL.Path)
		http.Error(w, "unsigned or wrongly signed id", http.StatusForbidden)
		return
	}
	d, known := kannelDLR[status]
	if !known {
		w.WriteHeader(http.StatusOK)
		return
	}
	d.Provider, d.ProviderID = "kannel", strconv.FormatInt(ref.ID, 10)
	// The report may overtake the answer to its own sendsms request, so
	// the row is found by its id directly.
	d.OutboxID, d.Attempt = ref.ID, ref.Attempt
	found, err := h.Store.RecordDelivery(r.Context(), d)
	if err != nil {
		h.Log.Error("record Kannel delivery report", "msg_id", ref.ID, "err", err)
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	if !found {
		h.Log.Debug("delivery report for a message Kannel was not given, ignored", "msg_id", ref.ID)
	}
	w.WriteHeader(http.StatusOK)
}

// kannelText decodes the text smsbox passes (%b: the message's bytes as
// Kannel holds them). A GSM-7 message is UTF-8 (Kannel converts from the
// GSM alphabet itself); a UCS-2 one is UTF-16BE (coding 2), unless smsbox's
// mo-recode already turned it into UTF-8, which charset then says. ok is
// false for binary messages (coding 1: ringtones, configuration). The
// text is cleaned (clean.Text) whatever the coding: UCS-2 can carry U+0000
// and lone surrogates, and a GSM-7 message's bytes are whatever smsbox
// was given.
func kannelText(raw, coding, charset string) (string, bool) {
	text, ok := decodeKannelText(raw, coding, charset)
	return clean.Text(text), ok
}

func decodeKannelText(raw, coding, charset string) (string, bool) {
	cs := strings.ToUpper(strings.Trim(charset, `"`))
	switch {
	case coding == "1" || cs == "8-BIT":
		return "", false
	case cs == "UTF-16BE" || cs == "UCS-2" || cs == "UCS2" || (coding == "2" && cs == ""):
		b := []byte(raw)
		u := make([]uint16, 0, len(b)/2)
		for i := 0; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		text := string(utf16.Decode(u))
		if len(b)%2 == 1 {
			// Half a character: say that something was lost rather
			// than drop it silently.
			text += "\uFFFD"
		}
		return text, true
	case cs == "ISO-8859-1" || cs == "LATIN1":
		r := make([]rune, 0, len(raw))
		for i := 0; i < len(raw); i++ {
			r = append(r, rune(raw[i]))
		}
		return string(r), true
	}
	return raw, true
}
