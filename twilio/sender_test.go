package twilio_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/internal/faketwilio"
	"github.com/pamong-desa/pamong/twilio"
)

const (
	testSID   = "AC0123456789abcdef0123456789abcdef"
	testToken = "0123456789abcdef0123456789abcdef"
	testMG    = "MG0123456789abcdef0123456789abcdef"
	learnerTo = "+6281234567890"
)

func newSender(t *testing.T, c twilio.Config) *twilio.Sender {
	t.Helper()
	s, err := twilio.New(c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestSendPostsTheMessage(t *testing.T) {
	tests := []struct {
		name     string
		from, mg string
		callback string
	}{
		{name: "from a number", from: "+15005550006"},
		{name: "from an alphanumeric id", from: "PAMONG"},
		{name: "through a messaging service", mg: testMG},
		{name: "with a status callback", from: "+15005550006", callback: "https://pamong.example.go.id/webhooks/twilio/status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := faketwilio.New(t, testSID, testToken)
			s := newSender(t, twilio.Config{
				AccountSID: testSID, AuthToken: testToken,
				From: tt.from, MessagingServiceSID: tt.mg, StatusCallback: tt.callback,
				APIURL: fake.URL,
			})

			sid, err := s.Send(context.Background(), dispatch.Message{ID: 7, Attempt: 2, Channel: "sms", To: learnerTo, Text: "Selamat pagi, Bu Kades!"})
			if err != nil {
				t.Fatalf("Send: %v", err)
			}

			got := fake.Messages()
			if len(got) != 1 {
				t.Fatalf("fake accepted %d messages, want 1", len(got))
			}
			// The callback carries the outbox id (7) and the attempt (2),
			// signed with the auth token, so a status that overtakes the
			// record of the send still finds its row, and nobody else can
			// name one.
			callback := tt.callback
			if callback != "" {
				ref := dispatch.SignRef(testToken, "twilio", dispatch.Ref{ID: 7, Attempt: 2})
				callback += "?id=" + ref
				if got, ok := twilio.NewValidator(testToken).OutboxRef(ref); !ok || got != (dispatch.Ref{ID: 7, Attempt: 2}) {
					t.Errorf("the webhook reads the callback's id as %+v, %v", got, ok)
				}
			}
			want := faketwilio.Sent{
				SID: sid, To: learnerTo, From: tt.from, MessagingServiceSID: tt.mg,
				Body: "Selamat pagi, Bu Kades!", StatusCallback: callback, At: got[0].At,
			}
			if got[0] != want {
				t.Errorf("fake got %+v\nwant %+v", got[0], want)
			}
			if !strings.HasPrefix(sid, "SM") || len(sid) != 34 {
				t.Errorf("Send returned sid %q, want SM and 32 hex digits", sid)
			}
		})
	}
}

// The fake refuses anything but the account's Basic credentials, so a
// message it accepted proves them; a wrong token must be refused.
func TestSendAuthenticates(t *testing.T) {
	fake := faketwilio.New(t, testSID, testToken)
	s := newSender(t, twilio.Config{
		AccountSID: testSID, AuthToken: strings.Repeat("f", 32), From: "PAMONG", APIURL: fake.URL,
	})
	_, err := s.Send(context.Background(), dispatch.Message{To: learnerTo, Text: "x"})
	var apiErr *twilio.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnauthorized || apiErr.Code != 20003 {
		t.Fatalf("Send with a wrong token: %v, want Twilio's 401 error 20003", err)
	}
	if n := len(fake.Messages()); n != 0 {
		t.Errorf("fake accepted %d messages with a wrong token", n)
	}
}

// APIURL must take the place of api.twilio.com, path prefix included, and
// the request must go nowhere else.
func TestSendUsesAPIURL(t *testing.T) {
	fake := faketwilio.New(t, testSID, testToken)
	target, err := url.Parse(fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	var path atomic.Value
	var hits atomic.Int64
	forward := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		path.Store(r.URL.Path)
		r.URL.Path = strings.TrimPrefix(r.URL.Path, "/twilio")
		forward.ServeHTTP(w, r)
	}))
	defer proxy.Close()

	s := newSender(t, twilio.Config{AccountSID: testSID, AuthToken: testToken, From: "PAMONG", APIURL: proxy.URL + "/twilio/"})
	sid, err := s.Send(context.Background(), dispatch.Message{To: learnerTo, Text: "x"})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if want := "/twilio/2010-04-01/Accounts/" + testSID + "/Messages.json"; path.Load() != want {
		t.Errorf("proxy saw path %v, want %s", path.Load(), want)
	}
	if hits.Load() != 1 || fake.Requests() != 1 || fake.Messages()[0].SID != sid {
		t.Errorf("proxy saw %d requests and the fake %d, want one reaching the fake", hits.Load(), fake.Requests())
	}
}

// outcome is how the dispatcher will read an error.
func outcome(err error) (kind, code string) {
	if err == nil {
		return "sent", ""
	}
	var se *dispatch.SendError
	if !errors.As(err, &se) {
		return "retryable", "" // the dispatcher retries unclassified errors
	}
	switch {
	case se.OptedOut:
		return "opted out", se.Code
	case se.Permanent:
		return "permanent", se.Code
	default:
		return "retryable", se.Code
	}
}

