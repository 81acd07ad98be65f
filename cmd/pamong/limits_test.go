package main

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/twilio"
	"github.com/pamong-desa/pamong/webhooks"
)

// testLimits are defaultLimits' shape with short times, so that the test
// waits seconds, not minutes.
var testLimits = httpLimits{
	Header: 500 * time.Millisecond,
	Idle:   time.Second,
	Routes: routeLimits{
		"":                         {Read: 2 * time.Second, Deadline: time.Second, Write: 3 * time.Second},
		"/webhooks/":               {Read: time.Second, Deadline: 500 * time.Millisecond, Write: 2 * time.Second},
		"/api/v1/officials/import": {Read: 3 * time.Second, Deadline: 3 * time.Second, Write: 4 * time.Second},
	},
}

// serveLimited runs a server with testLimits around the Kannel and Twilio
// webhooks (a secret and a token nobody has), an import that reads its body, and a handler
// that waits for its deadline, as one does on a stalled database.
func serveLimited(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	(&webhooks.Kannel{Secret: "right-secret-0123456789", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Routes(mux)
	(&webhooks.Twilio{Validator: twilio.NewValidator("token"), PublicURL: "https://pamong.example", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Routes(mux)
	mux.HandleFunc("POST /api/v1/officials/import", func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, "read body", http.StatusBadRequest)
		}
	})
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /api/v1/officials", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "missing or unknown API token", http.StatusUnauthorized) // before reading the body
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := testLimits.newServer(mux)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// openFor sends head (and then body, a byte every 100 ms) on a new
// connection and reads until the server closes it, for at most max. It
// returns how long the connection stayed open and what came back.
func openFor(t *testing.T, addr, head string, trickle int, max time.Duration) (time.Duration, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	c.SetDeadline(start.Add(max))
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	go func() {
		for range trickle {
			time.Sleep(100 * time.Millisecond)
			if _, err := c.Write([]byte("x")); err != nil {
				return
			}
		}
	}()
	got, err := io.ReadAll(bufio.NewReader(c))
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("connection still open after %s; got %q", max, got)
	}
	return time.Since(start), string(got)
}

func TestHostileConnectionsAreClosed(t *testing.T) {
	addr := serveLimited(t)
	slack := 700 * time.Millisecond
	tests := []struct {
		name     string
		head     string
		trickle  int
		wantOpen time.Duration // at most this long (plus slack)
		want     string        // in what the server answered
	}{
		{name: "idle keep-alive", head: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
			wantOpen: testLimits.Idle, want: "200 OK"},
		{name: "headers never finished", head: "GET /healthz HTTP/1.1\r\nHost: x\r\n",
			wantOpen: testLimits.Header},
		{name: "body trickled to a webhook", head: "POST /webhooks/twilio/sms HTTP/1.1\r\nHost: x\r\nX-Twilio-Signature: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n" +
			"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n", trickle: 1000,
			wantOpen: testLimits.Routes["/webhooks/"].Read, want: "400"},
		{name: "unsigned Twilio POST refused, body unread", head: "POST /webhooks/twilio/sms HTTP/1.1\r\nHost: x\r\n" +
			"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n", trickle: 1000,
			wantOpen: 0, want: "403"},
		{name: "body trickled to the import", head: "POST /api/v1/officials/import HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n", trickle: 1000,
			wantOpen: testLimits.Routes["/api/v1/officials/import"].Read, want: "400"},
		// The refusal is sent at once, and the connection closed: the
		// server does not wait for a body nobody will read.
		{name: "Kannel GET with a Content-Length and no body", head: "GET /webhooks/kannel/sms?secret=wrong&id=1&from=6281299990001&text=x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n",
			wantOpen: 0, want: "403"},
		{name: "Kannel POST refused on the query's secret, body unread", head: "POST /webhooks/kannel/sms?secret=wrong&id=1&from=6281299990001 HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n", trickle: 1000,
			wantOpen: 0, want: "403"},
		// Go's server drains an unread body before it answers; a refusal
		// must not wait for a body that trickles in.
		{name: "admin refusal before the body", head: "POST /api/v1/officials HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n", trickle: 1000,
			wantOpen: 0, want: "401"},
		{name: "a handler waiting on a stalled database still answers", head: "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
			wantOpen: testLimits.Routes[""].Deadline, want: "503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open, got := openFor(t, addr, tt.head, tt.trickle, tt.wantOpen+5*time.Second)
			t.Logf("open %s", open.Round(10*time.Millisecond))
			if open > tt.wantOpen+slack {
				t.Errorf("connection open %s; want at most %s", open, tt.wantOpen)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q; want %q in it", got, tt.want)
			}
		})
	}
}

func TestRouteLimits(t *testing.T) {
	tests := []struct {
		path string
		want limits
	}{
		{"/webhooks/twilio/sms", defaultLimits.Routes["/webhooks/"]},
		{"/api/v1/officials/import", defaultLimits.Routes["/api/v1/officials/import"]},
		{"/api/v1/officials", defaultLimits.Routes[""]},
		{"/healthz", defaultLimits.Routes["/healthz"]},
		{"/v/ABCD", defaultLimits.Routes[""]},
	}
	for _, tt := range tests {
		if got := defaultLimits.Routes.forPath(tt.path); got != tt.want {
			t.Errorf("%s: %+v; want %+v", tt.path, got, tt.want)
		}
	}
	for prefix, l := range defaultLimits.Routes {
		if l.Write <= max(l.Read, l.Deadline) || l.Read <= 0 {
			t.Errorf("%q: %+v: a handler whose body or deadline ran out could not answer", prefix, l)
		}
	}
	if wh := defaultLimits.Routes["/webhooks/"]; wh.Deadline > 5*time.Second {
		t.Errorf("webhook deadline %s: providers time out sooner", wh.Deadline)
	}
}
