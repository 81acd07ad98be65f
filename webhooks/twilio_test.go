package webhooks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/internal/faketwilio"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
	"github.com/pamong-desa/pamong/twilio"
)

// fakeStore records what the handlers ask of the database.
type fakeStore struct {
	inbound    []store.Inbound
	deliveries []store.Delivery
	err        error
}

func (f *fakeStore) HandleInbound(_ context.Context, in store.Inbound, _ *lessons.Course) (store.Handled, error) {
	if f.err != nil {
		return store.Handled{}, f.err
	}
	f.inbound = append(f.inbound, in)
	return store.Handled{}, nil
}

func (f *fakeStore) RecordDelivery(_ context.Context, d store.Delivery) (bool, error) {
	if f.err != nil {
		return false, f.err
	}
	f.deliveries = append(f.deliveries, d)
	return d.ProviderID != "SMunknown", nil
}

const (
	token  = "secret-token"
	public = "https://pamong.example.go.id"
)

func TestTwilioWebhooks(t *testing.T) {
	inbound := url.Values{"MessageSid": {"SM1"}, "From": {"+6281234567890"}, "To": {"+15005550006"}, "Body": {"Jawaban B"}}
	tests := []struct {
		name      string
		path      string
		params    url.Values
		sign      func(path string, p url.Values) string
		storeErr  error
		wantCode  int
		wantBody  string
		wantIn    *store.Inbound
		wantDeliv *store.Delivery
	}{
		{name: "inbound", path: "/webhooks/twilio/sms", params: inbound, wantCode: 200, wantBody: "<Response/>",
			wantIn: &store.Inbound{Channel: "sms", Provider: "twilio", ProviderID: "SM1", Phone: "+6281234567890", Text: "Jawaban B"}},
		{name: "missing signature", path: "/webhooks/twilio/sms", params: inbound, sign: func(string, url.Values) string { return "" }, wantCode: 403},
		{name: "wrong token", path: "/webhooks/twilio/sms", params: inbound,
			sign: func(path string, p url.Values) string { return faketwilio.Sign("other", public+path, p) }, wantCode: 403},
		{name: "body changed after signing", path: "/webhooks/twilio/sms", params: inbound,
			sign: func(path string, p url.Values) string {
				q := url.Values{}
				for k, v := range p {
					q[k] = v
				}
				q.Set("Body", "A")
				return faketwilio.Sign(token, public+path, q)
			}, wantCode: 403},
		{name: "signed for another URL", path: "/webhooks/twilio/sms", params: inbound,
			sign: func(path string, p url.Values) string { return faketwilio.Sign(token, "https://evil.example"+path, p) }, wantCode: 403},
		// Twilio signs every value of a repeated name; a signature over one
		// value per name (twilio-go's map) must not let a second one in.
		{name: "repeated field, every value signed", path: "/webhooks/twilio/sms", params: withValues(inbound, "Tag", "a", "b"), wantCode: 200,
			wantIn: &store.Inbound{Channel: "sms", Provider: "twilio", ProviderID: "SM1", Phone: "+6281234567890", Text: "Jawaban B"}},
		{name: "repeated field, only its first value signed", path: "/webhooks/twilio/sms", params: withValues(inbound, "Tag", "a", "b"),
			sign: func(path string, p url.Values) string {
				return faketwilio.Sign(token, public+path, withValues(p, "Tag", "a"))
			}, wantCode: 403},
		{name: "status with a value nobody signed", path: "/webhooks/twilio/status",
			params: url.Values{"MessageSid": {"SM9"}, "MessageStatus": {"delivered", "failed"}},
			sign: func(path string, p url.Values) string {
				return faketwilio.Sign(token, public+path, withValues(p, "MessageStatus", "delivered"))
			}, wantCode: 403},
		{name: "a field the handler reads, given twice and signed", path: "/webhooks/twilio/sms", params: withValues(inbound, "Body", "A", "B"),
			wantCode: 400, wantBody: "form field Body is given more than once"},
		{name: "no MessageSid", path: "/webhooks/twilio/sms", params: url.Values{"From": {"+6281234567890"}, "Body": {"halo"}}, wantCode: 400},
		{name: "database down", path: "/webhooks/twilio/sms", params: inbound, storeErr: errors.New("connection refused"), wantCode: 503},
		// 503 means "try again, it will work": a message the database
		// refuses for what it holds would be refused on every retry.
		{name: "refused for good by the database", path: "/webhooks/twilio/sms", params: inbound,
			storeErr: fmt.Errorf("insert inbound: %w", &pq.Error{Code: "22001"}), wantCode: 200, wantBody: "<Response/>"},
		{name: "opt back in at Twilio", path: "/webhooks/twilio/sms",
			params:   url.Values{"MessageSid": {"SM2"}, "From": {"+6281234567890"}, "Body": {"YES"}, "OptOutType": {"START"}},
			wantCode: 200, wantIn: &store.Inbound{Channel: "sms", Provider: "twilio", ProviderID: "SM2", Phone: "+6281234567890", Text: "MULAI"}},
		{name: "Twilio's opt-out keyword", path: "/webhooks/twilio/sms",
			params:   url.Values{"MessageSid": {"SM4"}, "From": {"+6281234567890"}, "Body": {"unsubscribe"}},
			wantCode: 200, wantIn: &store.Inbound{Channel: "sms", Provider: "twilio", ProviderID: "SM4", Phone: "+6281234567890", Text: "BERHENTI"}},
		{name: "sender is not a phone", path: "/webhooks/twilio/sms",
			params: url.Values{"MessageSid": {"SM3"}, "From": {"TELKOMSEL"}, "Body": {"promo"}}, wantCode: 200},
		{name: "delivered", path: "/webhooks/twilio/status", params: url.Values{"MessageSid": {"SM9"}, "MessageStatus": {"delivered"}},
			wantCode: 204, wantDeliv: &store.Delivery{Provider: "twilio", ProviderID: "SM9", Status: "delivered"}},
		{name: "undelivered with code", path: "/webhooks/twilio/status",
			params:   url.Values{"MessageSid": {"SM9"}, "MessageStatus": {"undelivered"}, "ErrorCode": {"30003"}},
			wantCode: 204, wantDeliv: &store.Delivery{Provider: "twilio", ProviderID: "SM9", Status: "failed", Error: "twilio error 30003"}},
		{name: "failed because unsubscribed", path: "/webhooks/twilio/status",
			params:   url.Values{"MessageSid": {"SM9"}, "MessageStatus": {"failed"}, "ErrorCode": {"21610"}},
			wantCode: 204, wantDeliv: &store.Delivery{Provider: "twilio", ProviderID: "SM9", Status: "failed", Error: "twilio error 21610", OptedOut: true}},
		{name: "queued is implied", path: "/webhooks/twilio/status", params: url.Values{"MessageSid": {"SM9"}, "MessageStatus": {"queued"}}, wantCode: 204},
		{name: "unknown sid acknowledged", path: "/webhooks/twilio/status", params: url.Values{"MessageSid": {"SMunknown"}, "MessageStatus": {"delivered"}},
			wantCode: 204, wantDeliv: &store.Delivery{Provider: "twilio", ProviderID: "SMunknown", Status: "delivered"}},
		{name: "status unsigned", path: "/webhooks/twilio/status", params: url.Values{"MessageSid": {"SM9"}, "MessageStatus": {"delivered"}},
			sign: func(string, url.Values) string { return "" }, wantCode: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := &fakeStore{err: tt.storeErr}
			h := &Twilio{Store: fs, Validator: twilio.NewValidator(token), PublicURL: public, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			mux := http.NewServeMux()
			h.Routes(mux)
			sig := faketwilio.Sign(token, public+tt.path, tt.params)
			if tt.sign != nil {
				sig = tt.sign(tt.path, tt.params)
			}
			req := httptest.NewRequest("POST", tt.path, strings.NewReader(tt.params.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if sig != "" {
				req.Header.Set("X-Twilio-Signature", sig)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != tt.wantCode || !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Fatalf("HTTP %d %q; want %d %q", rec.Code, rec.Body.String(), tt.wantCode, tt.wantBody)
			}
			if tt.wantCode == 200 && tt.wantBody != "" && rec.Header().Get("Content-Type") != "text/xml" {
				t.Errorf("content type %q", rec.Header().Get("Content-Type"))
			}
			switch {
			case tt.wantIn != nil && (len(fs.inbound) != 1 || fs.inbound[0] != *tt.wantIn):
				t.Errorf("stored %+v; want %+v", fs.inbound, *tt.wantIn)
			case tt.wantIn == nil && len(fs.inbound) > 0:
				t.Errorf("stored %+v; want nothing", fs.inbound)
			case tt.wantDeliv != nil && (len(fs.deliveries) != 1 || fs.deliveries[0] != *tt.wantDeliv):
				t.Errorf("recorded %+v; want %+v", fs.deliveries, *tt.wantDeliv)
			case tt.wantDeliv == nil && len(fs.deliveries) > 0:
				t.Errorf("recorded %+v; want nothing", fs.deliveries)
			}
		})
	}
}

// withValues is a copy of p with name set to values.
func withValues(p url.Values, name string, values ...string) url.Values {
	q := url.Values{}
	for k, v := range p {
		q[k] = v
	}
	q[name] = values
	return q
}

// A refusal says in the log why: a wrong signature, or one that leaves a
// repeated field's values uncovered (which fields, at most ten).
func TestTwilioRefusalLogSaysWhy(t *testing.T) {
	inbound := url.Values{"MessageSid": {"SM1"}, "From": {"+6281234567890"}, "Body": {"halo"}}
	tests := []struct {
		name   string
		params url.Values
		signed url.Values
		want   string
	}{
		{"wrong signature", inbound, withValues(inbound, "Body", "hai"), `msg="refused a Twilio webhook with a wrong signature"`},
		{"repeated field not covered", withValues(inbound, "Tag", "a", "b"), withValues(inbound, "Tag", "a"),
			`msg="refused a Twilio webhook whose signature does not cover every value of its repeated form fields" path=/webhooks/twilio/sms repeated=[Tag]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs strings.Builder
			h := &Twilio{Store: &fakeStore{}, Validator: twilio.NewValidator(token), PublicURL: public, Log: slog.New(slog.NewTextHandler(&logs, nil))}
			mux := http.NewServeMux()
			h.Routes(mux)
			req := httptest.NewRequest("POST", "/webhooks/twilio/sms", strings.NewReader(tt.params.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", faketwilio.Sign(token, public+"/webhooks/twilio/sms", tt.signed))
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != http.StatusForbidden || !strings.Contains(logs.String(), tt.want) {
				t.Fatalf("HTTP %d, log %s; want 403 and %s", rec.Code, logs.String(), tt.want)
			}
		})
	}
}
