// Package twilio sends SMS through Twilio's Messages API. It is the only
// package that imports twilio-go: callers see a dispatch.Sender and
// dispatch's classified errors.
package twilio

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/pamong-desa/pamong/dispatch"
)

var _ dispatch.Sender = (*Sender)(nil)

// Sender hands SMS to Twilio. It is safe for concurrent use.
type Sender struct {
	cfg       Config
	creds     *client.Credentials
	timeout   time.Duration
	transport http.RoundTripper
}

// New checks c and builds a Sender; it does not contact Twilio.
func New(c Config) (*Sender, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("configure twilio: %w", err)
	}
	var apiURL *url.URL
	if c.APIURL != "" {
		u, err := url.Parse(c.APIURL)
		if err != nil { // Validate has parsed it already.
			return nil, fmt.Errorf("configure twilio: parse TWILIO_API_URL: %w", err)
		}
		apiURL = u
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	return &Sender{
		cfg:       c,
		creds:     client.NewCredentials(c.AccountSID, c.AuthToken),
		timeout:   timeout,
		transport: newTransport(apiURL),
	}, nil
}

// providerName is the route recorded on outbox rows for Twilio.
const providerName = "twilio"

// Name is the route recorded on outbox rows; status callbacks from Twilio
// find their row by ("twilio", MessageSid), or by the signed outbox
// reference in the callback URL before the MessageSid is recorded.
func (s *Sender) Name() string { return providerName }

// Send asks Twilio to send m as an SMS and returns its MessageSid. Failures
// are classified for the dispatcher: see classify.
func (s *Sender) Send(ctx context.Context, m dispatch.Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("send message %d via twilio: %w", m.ID, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	rt := &callTransport{ctx: ctx, next: s.transport}
	defer rt.release()

	params := &openapi.CreateMessageParams{}
	params.SetTo(m.To).SetBody(m.Text)
	if s.cfg.From != "" {
		params.SetFrom(s.cfg.From)
	} else {
		params.SetMessagingServiceSid(s.cfg.MessagingServiceSID)
	}
	if s.cfg.StatusCallback != "" {
		// The outbox id and attempt ride along, signed, so that a
		// callback overtaking the record of this send still finds its row,
		// and only this attempt's callback can move it.
		ref := dispatch.SignRef(s.cfg.AuthToken, providerName, dispatch.Ref{ID: m.ID, Attempt: m.Attempt})
		params.SetStatusCallback(withOutboxRef(s.cfg.StatusCallback, ref))
	}

	msg, err := s.api(rt).CreateMessage(params)
	if err != nil {
		return "", classify(fmt.Sprintf("send message %d via twilio", m.ID), err, rt.status())
	}
	if msg.Sid == nil || *msg.Sid == "" {
		// Without a sid no delivery report can find the row; a proxy
		// answering 2xx for Twilio is the likely cause.
		return "", fmt.Errorf("send message %d via twilio: HTTP %d without a message sid", m.ID, rt.status())
	}
	return *msg.Sid, nil
}

// api builds the Messages API client for one call. twilio-go's calls take no
// context, so the context travels in the call's own http.Client; the pool
// (s.transport) is shared. The service is built directly rather than through
// twilio.NewRestClientWithParams, which builds some sixty services per call
// and reads TWILIO_EDGE/TWILIO_REGION from the environment: those would move
// requests to another host, past the APIURL rewrite.
func (s *Sender) api(rt *callTransport) *openapi.ApiService {
	c := &client.Client{
		Credentials: s.creds,
		HTTPClient:  &http.Client{Transport: rt, CheckRedirect: noRedirect},
	}
	c.SetAccountSid(s.cfg.AccountSID)
	return openapi.NewApiService(&client.RequestHandler{Client: c})
}

// withOutboxRef adds id=<signed outbox reference> to a callback URL.
func withOutboxRef(callback string, ref string) string {
	u, err := url.Parse(callback)
	if err != nil {
		return callback
	}
	q := u.Query()
	q.Set("id", ref)
	u.RawQuery = q.Encode()
	return u.String()
}
