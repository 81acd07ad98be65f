package faketwilio

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Sign computes the X-Twilio-Signature Twilio sends with a POST to rawURL:
// HMAC-SHA1, keyed with the auth token, over the full URL followed by each
// parameter's name and value, parameters sorted by name (and a repeated
// name's distinct values sorted, as Twilio's own libraries do),
// base64-encoded.
//
// It is written from Twilio's description rather than taken from twilio-go,
// so that tests of our webhook (twilio.Validator) check it against a
// second implementation.
func Sign(authToken, rawURL string, params url.Values) string {
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
		for _, v := range slices.Compact(values) {
			mac.Write([]byte(name))
			mac.Write([]byte(v))
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// PostSigned posts params as a form to rawURL the way Twilio posts a
// webhook: signed with authToken in X-Twilio-Signature. A nil client means
// http.DefaultClient. The caller closes the response body.
func PostSigned(ctx context.Context, client *http.Client, authToken, rawURL string, params url.Values) (*http.Response, error) {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, strings.NewReader(params.Encode()))
	if err != nil {
		return nil, fmt.Errorf("build signed post to %s: %w", rawURL, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	req.Header.Set("X-Twilio-Signature", Sign(authToken, rawURL, params))
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("signed post to %s: %w", rawURL, err)
	}
	return resp, nil
}

// StatusParams are the fields Twilio posts to m's StatusCallback when m
// reaches status ("sent", "delivered", "undelivered", "failed", …);
// errorCode is Twilio's reason for a failure, 0 for none.
func (s *Server) StatusParams(m Sent, status string, errorCode int) url.Values {
	p := url.Values{
		"AccountSid":    {s.accountSID},
		"ApiVersion":    {"2010-04-01"},
		"MessageSid":    {m.SID},
		"MessageStatus": {status},
		"SmsSid":        {m.SID},
		"SmsStatus":     {status},
		"To":            {m.To},
	}
	if m.From != "" {
		p.Set("From", m.From)
	}
	if m.MessagingServiceSID != "" {
		p.Set("MessagingServiceSid", m.MessagingServiceSID)
	}
	if errorCode != 0 {
		p.Set("ErrorCode", strconv.Itoa(errorCode))
	}
	return p
}

// PostStatus sends m's StatusCallback the signed report Twilio would send
// when m reaches status. The caller closes the response body.
func (s *Server) PostStatus(ctx context.Context, client *http.Client, m Sent, status string, errorCode int) (*http.Response, error) {
	if m.StatusCallback == "" {
		return nil, errors.New("post status callback: message " + m.SID + " has no StatusCallback")
	}
	return PostSigned(ctx, client, s.authToken, m.StatusCallback, s.StatusParams(m, status, errorCode))
}
