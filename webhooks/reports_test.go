package webhooks

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/internal/faketwilio"
	"github.com/pamong-desa/pamong/kannel"
	"github.com/pamong-desa/pamong/store"
	"github.com/pamong-desa/pamong/twilio"
)

// A Kannel DLR names its message by the reference kannel.Sender signed
// into the dlr-url; outbox ids are sequential, so a report that names a
// row any other way is refused before the store is asked (issue 11, item
// 5: with the secret, dlr?id=<id>&status=1 delivered a queued row).
func TestKannelDeliveryReports(t *testing.T) {
	ref := dispatch.SignRef(kannelSecret, "kannel", dispatch.Ref{ID: 42, Attempt: 2})
	report := func(status, err string) *store.Delivery {
		return &store.Delivery{Provider: "kannel", ProviderID: "42", OutboxID: 42, Attempt: 2, Status: status, Error: err}
	}
	dlr := func(id, status string) string {
		return "/webhooks/kannel/dlr?id=" + id + "&status=" + status + "&secret=" + kannelSecret
	}
	tests := []struct {
		name      string
		target    string // a request URI, or testdata/… for a saved one
		secret    string // put in a saved request instead of the right one
		storeErr  error
		wantCode  int
		wantDeliv *store.Delivery
	}{
		{name: "submitted to the SMSC", target: "testdata/dlr_8.url", wantCode: 200, wantDeliv: report("sent", "")},
		{name: "delivered", target: "testdata/dlr_1.url", wantCode: 200, wantDeliv: report("delivered", "")},
		{name: "not delivered", target: dlr(ref, "2"), wantCode: 200, wantDeliv: report("failed", "kannel DLR 2: not delivered to the handset")},
		{name: "rejected by the SMSC", target: dlr(ref, "16"), wantCode: 200, wantDeliv: report("failed", "kannel DLR 16: rejected by the SMSC")},
		{name: "buffered is implied", target: dlr(ref, "4"), wantCode: 200},
		{name: "wrong secret", target: "testdata/dlr_1.url", secret: "wrong-wrong-wrong-wrong", wantCode: 403},
		{name: "no secret", target: "/webhooks/kannel/dlr?id=" + ref + "&status=1", wantCode: 403},
		{name: "no status", target: "/webhooks/kannel/dlr?id=" + ref + "&secret=" + kannelSecret, wantCode: 400},
		{name: "database down", target: "testdata/dlr_1.url", storeErr: errors.New("connection refused"), wantCode: 503},

		{name: "forged: a bare outbox id", target: dlr("42", "1"), wantCode: 403},
		{name: "forged: a bare id that fails a row", target: dlr("43", "16"), wantCode: 403},
		{name: "forged: another id under a real signature", target: dlr("43"+ref[2:], "1"), wantCode: 403},
		{name: "forged: another attempt under a real signature", target: dlr("42.3"+ref[4:], "1"), wantCode: 403},
		{name: "forged: signed with another key", target: dlr(dispatch.SignRef("another-secret-0123456", "kannel", dispatch.Ref{ID: 42, Attempt: 2}), "1"), wantCode: 403},
		{name: "forged: a Twilio reference", target: dlr(dispatch.SignRef(kannelSecret, "twilio", dispatch.Ref{ID: 42, Attempt: 2}), "1"), wantCode: 403},
		{name: "forged: even a status that is ignored", target: dlr("42", "4"), wantCode: 403},
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
				if tt.secret != "" {
					secret = tt.secret
				}
				target = strings.ReplaceAll(kannelRequest(t, name, secret), "REF", ref)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
			if rec.Code != tt.wantCode {
				t.Fatalf("HTTP %d %q; want %d", rec.Code, rec.Body.String(), tt.wantCode)
			}
			if rec.Code == 200 && rec.Body.Len() != 0 {
				t.Errorf("body %q; want none", rec.Body.String())
			}
			switch {
			case tt.wantDeliv != nil && (len(fs.deliveries) != 1 || fs.deliveries[0] != *tt.wantDeliv):
				t.Errorf("recorded %+v; want %+v", fs.deliveries, *tt.wantDeliv)
			case tt.wantDeliv == nil && len(fs.deliveries) > 0:
				t.Errorf("recorded %+v; want nothing", fs.deliveries)
			}
		})
	}
}

