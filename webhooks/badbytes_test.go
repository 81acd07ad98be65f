package webhooks

import (
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pamong-desa/pamong/internal/faketwilio"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
	"github.com/pamong-desa/pamong/twilio"
)

// Bytes PostgreSQL refuses in text (NUL, invalid UTF-8, UTF-8-encoded
// surrogates) used to make HandleInbound fail with 22021 on every retry:
// the provider got 503 forever and the message was lost. Each must now be
// stored, cleaned, and answered, through every provider alike.
func TestBadBytesAreStoredAndAnswered(t *testing.T) {
	course, err := lessons.BundledDefault()
	if err != nil {
		t.Fatal(err)
	}
	dsn := pgtest.URL(t)
	db, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	look, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer look.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tw := &Twilio{Store: db, Course: course, Validator: twilio.NewValidator(token), PublicURL: public, Log: log}
	kn := &Kannel{Store: db, Course: course, Secret: kannelSecret, Log: log}
	mux := http.NewServeMux()
	tw.Routes(mux)
	kn.Routes(mux)

	twilioSMS := func(sid, rawBody string) *http.Request {
		// The body is built by hand: url.Values would re-encode the bytes.
		p, err := url.ParseQuery("MessageSid=" + sid + "&From=%2B6281211110001&Body=" + rawBody)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("POST", "/webhooks/twilio/sms", strings.NewReader(p.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", faketwilio.Sign(token, public+"/webhooks/twilio/sms", p))
		return req
	}
	kannelSMS := func(query string) *http.Request {
		return httptest.NewRequest("GET", "/webhooks/kannel/sms?secret="+kannelSecret+"&from=6281211110002&"+query, nil)
	}
	tests := []struct {
		name string
		req  *http.Request
		id   string
		want string
	}{
		{"Twilio NUL", twilioSMS("SMnul", "a%00b"), "SMnul", "ab"},
		{"Twilio UTF-16 BOM bytes", twilioSMS("SMbom", "%FF%FEhalo"), "SMbom", "\uFFFDhalo"},
		{"Twilio Latin-1", twilioSMS("SMlatin", "%E9t%E9"), "SMlatin", "\uFFFDt\uFFFD"},
		{"Twilio UTF-8 encoded surrogate", twilioSMS("SMsurr", "x%ED%A0%80y"), "SMsurr", "x\uFFFDy"},
		{"Kannel NUL", kannelSMS("id=k-nul&text=a%00b"), "k-nul", "ab"},
		{"Kannel UCS-2 with U+0000", kannelSMS("id=k-ucs2&coding=2&charset=UTF-16BE&text=%00a%00%00%00b"), "k-ucs2", "ab"},
		{"Kannel UCS-2 lone surrogate", kannelSMS("id=k-lone&coding=2&charset=UTF-16BE&text=%00a%D8%3D%00b"), "k-lone", "a\uFFFDb"},
		{"Kannel NUL in the id", kannelSMS("id=k%00id&text=halo"), "kid", "halo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, tt.req)
			if rec.Code != http.StatusOK {
				t.Fatalf("HTTP %d %q; want 200 (a 503 would be retried forever)", rec.Code, rec.Body.String())
			}
			var stored struct {
				Text    string
				Replies int
			}
			err := look.QueryRowContext(t.Context(), `
				SELECT i.text, (SELECT count(*) FROM outbox o WHERE o.in_reply_to = i.id)
				FROM inbound_messages i WHERE i.channel = 'sms' AND i.provider_id = $1`, tt.id).Scan(&stored.Text, &stored.Replies)
			if err != nil {
				t.Fatalf("the message was not stored: %v", err)
			}
			if stored.Text != tt.want || !utf8.ValidString(stored.Text) {
				t.Errorf("stored text %q; want %q", stored.Text, tt.want)
			}
			if stored.Replies == 0 {
				t.Error("the message was not answered")
			}
		})
	}
}
