package webhooks

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/store"
)

const kannelSecret = "s3cret-0123456789abcdef"

// kannelRequest reads a request smsbox made, saved in testdata, and puts
// the given secret in it.
func kannelRequest(t *testing.T, name, secret string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/kannel/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(strings.TrimSpace(string(b)), "SECRET", secret)
}

func TestKannelWebhooks(t *testing.T) {
	inbound := func(id, text string) *store.Inbound {
		return &store.Inbound{Channel: "sms", Provider: "kannel", ProviderID: id, Phone: "+6281299990001", Text: text}
	}
	tests := []struct {
		name      string
		method    string
		target    string // a request URI, or testdata/… for a saved one
		forge     bool   // put secret instead of the right one in a saved request
		secret    string
		body      string
		ctype     string
		storeErr  error
		wantCode  int
		wantIn    *store.Inbound
		wantDeliv *store.Delivery
	}{
		{name: "GSM-7 SMS", target: "testdata/sms_gsm7.url", wantCode: 200,
			wantIn: inbound("8b6766ba-ad19-4908-88c0-2acfa2594f89", "halo apa kabar")},
		{name: "UCS-2 SMS", target: "testdata/sms_ucs2.url", wantCode: 200,
			wantIn: inbound("562966ec-418c-407b-b9da-3723f7e58cce", "Halo € 😀")},
		{name: "UCS-2 SMS recoded by smsbox", target: "testdata/sms_ucs2_mo_recode.url", wantCode: 200,
			wantIn: inbound("8d571383-3ddb-4982-ba90-c772c0d09635", "Halo € 😀")},
		{name: "forged: no secret", target: "/webhooks/kannel/sms?id=x1&from=6281299990001&text=halo", wantCode: 403},
		{name: "forged: wrong secret", target: "testdata/sms_gsm7.url", forge: true, secret: "s3cret-0123456789abcdeX", wantCode: 403},
		{name: "forged: empty secret", target: "testdata/sms_gsm7.url", forge: true, secret: "", wantCode: 403},
		{name: "forged: secret as a prefix", target: "testdata/sms_gsm7.url", forge: true, secret: kannelSecret + "x", wantCode: 403},
		{name: "form POST", method: "POST", target: "/webhooks/kannel/sms",
			body: "secret=" + kannelSecret + "&id=k2&from=%2B6281299990001&text=Jawaban+B", ctype: "application/x-www-form-urlencoded",
			wantCode: 200, wantIn: inbound("k2", "Jawaban B")},
		{name: "post-url: text as the body", method: "POST", target: "/webhooks/kannel/sms?secret=" + kannelSecret + "&id=k3&from=081299990001",
			body: "\x00h\x00a\x00l\x00o", ctype: `text/plain; charset="UTF-16BE"`, wantCode: 200, wantIn: inbound("k3", "halo")},
		{name: "post-url without the secret", method: "POST", target: "/webhooks/kannel/sms?id=k3&from=081299990001",
			body: "halo", ctype: "text/plain", wantCode: 403},
		{name: "no id", target: "/webhooks/kannel/sms?secret=" + kannelSecret + "&from=6281299990001&text=halo", wantCode: 400},
		{name: "binary SMS ignored", target: "/webhooks/kannel/sms?secret=" + kannelSecret + "&id=k4&from=6281299990001&coding=1&text=%00%01", wantCode: 200},
		{name: "sender is not a phone", target: "/webhooks/kannel/sms?secret=" + kannelSecret + "&id=k5&from=TELKOMSEL&text=promo", wantCode: 200},
		{name: "database down", target: "testdata/sms_gsm7.url", storeErr: errors.New("connection refused"), wantCode: 503},
		{name: "refused for good by the database", target: "testdata/sms_gsm7.url", storeErr: &pq.Error{Code: "22001"}, wantCode: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := &fakeStore{err: tt.storeErr}
			h := &Kannel{Store: fs, Secret: kannelSecret, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			mux := http.NewServeMux()
			h.Routes(mux)
			target := tt.target
			if name, ok := strings.CutPrefix(target, "testdata/"); ok {
				secret := kannelSecret
				if tt.forge {
					secret = tt.secret
				}
				target = kannelRequest(t, name, secret)
			}
			method := tt.method
			if method == "" {
				method = "GET"
			}
			req := httptest.NewRequest(method, target, strings.NewReader(tt.body))
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != tt.wantCode {
				t.Fatalf("HTTP %d %q; want %d", rec.Code, rec.Body.String(), tt.wantCode)
			}
			if rec.Code == 200 && rec.Body.Len() != 0 {
				// smsbox would send a body back to the phone.
				t.Errorf("body %q; want none", rec.Body.String())
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

func TestKannelWithoutSecretRefusesAll(t *testing.T) {
	fs := &fakeStore{}
	h := &Kannel{Store: fs, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	h.Routes(mux)
	for _, target := range []string{"/webhooks/kannel/sms?secret=&id=1&from=6281299990001&text=halo", "/webhooks/kannel/dlr?secret=&id=1&status=1"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		if rec.Code != 403 {
			t.Errorf("%s: HTTP %d; want 403", target, rec.Code)
		}
	}
	if len(fs.inbound)+len(fs.deliveries) > 0 {
		t.Error("something was stored")
	}
}
