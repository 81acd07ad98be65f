package kannel

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/dispatch"
)

const testSecret = "s3cret-0123456789abcdef"

func testConfig(sendURL string) Config {
	return Config{SendSMSURL: sendURL, Username: "pamong", Password: "p@ss w0rd&x", From: "1234",
		DLRURL: "https://pamong.example.go.id/webhooks/kannel/dlr", Secret: testSecret}
}

// fakeSMSBox answers sendsms requests as smsbox does and remembers them.
type fakeSMSBox struct {
	mu       sync.Mutex
	requests []*http.Request
	status   int
	body     string
	block    chan struct{}
}

func (f *fakeSMSBox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r)
	f.mu.Unlock()
	if f.block != nil {
		<-f.block
	}
	w.WriteHeader(f.status)
	w.Write([]byte(f.body))
}

func TestSendRequest(t *testing.T) {
	box := &fakeSMSBox{status: http.StatusAccepted, body: "0: Accepted for delivery"}
	srv := httptest.NewServer(box)
	defer srv.Close()
	s, err := New(testConfig(srv.URL + "/cgi-bin/sendsms?smsc=telkomsel"))
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.Send(context.Background(), dispatch.Message{ID: 42, Channel: "sms", To: "+6281299990001",
		Text: "1/4: Siapa? 1)Camat 2)BPD Balas 1-2 {€}", Segments: 1, Attempt: 1})
	if err != nil || id != "42" {
		t.Fatalf("Send = %q, %v; want 42, nil", id, err)
	}
	if len(box.requests) != 1 {
		t.Fatalf("%d requests", len(box.requests))
	}
	r := box.requests[0]
	if r.Method != "GET" || r.URL.Path != "/cgi-bin/sendsms" {
		t.Errorf("%s %s", r.Method, r.URL.Path)
	}
	want := url.Values{
		"smsc": {"telkomsel"}, "username": {"pamong"}, "password": {"p@ss w0rd&x"}, "from": {"1234"},
		"to": {"6281299990001"}, "text": {"1/4: Siapa? 1)Camat 2)BPD Balas 1-2 {€}"}, "coding": {"0"}, "charset": {"UTF-8"},
		"dlr-mask": {"31"},
		// The id is the outbox id and the attempt, signed with the
		// secret: the DLR webhook refuses ids it did not sign.
		"dlr-url": {"https://pamong.example.go.id/webhooks/kannel/dlr?id=" +
			dispatch.SignRef(testSecret, "kannel", dispatch.Ref{ID: 42, Attempt: 1}) + "&status=%d&secret=" + testSecret},
	}
	got := r.URL.Query()
	for k, v := range want {
		if got.Get(k) != v[0] || len(got[k]) != 1 {
			t.Errorf("%s = %q; want %q", k, got[k], v[0])
		}
	}
	if len(got) != len(want) {
		t.Errorf("parameters %v; want exactly %v", got, want)
	}
}

func TestSendAnswers(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		wantOK    bool
		permanent bool
	}{
		{"accepted", 202, "0: Accepted for delivery", true, false},
		{"queued by bearerbox", 202, "3: Queued for later delivery", true, false},
		{"old kannel", 200, "Sent.", true, false},
		{"wrong credentials", 403, "Authorization failed for sendsms", false, false},
		{"no receiver", 400, "Missing receiver number, rejected", false, true},
		{"black-listed", 400, "Number(s) has/have been denied by white- and/or black-lists.", false, true},
		{"unavailable", 503, "Sendsms: service unavailable", false, false},
		{"server error", 500, "", false, false},
		{"2xx that is not smsbox", 200, "<html>proxy</html>", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(&fakeSMSBox{status: tt.status, body: tt.body})
			defer srv.Close()
			s, err := New(testConfig(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			id, err := s.Send(context.Background(), dispatch.Message{ID: 7, To: "+6281299990001", Text: "halo", Attempt: 1})
			if tt.wantOK {
				if err != nil || id != "7" {
					t.Fatalf("Send = %q, %v; want 7, nil", id, err)
				}
				return
			}
			var se *dispatch.SendError
			if !errors.As(err, &se) || se.Permanent != tt.permanent || id != "" {
				t.Fatalf("Send = %q, %v; want a SendError with Permanent=%v", id, err, tt.permanent)
			}
			if se.Code != strconv.Itoa(tt.status) {
				t.Errorf("code %q", se.Code)
			}
			if strings.Contains(err.Error(), "p@ss") {
				t.Errorf("the password leaks into %v", err)
			}
		})
	}
}

func TestSendUnreachable(t *testing.T) {
	srv := httptest.NewServer(&fakeSMSBox{status: 202, body: "0: Accepted for delivery"})
	base := srv.URL
	srv.Close() // connection refused: smsbox (or bearerbox with it) is down
	s, err := New(testConfig(base))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(context.Background(), dispatch.Message{ID: 1, To: "+6281299990001", Text: "halo"})
	var se *dispatch.SendError
	if !errors.As(err, &se) || se.Permanent {
		t.Fatalf("connection refused: %v; want retryable", err)
	}
	if strings.Contains(err.Error(), "p%40ss") || strings.Contains(err.Error(), "p@ss") {
		t.Errorf("the password leaks into %v", err)
	}

	box := &fakeSMSBox{status: 202, body: "0: Accepted for delivery", block: make(chan struct{})}
	slow := httptest.NewServer(box)
	defer slow.Close()
	defer close(box.block)
	c := testConfig(slow.URL)
	c.Timeout = 50 * time.Millisecond
	s, err = New(c)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = s.Send(context.Background(), dispatch.Message{ID: 1, To: "+6281299990001", Text: "halo"})
	if !errors.As(err, &se) || se.Permanent {
		t.Fatalf("timeout: %v; want retryable", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the timeout took %v", d)
	}
}

func TestSendText(t *testing.T) {
	box := &fakeSMSBox{status: 202, body: "0: Accepted for delivery"}
	srv := httptest.NewServer(box)
	defer srv.Close()
	s, err := New(testConfig(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, to, text, want string
		permanent            bool
	}{
		{name: "GSM-7 as is", to: "+6281299990001", text: "Desa Cileunyi Kulon - benar? Balas 1 (Ya) atau 2 (Bukan).", want: "Desa Cileunyi Kulon - benar? Balas 1 (Ya) atau 2 (Bukan)."},
		{name: "transliterated", to: "+6281299990001", text: "“Benar” — lanjut…", want: `"Benar" - lanjut...`},
		{name: "extension characters count two", to: "+6281299990001", text: strings.Repeat("€", 80), want: strings.Repeat("€", 80)},
		{name: "too long", to: "+6281299990001", text: strings.Repeat("a", 161), permanent: true},
		{name: "one € too many", to: "+6281299990001", text: strings.Repeat("€", 80) + "a", permanent: true},
		{name: "nothing left", to: "+6281299990001", text: "😀", permanent: true},
		{name: "not E.164", to: "081299990001", text: "halo", permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			box.requests = nil
			_, err := s.Send(context.Background(), dispatch.Message{ID: 3, To: tt.to, Text: tt.text})
			if tt.permanent {
				var se *dispatch.SendError
				if !errors.As(err, &se) || !se.Permanent {
					t.Fatalf("Send: %v; want a permanent error", err)
				}
				if len(box.requests) != 0 {
					t.Errorf("a text that is not one GSM-7 SMS reached Kannel")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := box.requests[0].URL.Query().Get("text"); got != tt.want {
				t.Errorf("text %q; want %q", got, tt.want)
			}
		})
	}
}
