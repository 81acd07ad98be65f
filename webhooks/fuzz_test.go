package webhooks

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pamong-desa/pamong/internal/faketwilio"
	"github.com/pamong-desa/pamong/twilio"
)

// The fuzz targets run their seeds in every plain `go test`; explore with
// e.g. `go test ./webhooks -run '^$' -fuzz FuzzTwilioForm -fuzztime 1m`.
// One minute each (2026-11-30, a loaded 2-core machine): FuzzTwilioForm
// 215k execs, FuzzTwilioSignature 232k, FuzzKannelText 223k,
// FuzzKannelRequest 258k; nothing found. Before clean.Text, the seeds
// with NUL and invalid UTF-8 already failed.

// storable is what every text handed to the store must be.
func storable(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		t.Fatalf("%s %q would be refused by PostgreSQL", what, s)
	}
}

func fuzzTwilio() (*Twilio, *fakeStore, *http.ServeMux) {
	fs := &fakeStore{}
	h := &Twilio{Store: fs, Validator: twilio.NewValidator(token), PublicURL: public, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	h.Routes(mux)
	return h, fs, mux
}

// FuzzTwilioForm posts any body, correctly signed when it parses as a
// form: the signature check must agree with Twilio's algorithm (a second
// implementation, faketwilio.Sign) on every form, the handler must never
// panic or answer anything but 200, 400 or 403, and what it stores must be
// storable.
func FuzzTwilioForm(f *testing.F) {
	for _, seed := range []string{
		"MessageSid=SM1&From=%2B6281234567890&To=%2B15005550006&Body=Jawaban+B",
		"MessageSid=SM2&From=%2B6281234567890&Body=a%00b",
		"MessageSid=SM3&From=%2B6281234567890&Body=%FF%FE%E9t%E9%ED%A0%80",
		"MessageSid=SM4&From=TELKOMSEL&Body=promo",
		"MessageSid=SM5&From=%2B6281234567890&Body=YES&OptOutType=START",
		"MessageSid=&From=",
		"%zz",
		"Body=" + strings.Repeat("x", 2000),
		"MessageSid=SM6&From=%2B6281234567890&Body=%F0%9F%98%80+%E2%82%AC",
		"MessageSid=SM7&From=%2B6281234567890&Body=halo&Tag=b&Tag=a&Tag=b",
		"MessageSid=SM8&From=%2B6281234567890&Body=a&Body=b",
	} {
		f.Add([]byte(seed), true)
		f.Add([]byte(seed), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, sign bool) {
		_, fs, mux := fuzzTwilio()
		req := httptest.NewRequest("POST", "/webhooks/twilio/sms", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		params, perr := url.ParseQuery(string(body))
		signed := sign && perr == nil
		if signed {
			req.Header.Set("X-Twilio-Signature", faketwilio.Sign(token, public+"/webhooks/twilio/sms", params))
		} else {
			req.Header.Set("X-Twilio-Signature", faketwilio.Sign("not-the-token", public+"/webhooks/twilio/sms", params))
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusForbidden:
		default:
			t.Fatalf("HTTP %d %q", rec.Code, rec.Body.String())
		}
		if signed && rec.Code == http.StatusForbidden {
			t.Fatalf("a correctly signed form was refused: %q", body)
		}
		if !signed && rec.Code != http.StatusForbidden && rec.Code != http.StatusBadRequest {
			t.Fatalf("a form signed with another token got HTTP %d", rec.Code)
		}
		for _, in := range fs.inbound {
			storable(t, "text", in.Text)
			storable(t, "provider id", in.ProviderID)
		}
	})
}

// FuzzTwilioSignature checks any signature header against any form: only
// the right one passes, and nothing panics on odd base64.
func FuzzTwilioSignature(f *testing.F) {
	f.Add("MessageSid=SM1&From=%2B6281234567890&Body=halo", "")
	f.Add("MessageSid=SM1&From=%2B6281234567890&Body=halo", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	f.Add("MessageSid=SM1&From=%2B6281234567890&Body=halo", "not base64 at all")
	f.Add("MessageSid=SM1&From=%2B6281234567890&Body=halo", "=====")
	f.Add("", "AAAA")
	f.Fuzz(func(t *testing.T, body, sig string) {
		_, fs, mux := fuzzTwilio()
		req := httptest.NewRequest("POST", "/webhooks/twilio/sms", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", sig)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		params, err := url.ParseQuery(body)
		right := err == nil && sig == faketwilio.Sign(token, public+"/webhooks/twilio/sms", params)
		if !right && (rec.Code != http.StatusForbidden && rec.Code != http.StatusBadRequest) {
			t.Fatalf("signature %q accepted for %q: HTTP %d", sig, body, rec.Code)
		}
		if !right && len(fs.inbound) > 0 {
			t.Fatalf("stored a forged message: %+v", fs.inbound)
		}
	})
}

// FuzzKannelText decodes any bytes in any of smsbox's codings: the result
// is storable, binary messages are refused, and a UCS-2 text has at most
// one character per two bytes (plus one for an odd byte at the end).
func FuzzKannelText(f *testing.F) {
	for _, seed := range []struct {
		raw             []byte
		coding, charset string
	}{
		{[]byte("halo apa kabar"), "0", ""},
		{[]byte("a\x00b"), "", ""},
		{[]byte("\x00H\x00a\x00l\x00o\x00 \x20\xac\x00 \xd8\x3d\xde\x00"), "2", "UTF-16BE"},
		{[]byte("\x00a\x00\x00\x00b"), "2", ""},
		{[]byte("\x00a\xd8\x3d\x00b"), "2", "UCS-2"},
		{[]byte("\x00a\x00"), "2", ""},
		{[]byte("Halo \xe2\x82\xac \xf0\x9f\x98\x80"), "2", "UTF-8"},
		{[]byte("caf\xe9"), "0", "ISO-8859-1"},
		{[]byte("\x00\x01\x02"), "1", ""},
		{[]byte("\xff\xfe"), "", `"utf-8"`},
	} {
		f.Add(seed.raw, seed.coding, seed.charset)
	}
	f.Fuzz(func(t *testing.T, raw []byte, coding, charset string) {
		text, ok := kannelText(string(raw), coding, charset)
		storable(t, "text", text)
		if coding == "1" && ok {
			t.Fatal("a binary message was taken as text")
		}
		cs := strings.ToUpper(strings.Trim(charset, `"`))
		if ok && coding == "2" && cs == "" {
			if n := utf8.RuneCountInString(text); n > (len(raw)+1)/2 {
				t.Fatalf("%d characters from %d UCS-2 bytes", n, len(raw))
			}
			if len(raw)%2 == 1 && !strings.HasSuffix(text, "\uFFFD") {
				t.Fatalf("an odd byte count lost its last byte silently: %q", text)
			}
		}
	})
}

// FuzzKannelRequest sends any query to the inbound endpoint, with and
// without the right secret: never a panic, only 200, 400 or 403, nothing
// stored without the secret, and only storable text with it.
func FuzzKannelRequest(f *testing.F) {
	entries, _ := filepath.Glob("testdata/kannel/sms_*.url")
	for _, e := range entries {
		b, err := os.ReadFile(e)
		if err != nil {
			f.Fatal(err)
		}
		_, q, _ := strings.Cut(strings.TrimSpace(string(b)), "?")
		f.Add(strings.ReplaceAll(q, "secret=SECRET&", ""), true)
	}
	f.Add("id=k1&from=6281299990001&text=a%00b", true)
	f.Add("id=k1&from=6281299990001&coding=2&text=%00a%00", true)
	f.Add("id=k%ff&from=6281299990001&text=%ff", true)
	f.Add("id=k1&from=6281299990001&text=halo", false)
	f.Add("%zz&id=1", true)
	f.Fuzz(func(t *testing.T, query string, withSecret bool) {
		fs := &fakeStore{}
		h := &Kannel{Store: fs, Secret: kannelSecret, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		mux := http.NewServeMux()
		h.Routes(mux)
		target := "/webhooks/kannel/sms?" + query
		if withSecret {
			target = "/webhooks/kannel/sms?secret=" + kannelSecret + "&" + query
		}
		u, err := url.Parse(target)
		if err != nil || u.RawQuery == "" && query != "" {
			t.Skip("not a request line an HTTP client could send")
		}
		req := &http.Request{Method: "GET", URL: u, Header: http.Header{}, Body: http.NoBody, Host: "pamong.example"}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusForbidden:
		default:
			t.Fatalf("HTTP %d %q", rec.Code, rec.Body.String())
		}
		if !withSecret && len(fs.inbound) > 0 && !strings.Contains(query, "secret="+kannelSecret) {
			t.Fatalf("stored without the secret: %+v", fs.inbound)
		}
		for _, in := range fs.inbound {
			storable(t, "text", in.Text)
			storable(t, "id", in.ProviderID)
		}
	})
}
