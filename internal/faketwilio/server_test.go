package faketwilio_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/internal/faketwilio"
)

const (
	sid   = "AC0123456789abcdef0123456789abcdef"
	token = "0123456789abcdef0123456789abcdef"
	mg    = "MG0123456789abcdef0123456789abcdef"
)

// reply is what a test reads from an answer: the message resource or
// Twilio's error, whichever came.
type reply struct {
	status int
	SID    string  `json:"sid"`
	Status any     `json:"status"` // the message's status, or the error's HTTP status
	To     string  `json:"to"`
	From   *string `json:"from"`
	Body   string  `json:"body"`
	Code   int     `json:"code"`
	Msg    string  `json:"message"`
}

// send posts form to the fake's Messages endpoint as user:pass.
func send(ctx context.Context, s *faketwilio.Server, user, pass string, form url.Values) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/2010-04-01/Accounts/"+sid+"/Messages.json", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(user, pass)
	return http.DefaultClient.Do(req)
}

// post sends and reads the answer; an answer that is not JSON is an error.
func post(t testing.TB, ctx context.Context, s *faketwilio.Server, user, pass string, form url.Values) (reply, error) {
	t.Helper()
	resp, err := send(ctx, s, user, pass, form)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	r := reply{status: resp.StatusCode}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return r, fmt.Errorf("decode answer %d: %w", resp.StatusCode, err)
	}
	return r, nil
}

func msg(to, body string) url.Values {
	return url.Values{"To": {to}, "From": {"+15005550006"}, "Body": {body}}
}

func TestServerAcceptsMessages(t *testing.T) {
	s := faketwilio.New(t, sid, token)
	viaNumber := url.Values{"To": {"+6281111111111"}, "From": {"PAMONG"}, "Body": {"satu"}, "StatusCallback": {"https://pamong.example.go.id/webhooks/twilio/status"}}
	viaService := url.Values{"To": {"+6282222222222"}, "MessagingServiceSid": {mg}, "Body": {"dua"}}

	r1, err := post(t, context.Background(), s, sid, token, viaNumber)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := post(t, context.Background(), s, sid, token, viaService)
	if err != nil {
		t.Fatal(err)
	}

	if r1.status != http.StatusCreated || r1.Status != "queued" || r1.To != "+6281111111111" || r1.Body != "satu" || r1.From == nil || *r1.From != "PAMONG" {
		t.Errorf("answer to a send from a number: %+v", r1)
	}
	if r2.status != http.StatusCreated || r2.Status != "accepted" || r2.From != nil {
		t.Errorf("answer to a send through a messaging service: %+v, want accepted without a from", r2)
	}
	got := s.Messages()
	want := []faketwilio.Sent{
		{SID: r1.SID, To: "+6281111111111", From: "PAMONG", Body: "satu", StatusCallback: "https://pamong.example.go.id/webhooks/twilio/status"},
		{SID: r2.SID, To: "+6282222222222", MessagingServiceSID: mg, Body: "dua"},
	}
	if len(got) != len(want) {
		t.Fatalf("Messages() = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].At.IsZero() {
			t.Errorf("message %d has no time", i)
		}
		want[i].At = got[i].At
		if got[i] != want[i] {
			t.Errorf("message %d = %+v\nwant %+v", i, got[i], want[i])
		}
		if len(got[i].SID) != 34 || !strings.HasPrefix(got[i].SID, "SM") {
			t.Errorf("message %d sid %q, want SM and 32 hex digits", i, got[i].SID)
		}
	}
	if r1.SID == r2.SID {
		t.Errorf("two messages share sid %s", r1.SID)
	}
	if s.Requests() != 2 {
		t.Errorf("Requests() = %d, want 2", s.Requests())
	}
}

func TestServerRefuses(t *testing.T) {
	tests := []struct {
		name       string
		user, pass string
		form       url.Values
		wantStatus int
		wantCode   int
	}{
		{"wrong token", sid, "nope", msg("+6281", "x"), 401, 20003},
		{"wrong account", "AC" + strings.Repeat("0", 32), token, msg("+6281", "x"), 401, 20003},
		{"no credentials", "", "", msg("+6281", "x"), 401, 20003},
		{"no To", sid, token, url.Values{"From": {"PAMONG"}, "Body": {"x"}}, 400, 21604},
		{"no sender", sid, token, url.Values{"To": {"+6281"}, "Body": {"x"}}, 400, 21603},
		{"no Body", sid, token, url.Values{"To": {"+6281"}, "From": {"PAMONG"}}, 400, 21602},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := faketwilio.New(t, sid, token)
			r, err := post(t, context.Background(), s, tt.user, tt.pass, tt.form)
			if err != nil {
				t.Fatal(err)
			}
			if r.status != tt.wantStatus || r.Code != tt.wantCode || r.Status != float64(tt.wantStatus) || r.Msg == "" {
				t.Errorf("answer %+v, want HTTP %d with Twilio error %d", r, tt.wantStatus, tt.wantCode)
			}
			if n := len(s.Messages()); n != 0 {
				t.Errorf("accepted %d messages", n)
			}
			if s.Requests() != 1 {
				t.Errorf("Requests() = %d, want the refused one counted", s.Requests())
			}
		})
	}
}