// A Twilio status callback finds its row by MessageSid, or, before the sid
// is recorded, by the reference Sender signed into the callback URL; an id
// that is not such a reference names no row.
func TestTwilioStatusNamesItsRow(t *testing.T) {
	ref := dispatch.SignRef(token, "twilio", dispatch.Ref{ID: 42, Attempt: 1})
	bySid := store.Delivery{Provider: "twilio", ProviderID: "SM9", Status: "delivered"}
	byRef := bySid
	byRef.OutboxID, byRef.Attempt = 42, 1
	for _, tt := range []struct {
		name string
		id   string
		want store.Delivery
	}{
		{name: "signed reference", id: ref, want: byRef},
		{name: "no id", want: bySid},
		{name: "a bare outbox id", id: "42", want: bySid},
		{name: "a reference signed with another key", id: dispatch.SignRef("another-token", "twilio", dispatch.Ref{ID: 42, Attempt: 1}), want: bySid},
		{name: "a Kannel reference", id: dispatch.SignRef(token, "kannel", dispatch.Ref{ID: 42, Attempt: 1}), want: bySid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fs := &fakeStore{}
			h := &Twilio{Store: fs, Validator: twilio.NewValidator(token), PublicURL: public, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			mux := http.NewServeMux()
			h.Routes(mux)
			path := "/webhooks/twilio/status"
			if tt.id != "" {
				path += "?id=" + url.QueryEscape(tt.id)
			}
			params := url.Values{"MessageSid": {"SM9"}, "MessageStatus": {"delivered"}}
			req := httptest.NewRequest("POST", path, strings.NewReader(params.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", faketwilio.Sign(token, public+path, params))
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != http.StatusNoContent || len(fs.deliveries) != 1 || fs.deliveries[0] != tt.want {
				t.Fatalf("HTTP %d, recorded %+v; want 204 and %+v", rec.Code, fs.deliveries, tt.want)
			}
		})
	}
}

// The reference kannel.Sender puts in the dlr-url is one the webhook
// accepts: the report Kannel makes from it names the row and the attempt.
func TestKannelDLRURLRoundTrip(t *testing.T) {
	var dlrURL string
	smsbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dlrURL = r.URL.Query().Get("dlr-url")
		_, _ = w.Write([]byte("0: Accepted for delivery"))
	}))
	defer smsbox.Close()
	sender, err := kannel.New(kannel.Config{SendSMSURL: smsbox.URL + "/cgi-bin/sendsms", Username: "pamong", Password: "pw", From: "1234",
		DLRURL: "https://pamong.example.go.id/webhooks/kannel/dlr", Secret: kannelSecret})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sender.Send(t.Context(), dispatch.Message{ID: 77, Attempt: 3, To: "+6281299990001", Text: "halo"}); err != nil {
		t.Fatal(err)
	}
	// Kannel puts the report type where the URL says %d.
	target := strings.TrimPrefix(strings.ReplaceAll(dlrURL, "%d", "1"), "https://pamong.example.go.id")
	fs := &fakeStore{}
	h := &Kannel{Store: fs, Secret: kannelSecret, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	h.Routes(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	want := store.Delivery{Provider: "kannel", ProviderID: "77", OutboxID: 77, Attempt: 3, Status: "delivered"}
	if rec.Code != 200 || len(fs.deliveries) != 1 || fs.deliveries[0] != want {
		t.Fatalf("report on %s: HTTP %d, recorded %+v; want %+v", target, rec.Code, fs.deliveries, want)
	}
}
