package faketwilio_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/twilio/twilio-go/client"

	"github.com/pamong-desa/pamong/internal/faketwilio"
)

func values(m map[string]string) url.Values {
	v := url.Values{}
	for k, s := range m {
		v.Set(k, s)
	}
	return v
}

// Known vectors: Twilio's documented example and the one in twilio-go's own
// tests. twilio-go's validator confirms each, so none is taken on trust.
func TestSignKnownVectors(t *testing.T) {
	const docToken, docURL = "12345", "https://mycompany.com/myapp.php?foo=1&bar=2"
	tests := []struct {
		name   string
		params map[string]string
		want   string
	}{
		{"twilio docs", map[string]string{
			"CallSid": "CA1234567890ABCDE", "Caller": "+14158675310", "Digits": "1234", "From": "+14158675310", "To": "+18005551212",
		}, "GvWf1cFY/Q7PnoempGyD5oXAezc="},
		{"twilio-go tests", map[string]string{
			"Digits": "1234", "CallSid": "CA1234567890ABCDE", "To": "+18005551212", "Caller": "+14158675309", "From": "+14158675309",
			"ReasonConferenceEnded": "test", "Reason": "Participant",
		}, "vOEb5UThFn24KEfnOFLQY2AE5FY="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := client.NewRequestValidator(docToken)
			if !v.Validate(docURL, tt.params, tt.want) {
				t.Fatalf("twilio-go does not accept the known signature %s", tt.want)
			}
			if got := faketwilio.Sign(docToken, docURL, values(tt.params)); got != tt.want {
				t.Errorf("Sign = %s, want %s", got, tt.want)
			}
		})
	}
}

// A repeated name, which twilio-go cannot check: the vector was computed
// with Python's hmac module over the URL followed by "Body" "halo" "From"
// "+6281234567890" "Tag" "a" "Tag" "b" "To" "+15005550006", the string
// twilio-node and twilio-python build (a repeated name's distinct values
// sorted).
func TestSignRepeatedName(t *testing.T) {
	const docToken, docURL, want = "12345", "https://mycompany.com/myapp.php?foo=1&bar=2", "tgnkpgDkNTqJLxn8KmmFl94XRZY="
	for _, tags := range [][]string{{"a", "b"}, {"b", "a"}, {"b", "a", "b"}} {
		p := url.Values{"Body": {"halo"}, "From": {"+6281234567890"}, "Tag": tags, "To": {"+15005550006"}}
		if got := faketwilio.Sign(docToken, docURL, p); got != want {
			t.Errorf("Sign with Tag=%q = %s, want %s", tags, got, want)
		}
	}
}

func TestSignAgreesWithTwilioGo(t *testing.T) {
	tests := []struct {
		name   string
		token  string
		url    string
		params map[string]string
	}{
		{"status callback", token, "https://pamong.example.go.id/webhooks/twilio/status", map[string]string{
			"MessageSid": "SM0123456789abcdef0123456789abcdef", "MessageStatus": "delivered", "To": "+6281234567890", "AccountSid": sid,
		}},
		{"no params", token, "https://pamong.example.go.id/webhooks/twilio/status", nil},
		{"port and query", token, "http://127.0.0.1:8080/webhooks/twilio/status?route=sms&x=%20y", map[string]string{"SmsStatus": "failed", "ErrorCode": "30003"}},
		{"case and unicode", "abc", "https://example.go.id/in", map[string]string{"body": "selamat", "Body": "Selamat pagi, Bu Kades — ✓", "a": "", "Z": "z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig := faketwilio.Sign(tt.token, tt.url, values(tt.params))
			v := client.NewRequestValidator(tt.token)
			if !v.Validate(tt.url, tt.params, sig) {
				t.Errorf("twilio-go rejects Sign's %s", sig)
			}
			if v.Validate(tt.url+"x", tt.params, sig) {
				t.Errorf("twilio-go accepts Sign's %s for another URL", sig)
			}
		})
	}
}

func TestPostStatusIsSigned(t *testing.T) {
	type seen struct {
		ok          bool
		contentType string
		form        url.Values
	}
	got := make(chan seen, 1)
	var hook *httptest.Server
	hook = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		v := client.NewRequestValidator(token)
		form, _ := url.ParseQuery(string(body))
		got <- seen{
			ok:          v.ValidateBody(hook.URL+r.URL.RequestURI(), body, r.Header.Get("X-Twilio-Signature")),
			contentType: r.Header.Get("Content-Type"),
			form:        form,
		}
	}))
	defer hook.Close()

	s := faketwilio.New(t, sid, token)
	m := faketwilio.Sent{SID: "SM0123456789abcdef0123456789abcdef", To: "+6281234567890", From: "PAMONG", StatusCallback: hook.URL + "/webhooks/twilio/status?route=sms"}
	resp, err := s.PostStatus(context.Background(), nil, m, "undelivered", 30003)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	g := <-got
	if !g.ok {
		t.Error("twilio-go rejects the callback's signature")
	}
	if g.contentType != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", g.contentType)
	}
	want := map[string]string{"MessageSid": m.SID, "SmsSid": m.SID, "MessageStatus": "undelivered", "SmsStatus": "undelivered", "To": m.To, "From": "PAMONG", "AccountSid": sid, "ErrorCode": "30003", "ApiVersion": "2010-04-01"}
	for k, w := range want {
		if g.form.Get(k) != w {
			t.Errorf("callback field %s = %q, want %q", k, g.form.Get(k), w)
		}
	}

	if _, err := s.PostStatus(context.Background(), nil, faketwilio.Sent{SID: m.SID}, "sent", 0); err == nil {
		t.Error("PostStatus without a StatusCallback succeeded")
	}
}