func TestSendClassifiesFailures(t *testing.T) {
	tests := []struct {
		name     string
		fault    faketwilio.Fault
		wantKind string
		wantCode string
	}{
		{"server error", faketwilio.Fault{Status: 500}, "retryable", "20500"},
		{"bad gateway page", faketwilio.Fault{Status: 502, Body: "<html>Bad Gateway</html>"}, "retryable", ""},
		{"service unavailable", faketwilio.Fault{Status: 503, Code: 20503}, "retryable", "20503"},
		{"too many requests", faketwilio.Fault{Status: 429, Code: 20429}, "retryable", "20429"},
		{"too many requests, unknown code", faketwilio.Fault{Status: 429, Code: 12345}, "retryable", "12345"},
		{"invalid To", faketwilio.Fault{Status: 400, Code: 21211}, "permanent", "21211"},
		{"not a mobile number", faketwilio.Fault{Status: 400, Code: 21614}, "permanent", "21614"},
		{"not reachable", faketwilio.Fault{Status: 400, Code: 21612}, "permanent", "21612"},
		{"region not enabled", faketwilio.Fault{Status: 400, Code: 21408}, "permanent", "21408"},
		{"From not valid", faketwilio.Fault{Status: 400, Code: 21606}, "permanent", "21606"},
		{"From not a Twilio number", faketwilio.Fault{Status: 400, Code: 21659}, "permanent", "21659"},
		{"unsubscribed", faketwilio.Fault{Status: 400, Code: 21610}, "opted out", "21610"},
		{"other 400", faketwilio.Fault{Status: 400, Code: 21617}, "permanent", "21617"},
		{"forbidden", faketwilio.Fault{Status: 403, Code: 20403}, "permanent", "20403"},
		{"credentials refused", faketwilio.Fault{Status: 401, Code: 20003}, "retryable", "20003"},
		{"timeout", faketwilio.Fault{Delay: time.Minute}, "retryable", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := faketwilio.New(t, testSID, testToken)
			fake.Fail(tt.fault)
			s := newSender(t, twilio.Config{
				AccountSID: testSID, AuthToken: testToken, From: "PAMONG", APIURL: fake.URL,
				Timeout: 200 * time.Millisecond,
			})

			start := time.Now()
			sid, err := s.Send(context.Background(), dispatch.Message{ID: 9, To: learnerTo, Text: "x"})
			if kind, code := outcome(err); kind != tt.wantKind || code != tt.wantCode {
				t.Errorf("Send: %v\nread as %s %q, want %s %q", err, kind, code, tt.wantKind, tt.wantCode)
			}
			if sid != "" {
				t.Errorf("Send returned sid %q with an error", sid)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("Send took %v, want it bounded by the 200ms timeout", took)
			}
			if err != nil && strings.Contains(err.Error(), learnerTo) {
				t.Errorf("error %q carries the learner's number", err)
			}
		})
	}
}

func TestSendConnectionRefusedIsRetryable(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	s := newSender(t, twilio.Config{AccountSID: testSID, AuthToken: testToken, From: "PAMONG", APIURL: closed.URL})
	_, err := s.Send(context.Background(), dispatch.Message{To: learnerTo, Text: "x"})
	if kind, _ := outcome(err); err == nil || kind != "retryable" {
		t.Errorf("Send to a closed server: %v, read as %s, want a retryable error", err, kind)
	}
}

func TestSendHonoursContext(t *testing.T) {
	fake := faketwilio.New(t, testSID, testToken)
	s := newSender(t, twilio.Config{AccountSID: testSID, AuthToken: testToken, From: "PAMONG", APIURL: fake.URL})

	t.Run("already done", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := s.Send(ctx, dispatch.Message{To: learnerTo, Text: "x"})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send with a cancelled context: %v, want context.Canceled", err)
		}
		if fake.Requests() != 0 {
			t.Errorf("fake saw %d requests, want none", fake.Requests())
		}
	})
	t.Run("cancelled in flight", func(t *testing.T) {
		fake.Fail(faketwilio.Fault{Delay: time.Minute})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := s.Send(ctx, dispatch.Message{To: learnerTo, Text: "x"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Send past the caller's deadline: %v, want context.DeadlineExceeded", err)
		}
		if kind, _ := outcome(err); kind != "retryable" {
			t.Errorf("Send past the caller's deadline read as %s, want retryable", kind)
		}
	})
}

// Refusals must leave the connection reusable: twilio-go leaves error bodies
// open, and the Sender closes them.
func TestSendReusesConnectionsAfterRefusals(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		// Chunked, as through a proxy, with more after the JSON: the JSON
		// decoder stops before the end, and an unread body holds its
		// connection.
		_, _ = w.Write([]byte(`{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}`))
		w.(http.Flusher).Flush()
		_, _ = w.Write([]byte(strings.Repeat(" ", 4096) + "\n"))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	s := newSender(t, twilio.Config{AccountSID: testSID, AuthToken: testToken, From: "PAMONG", APIURL: srv.URL})
	for range 5 {
		if _, err := s.Send(context.Background(), dispatch.Message{To: learnerTo, Text: "x"}); err == nil {
			t.Fatal("Send succeeded against a server answering 429")
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("5 refused sends opened %d connections, want 1", n)
	}
}
