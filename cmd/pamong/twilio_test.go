package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/gsm7"
	"github.com/pamong-desa/pamong/internal/faketwilio"
	"github.com/pamong-desa/pamong/localpg"
)

const (
	testSID   = "AC00000000000000000000000000000001"
	testToken = "0123456789abcdef0123456789abcdef"
)

// server is `pamong serve` running as a child process.
type server struct {
	t    *testing.T
	base string
	db   *sqlx.DB
	logs *strings.Builder
}

func startServe(t *testing.T, p pamong, extraEnv ...string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = append(os.Environ(), "PAMONG_TEST_AS_BINARY=1", "PAMONG_ADDR="+addr, "PAMONG_PUBLIC_URL="+base, "PAMONG_LOG_LEVEL=debug")
	cmd.Env = append(append(cmd.Env, p.env...), extraEnv...)
	logs := &strings.Builder{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	// A first start creates the cluster and seeds 91,599 regions: on a
	// loaded machine that alone can take most of waitFor's half minute.
	waitForUpTo(t, 2*time.Minute, "the server to answer /healthz", func() bool {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	dir := p.envValue("PAMONG_DATA_DIR")
	c, err := localpg.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlx.Open("postgres", c.URL(localpg.DatabaseName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &server{t: t, base: base, db: db, logs: logs}
}

func (p pamong) envValue(name string) string {
	for _, kv := range p.env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitForUpTo(t, 30*time.Second, what, cond)
}

func waitForUpTo(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// post sends a webhook signed as Twilio signs it (by an implementation
// independent of the one under test).
func (s *server) post(path string, params url.Values) int {
	s.t.Helper()
	resp, err := faketwilio.PostSigned(context.Background(), http.DefaultClient, testToken, s.base+path, params)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

var sids int

// sms is a learner's SMS arriving through Twilio.
func (s *server) sms(from, body string) int {
	sids++
	return s.post("/webhooks/twilio/sms", url.Values{
		"MessageSid": {fmt.Sprintf("SM%032d", sids)}, "AccountSid": {testSID}, "From": {from}, "To": {"+15005550006"}, "Body": {body},
	})
}

func (s *server) count(query string, args ...any) int {
	s.t.Helper()
	var n int
	if err := s.db.Get(&n, query, args...); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// settle waits until the outbox has nothing left to send now.
func (s *server) settle() {
	s.t.Helper()
	waitFor(s.t, "the outbox to drain", func() bool {
		return s.count(`SELECT count(*) FROM outbox WHERE status = 'sending' OR (status = 'queued' AND next_attempt_at <= now() + interval '1 minute')`) == 0
	})
}

// The "done when": a learner registers and completes a lesson
// purely through signed webhooks; every SMS is one GSM-7 segment; status
// callbacks move rows to delivered; forged webhooks get 403; a duplicate
// changes nothing; 500 and 429 are retried until delivered; 21211 is not.
func TestSMSConversationThroughTwilio(t *testing.T) {
	p := privateCluster(t)
	fake := faketwilio.New(t, testSID, testToken)
	s := startServe(t, p, "TWILIO_ACCOUNT_SID="+testSID, "TWILIO_AUTH_TOKEN="+testToken, "TWILIO_FROM=+15005550006",
		"TWILIO_API_URL="+fake.URL, "SMS_PROVIDER=twilio", "PAMONG_SMS_RATE=1000", "PAMONG_RETRY_BASE=20ms")
	const learner = "+6281299990001"

	// Forged, unsigned and tampered requests are refused and store nothing.
	forged := url.Values{"MessageSid": {"SMforged"}, "From": {learner}, "Body": {"halo"}}
	req, _ := http.NewRequest("POST", s.base+"/webhooks/twilio/sms", strings.NewReader(forged.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", faketwilio.Sign("wrong-token", s.base+"/webhooks/twilio/sms", forged))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("forged webhook: %v %v", resp, err)
	}
	if n := s.count(`SELECT count(*) FROM inbound_messages`); n != 0 {
		t.Fatalf("a forged webhook stored %d messages", n)
	}

	// The first reply meets two server errors and a rate limit on its way.
	fake.Fail(faketwilio.Fault{Status: 500}, faketwilio.Fault{Status: 429, Code: 20429}, faketwilio.Fault{Status: 503})
	script := append([]string{"halo", "Siti Aminah", "3204052001", "1", "3", "1", "2", "3", "1", "2"}, "1", "2", "1", "2")
	for _, text := range script {
		if code := s.sms(learner, text); code != http.StatusOK {
			t.Fatalf("inbound %q: HTTP %d", text, code)
		}
		s.settle()
	}
	// A duplicate delivery of the last webhook changes nothing.
	before := len(fake.Messages())
	sids--
	if code := s.sms(learner, "2"); code != http.StatusOK {
		t.Fatalf("duplicate: HTTP %d", code)
	}
	s.settle()
	if after := len(fake.Messages()); after != before {
		t.Fatalf("a duplicated webhook produced %d more messages", after-before)
	}

	msgs := fake.Messages()
	joined := ""
	for _, m := range msgs {
		if n, enc := gsm7.Segments(m.Body); n != 1 || enc != gsm7.GSM7 {
			t.Errorf("SMS of %d %s segments: %q", n, enc, m.Body)
		}
		if m.To != learner || m.From != "+15005550006" || !strings.HasPrefix(m.StatusCallback, s.base+"/webhooks/twilio/status?id=") {
			t.Errorf("form fields: %+v", m)
		}
		joined += m.Body + "\n"
	}
	for _, want := range []string{"Desa Cileunyi Kulon", "Pendaftaran selesai", "Pretest selesai", "Pelajaran 1/6", "Pelajaran 1 selesai"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the learner never received %q", want)
		}
	}
	if n := s.count(`SELECT attempts FROM outbox ORDER BY id LIMIT 1`); n != 4 {
		t.Errorf("the first reply took %d attempts; want 4 (500, 429, 503, then accepted)", n)
	}
	if n := s.count(`SELECT count(*) FROM outbox WHERE status <> 'sent'`); n != 0 {
		t.Errorf("%d replies not sent", n)
	}

	// Status callbacks, one of them late and out of order.
	for _, m := range msgs {
		s.post(strings.TrimPrefix(m.StatusCallback, s.base), url.Values{"MessageSid": {m.SID}, "MessageStatus": {"delivered"}, "AccountSid": {testSID}})
	}
	s.post("/webhooks/twilio/status", url.Values{"MessageSid": {msgs[0].SID}, "MessageStatus": {"sent"}, "AccountSid": {testSID}})
	s.post("/webhooks/twilio/status", url.Values{"MessageSid": {"SMunknown"}, "MessageStatus": {"delivered"}, "AccountSid": {testSID}})
	if n := s.count(`SELECT count(*) FROM outbox WHERE status = 'delivered'`); n != len(msgs) {
		t.Errorf("%d of %d rows delivered", n, len(msgs))
	}

	// An invalid number fails at once and is never retried.
	const invalid = "+6281299990002"
	fake.FailTo(invalid, faketwilio.Fault{Status: 400, Code: 21211})
	requests := fake.Requests()
	s.sms(invalid, "halo")
	s.settle()
	if got := fake.Requests() - requests; got != 1 {
		t.Errorf("the invalid number was tried %d times", got)
	}
	if n := s.count(`SELECT count(*) FROM outbox o JOIN learners l ON l.id = o.learner_id
		WHERE l.phone = $1 AND o.status = 'failed' AND o.attempts = 1 AND o.last_error LIKE '%21211%'`, invalid); n != 1 {
		t.Errorf("the reply to the invalid number is not failed after one attempt")
	}

	// A recipient who blocked us at Twilio is opted out.
	const blocked = "+6281299990003"
	fake.FailTo(blocked, faketwilio.Fault{Status: 400, Code: 21610})
	s.sms(blocked, "halo")
	s.settle()
	if n := s.count(`SELECT count(*) FROM learners WHERE phone = $1 AND opted_out_at IS NOT NULL`, blocked); n != 1 {
		t.Error("a recipient who replied STOP at Twilio is not opted out")
	}

	resp, err := http.Get(s.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	var body strings.Builder
	io.Copy(&body, resp.Body)
	resp.Body.Close()
	for _, want := range []string{`pamong_outbox_messages_total{channel="sms",status="sent"}`, `pamong_outbox_messages_total{channel="sms",status="retried"} 3`, "pamong_send_duration_seconds_bucket"} {
		if !strings.Contains(body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestServeRefusesHalfConfiguredExplicitSMS(t *testing.T) {
	p := privateCluster(t)
	q := pamong{t: t, env: append(append([]string{}, p.env...), "SMS_PROVIDER=twilio", "TWILIO_ACCOUNT_SID="+testSID)}
	r := q.run("", "serve")
	if r.code == 0 || !strings.Contains(r.stderr, "SMS_PROVIDER=twilio but Twilio is not configured") || !strings.Contains(r.stderr, "PAMONG_PUBLIC_URL") {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
}
