// Package faketwilio is a local stand-in for Twilio's Messages API, for tests
// of anything that sends SMS: it records what it accepted, refuses what
// Twilio would refuse, fails on demand, and signs status callbacks the way
// Twilio does. It is safe for concurrent use and cheap per request, so that
// throughput benchmarks measure the sender rather than the fake.
package faketwilio

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// maxBody is far above the 1600-character limit of a message body.
const maxBody = 64 << 10

// Sent is one message the fake accepted.
type Sent struct {
	SID                 string // "SM" and 32 hex digits, unique
	To                  string
	From                string // empty when sent through a Messaging Service
	MessagingServiceSID string
	Body                string
	StatusCallback      string
	At                  time.Time // when it was accepted
}

// Server serves POST /2010-04-01/Accounts/{AccountSid}/Messages.json like
// Twilio; point the code under test at URL instead of https://api.twilio.com.
type Server struct {
	// URL is the base URL of the fake, like http://127.0.0.1:PORT.
	URL string

	srv        *httptest.Server
	accountSID string
	authToken  string
	path       string
	sidPrefix  string        // random per server, so SIDs never repeat across servers
	stop       chan struct{} // closed on shutdown, ends injected delays
	requests   atomic.Int64
	seq        atomic.Uint64

	mu      sync.Mutex
	sent    []Sent
	changed chan struct{} // closed and replaced when a message is accepted
	faults  []Fault
	faultTo map[string]Fault
}

// New starts a fake for one account, closed when the test ends.
func New(t testing.TB, accountSID, authToken string) *Server {
	t.Helper()
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		t.Fatalf("faketwilio: random sid prefix: %v", err)
	}
	s := &Server{
		accountSID: accountSID,
		authToken:  authToken,
		path:       "/2010-04-01/Accounts/" + accountSID + "/Messages.json",
		sidPrefix:  hex.EncodeToString(r[:]),
		stop:       make(chan struct{}),
		changed:    make(chan struct{}),
		faultTo:    map[string]Fault{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.close)
	return s
}

// close wakes delayed handlers first: httptest.Server.Close waits for every
// request in flight.
func (s *Server) close() {
	close(s.stop)
	s.srv.Close()
}

// Messages returns every accepted message, in the order accepted.
func (s *Server) Messages() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// Requests counts every request the fake has seen, refused ones included.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// WaitFor returns the accepted messages once there are at least n, or fails
// the test, saying what arrived, if that takes longer than timeout. Call it
// from the test's goroutine.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Sent {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if len(s.sent) >= n {
			got := slices.Clone(s.sent)
			s.mu.Unlock()
			return got
		}
		changed := s.changed
		s.mu.Unlock()

		select {
		case <-changed:
		case <-deadline.C:
			got := s.Messages()
			t.Fatalf("faketwilio: waited %v for %d messages, got %d in %d requests:%s", timeout, n, len(got), s.Requests(), describe(got))
			return got
		}
	}
}

func describe(sent []Sent) string {
	var b strings.Builder
	for _, m := range sent {
		fmt.Fprintf(&b, "\n\t%s to %s: %.40q", m.SID, m.To, m.Body)
	}
	return b.String()
}

// serve answers one request. The order of checks is Twilio's: the resource,
// the credentials, then the message; an injected fault is consumed by the
// first authenticated request for the resource, whatever its fields.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if r.URL.Path != s.path {
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, 20004, "Method not allowed")
		return
	}
	if user, pass, ok := r.BasicAuth(); !ok || user != s.accountSID || pass != s.authToken {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		writeError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, 20001, "Could not parse the request body: "+err.Error())
		return
	}
	m := Sent{
		To:                  r.PostForm.Get("To"),
		From:                r.PostForm.Get("From"),
		MessagingServiceSID: r.PostForm.Get("MessagingServiceSid"),
		Body:                r.PostForm.Get("Body"),
		StatusCallback:      r.PostForm.Get("StatusCallback"),
	}
	if f, ok := s.nextFault(m.To); ok {
		if !s.delay(r, f.Delay) {
			// Drop the connection, as a server going away does: an empty
			// 200 would read as an answer.
			panic(http.ErrAbortHandler)
		}
		if f.answer(w, m) {
			return
		}
	}
	switch {
	case m.To == "":
		writeError(w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
		return
	case m.From == "" && m.MessagingServiceSID == "":
		writeError(w, http.StatusBadRequest, 21603, "A 'From' phone number is required.")
		return
	case m.Body == "":
		writeError(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	}
	m.SID = s.newSID()
	m.At = time.Now()

	s.mu.Lock()
	s.sent = append(s.sent, m)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()

	s.writeMessage(w, m)
}

// delay waits d, reporting false if the client gave up or the server is
// shutting down first; the message is then not accepted, though a real
// Twilio might have accepted it.
func (s *Server) delay(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.stop:
		return false
	}
}

// newSID is "SM" and 32 hex digits: the server's random prefix and a counter.
func (s *Server) newSID() string {
	var b [34]byte
	b[0], b[1] = 'S', 'M'
	copy(b[2:18], s.sidPrefix)
	n := s.seq.Add(1)
	const digits = "0123456789abcdef"
	for i := 33; i >= 18; i-- {
		b[i] = digits[n&0xf]
		n >>= 4
	}
	return string(b[:])
}

// message is Twilio's Message resource as it answers a create.
type message struct {
	AccountSID          string  `json:"account_sid"`
	APIVersion          string  `json:"api_version"`
	Body                string  `json:"body"`
	DateCreated         string  `json:"date_created"`
	DateSent            *string `json:"date_sent"`
	DateUpdated         string  `json:"date_updated"`
	Direction           string  `json:"direction"`
	ErrorCode           *int    `json:"error_code"`
	ErrorMessage        *string `json:"error_message"`
	From                *string `json:"from"`
	MessagingServiceSID *string `json:"messaging_service_sid"`
	NumMedia            string  `json:"num_media"`
	NumSegments         string  `json:"num_segments"`
	Price               *string `json:"price"`
	PriceUnit           string  `json:"price_unit"`
	SID                 string  `json:"sid"`
	Status              string  `json:"status"`
	SubresourceURIs     struct {
		Media string `json:"media"`
	} `json:"subresource_uris"`
	To  string `json:"to"`
	URI string `json:"uri"`
}

func (s *Server) writeMessage(w http.ResponseWriter, m Sent) {
	date := m.At.UTC().Format(time.RFC1123Z)
	res := message{
		AccountSID:  s.accountSID,
		APIVersion:  "2010-04-01",
		Body:        m.Body,
		DateCreated: date,
		DateUpdated: date,
		Direction:   "outbound-api",
		NumMedia:    "0",
		NumSegments: "1",
		PriceUnit:   "USD",
		SID:         m.SID,
		Status:      "queued",
		To:          m.To,
		URI:         "/2010-04-01/Accounts/" + s.accountSID + "/Messages/" + m.SID + ".json",
	}
	res.SubresourceURIs.Media = "/2010-04-01/Accounts/" + s.accountSID + "/Messages/" + m.SID + "/Media.json"
	if m.From != "" {
		res.From = &m.From
	}
	if m.MessagingServiceSID != "" {
		res.MessagingServiceSID = &m.MessagingServiceSID
		if m.From == "" {
			// Twilio has yet to pick a sender from the service's pool.
			res.Status = "accepted"
			res.NumSegments = "0"
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(&res)
}
