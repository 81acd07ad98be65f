// Package kannel sends SMS through a Kannel gateway's sendsms interface.
// Kannel (bearerbox and smsbox) speaks SMPP, EMI or AT to the operators or
// modems; unlike Twilio it also receives SMS in Indonesia, which reach
// Pamong through webhooks.Kannel. Callers see a dispatch.Sender and
// dispatch's classified errors.
package kannel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/gsm7"
	"github.com/pamong-desa/pamong/phone"
)

var _ dispatch.Sender = (*Sender)(nil)

// DLRMask asks Kannel for every delivery report: 1 delivered to the
// handset, 2 not delivered to the handset, 4 buffered at the SMSC, 8
// accepted by the SMSC, 16 rejected by the SMSC.
const DLRMask = 31

// Sender hands SMS to Kannel. It is safe for concurrent use.
type Sender struct {
	cfg    Config
	base   *url.URL
	extra  url.Values // parameters already in KANNEL_SENDSMS_URL
	client *http.Client
}

// New checks c and builds a Sender; it does not contact Kannel.
func New(c Config) (*Sender, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("configure kannel: %w", err)
	}
	base, err := url.Parse(c.SendSMSURL)
	if err != nil { // Validate has parsed it already.
		return nil, fmt.Errorf("configure kannel: parse KANNEL_SENDSMS_URL: %w", err)
	}
	extra := base.Query()
	base.RawQuery = ""
	timeout := c.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	return &Sender{cfg: c, base: base, extra: extra, client: &http.Client{
		Timeout: timeout,
		// sendsms never redirects; following one would send the
		// credentials elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

// Name is the route recorded on outbox rows; delivery reports find their
// row by the signed outbox id and attempt in the dlr-url.
func (s *Sender) Name() string { return "kannel" }

// Send asks Kannel to send m as one GSM-7 SMS. Kannel gives no message id
// of its own, so the provider id is the outbox id, which the dlr-url
// carries back, signed together with the attempt.
//
// Kannel's answers: "0: Accepted for delivery" and "3: Queued for later
// delivery" are both accepted. 3 means no SMSC connection is up right now;
// bearerbox keeps the message (in its store file, across restarts) and
// sends it when the connection returns, so sending it again would only
// deliver it twice. 403 (wrong sendsms-user credentials or a refused IP) is
// the gateway's configuration, not the message: retried, like Twilio's
// 401, so a password fixed within the retry window loses nothing. Any other
// 4xx (no receiver, a number on a black list) is permanent. 5xx and failures
// to reach smsbox at all (bearerbox or smsbox down, timeouts) are retried.
func (s *Sender) Send(ctx context.Context, m dispatch.Message) (string, error) {
	doing := fmt.Sprintf("send message %d via kannel", m.ID)
	to, ok := strings.CutPrefix(m.To, "+")
	if !ok || to == "" || strings.Trim(to, "0123456789") != "" {
		return "", dispatch.Permanent("", fmt.Errorf("%s: recipient is not an E.164 number", doing))
	}
	text, err := oneSegment(m.Text)
	if err != nil {
		return "", dispatch.Permanent("", fmt.Errorf("%s: %w", doing, err))
	}
	id := strconv.FormatInt(m.ID, 10)
	q := url.Values{}
	for k, v := range s.extra {
		q[k] = v
	}
	q.Set("username", s.cfg.Username)
	q.Set("password", s.cfg.Password)
	q.Set("from", s.cfg.From)
	// E.164 without the +: the international form SMSCs in Indonesia
	// expect (with dest-addr-ton = 1 on an SMPP link).
	q.Set("to", to)
	q.Set("text", text)
	// GSM 03.38 7-bit. The text is sent as UTF-8 and Kannel's SMSC driver
	// packs it into the GSM alphabet, which holds every character of it.
	q.Set("coding", "0")
	q.Set("charset", "UTF-8")
	q.Set("dlr-mask", strconv.Itoa(DLRMask))
	q.Set("dlr-url", s.dlrURL(dispatch.SignRef(s.cfg.Secret, s.Name(), dispatch.Ref{ID: m.ID, Attempt: m.Attempt})))
	u := *s.base
	u.RawQuery = q.Encode()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", dispatch.Permanent("", fmt.Errorf("%s: %w", doing, err))
	}
	resp, err := s.client.Do(req)
	if err != nil {
		// The URL holds the password: report what failed, not where.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", dispatch.Retryable("", fmt.Errorf("%s: smsbox unreachable: %w", doing, err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	answer := phone.MaskDigits(strings.TrimSpace(string(body)))
	if err := classify(doing, resp.StatusCode, answer); err != nil {
		return "", err
	}
	return id, nil
}

// dlrURL is where Kannel reports on the message ref names (a signed
// dispatch.Ref: the webhook refuses a report whose id it did not sign). %d
// is Kannel's escape code for the report type; the reference and the
// secret are URL-safe (SignRef, Validate), so Kannel's own escape codes
// cannot touch them.
func (s *Sender) dlrURL(ref string) string {
	return s.cfg.DLRURL + "?id=" + ref + "&status=%d&secret=" + url.QueryEscape(s.cfg.Secret)
}

// classify reads smsbox's answer; nil means Kannel took the message.
func classify(doing string, status int, answer string) error {
	code := strconv.Itoa(status)
	err := fmt.Errorf("%s: kannel answered HTTP %d: %q", doing, status, answer)
	switch {
	case status/100 == 2:
		// "Sent." is what Kannel before 1.4 answered.
		if strings.HasPrefix(answer, "0:") || strings.HasPrefix(answer, "3:") || answer == "Sent." {
			return nil
		}
		// A 2xx that is not smsbox's answer (a proxy?): nothing says the
		// message was taken.
		return dispatch.Retryable(code, err)
	case status == http.StatusForbidden, status == http.StatusTooManyRequests, status == http.StatusRequestTimeout, status >= 500:
		return dispatch.Retryable(code, err)
	case status >= 400:
		return dispatch.Permanent(code, err)
	default:
		return dispatch.Retryable(code, err)
	}
}

// oneSegment returns text as one GSM-7 SMS: the engine renders every SMS
// that way already; a text that slipped through is transliterated, and one
// that still does not fit is refused rather than sent as UCS-2 or cut.
func oneSegment(text string) (string, error) {
	if n, ok := gsm7.Septets(text); ok && n <= gsm7.MaxSeptets && n > 0 {
		return text, nil
	}
	t := gsm7.Transliterate(text)
	n, ok := gsm7.Septets(t)
	switch {
	case n == 0:
		return "", errors.New("empty text")
	case !ok || n > gsm7.MaxSeptets:
		return "", fmt.Errorf("text needs %d septets; one GSM-7 SMS holds %d", n, gsm7.MaxSeptets)
	}
	return t, nil
}