func TestServerFaultsInOrder(t *testing.T) {
	s := faketwilio.New(t, sid, token)
	s.Fail(
		faketwilio.Fault{Status: 500},
		faketwilio.Fault{Status: 429, Code: 20429},
		faketwilio.Fault{Code: 21211},
		faketwilio.Fault{Status: 400, Code: 21610},
		faketwilio.Fault{Delay: time.Millisecond},
	)
	want := []struct{ status, code int }{{500, 20500}, {429, 20429}, {400, 21211}, {400, 21610}, {201, 0}, {201, 0}}
	for i, w := range want {
		r, err := post(t, context.Background(), s, sid, token, msg("+6281234567890", fmt.Sprint(i)))
		if err != nil {
			t.Fatal(err)
		}
		if r.status != w.status || r.Code != w.code {
			t.Errorf("request %d answered %d/%d (%s), want %d/%d", i, r.status, r.Code, r.Msg, w.status, w.code)
		}
		if r.Code == 21211 && !strings.Contains(r.Msg, "+6281234567890") {
			t.Errorf("21211 message %q does not quote the number as Twilio does", r.Msg)
		}
	}
	if got := s.Messages(); len(got) != 2 || got[0].Body != "4" || got[1].Body != "5" {
		t.Errorf("accepted %+v, want the last two", got)
	}
}

func TestServerFailTo(t *testing.T) {
	s := faketwilio.New(t, sid, token)
	s.FailTo("+620000000", faketwilio.Fault{Status: 400, Code: 21211})
	for range 2 {
		if r, _ := post(t, context.Background(), s, sid, token, msg("+620000000", "x")); r.Code != 21211 {
			t.Errorf("send to the failing number answered %+v, want 21211", r)
		}
		if r, _ := post(t, context.Background(), s, sid, token, msg("+6281234567890", "x")); r.status != 201 {
			t.Errorf("send to another number answered %+v, want 201", r)
		}
	}
	s.FailTo("+620000000", faketwilio.Fault{})
	if r, _ := post(t, context.Background(), s, sid, token, msg("+620000000", "x")); r.status != 201 {
		t.Errorf("send after clearing FailTo answered %+v, want 201", r)
	}
}

func TestServerFaultBody(t *testing.T) {
	s := faketwilio.New(t, sid, token)
	s.Fail(faketwilio.Fault{Status: 502, Body: "<html>Bad Gateway</html>"})
	resp, err := send(context.Background(), s, sid, token, msg("+6281", "x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 502 || resp.Header.Get("Content-Type") != "text/html" {
		t.Errorf("answered %d %s, want 502 text/html", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// A delay outlasting the client must end with the client, accept nothing,
// and not hold up the server's shutdown.
func TestServerDelayEndsWithClient(t *testing.T) {
	s := faketwilio.New(t, sid, token)
	s.Fail(faketwilio.Fault{Delay: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := post(t, ctx, s, sid, token, msg("+6281", "x")); err == nil {
		t.Fatal("a request delayed an hour succeeded")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("request took %v", took)
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("accepted %d messages from a client that gave up", n)
	}
}

func TestServerCloseEndsDelays(t *testing.T) {
	var s *faketwilio.Server
	done := make(chan error, 1)
	t.Run("inner", func(t *testing.T) {
		s = faketwilio.New(t, sid, token)
		s.Fail(faketwilio.Fault{Delay: time.Hour})
		go func() {
			resp, err := send(context.Background(), s, sid, token, msg("+6281", "x"))
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		// The request must be in flight before cleanup.
		for deadline := time.Now().Add(10 * time.Second); s.Requests() == 0 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	})
	select {
	case err := <-done:
		if err == nil {
			t.Error("a request cut by shutdown got an answer")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a delayed request outlived the server")
	}
}

func TestServerConcurrentSends(t *testing.T) {
	s := faketwilio.New(t, sid, token)
	const n = 64
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if i%8 == 0 {
				s.Fail(faketwilio.Fault{Status: 503})
			}
			_, _ = post(t, context.Background(), s, sid, token, msg(fmt.Sprintf("+62812%06d", i), "x"))
		})
	}
	wg.Wait()
	got := s.Messages()
	if len(got) != n-n/8 || s.Requests() != n {
		t.Fatalf("accepted %d of %d requests, want %d", len(got), s.Requests(), n-n/8)
	}
	seen := map[string]bool{}
	for _, m := range got {
		if seen[m.SID] {
			t.Errorf("sid %s given twice", m.SID)
		}
		seen[m.SID] = true
	}
}

func TestWaitFor(t *testing.T) {
	s := faketwilio.New(t, sid, token)
	go func() {
		for i := range 3 {
			_, _ = post(t, context.Background(), s, sid, token, msg("+6281", fmt.Sprint(i)))
		}
	}()
	if got := s.WaitFor(t, 3, 10*time.Second); len(got) < 3 {
		t.Errorf("WaitFor returned %d messages, want 3", len(got))
	}

	rec := &recorder{TB: t}
	start := time.Now()
	got := s.WaitFor(rec, 4, 50*time.Millisecond)
	if len(got) != 3 || !strings.Contains(rec.failure, "waited 50ms for 4 messages, got 3") {
		t.Errorf("WaitFor past its deadline returned %d messages and failed with %q", len(got), rec.failure)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("WaitFor took %v with a 50ms timeout", took)
	}
}

// recorder keeps a failure instead of ending the test.
type recorder struct {
	testing.TB
	failure string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failure = fmt.Sprintf(format, args...)
}

func BenchmarkServer(b *testing.B) {
	s := faketwilio.New(b, sid, token)
	form := msg("+6281234567890", "Selamat pagi").Encode()
	endpoint := s.URL + "/2010-04-01/Accounts/" + sid + "/Messages.json"
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(sid, token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
