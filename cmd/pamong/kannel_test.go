package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/gsm7"
)

// The "done when": a handset registers and completes a lesson
// with its quiz purely by SMS through bearerbox → smsbox → Pamong → outbox
// → dispatcher → sendsms → bearerbox → the handset; every SMS it receives
// is one GSM-7 segment; DLRs move every row to delivered; stopping
// bearerbox mid-conversation loses nothing; a forged request gets 403.
func TestSMSConversationThroughKannel(t *testing.T) {
	start := time.Now()
	p := privateCluster(t)
	k := newKannelGateway(t)
	s := startServe(t, p, append(k.env(), "PAMONG_SMS_RATE=1000", "PAMONG_RETRY_BASE=100ms")...)
	g := &gate{target: s.base}
	gateSrv := newLoopbackServer(t, g)
	k.configure(gateSrv)
	k.start()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("Kannel logs:\n%s", k.logs())
		}
	})
	phones := &handsets{t: t, port: k.smscP}

	// A forged inbound request is refused and stores nothing.
	for _, secret := range []string{"", "&secret=wrong" + k.secret[5:]} {
		resp, err := http.Get(s.base + "/webhooks/kannel/sms?id=forged&from=6281299990001&text=halo" + secret)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("forged inbound: HTTP %d", resp.StatusCode)
		}
	}
	if n := s.count(`SELECT count(*) FROM inbound_messages`); n != 0 {
		t.Fatalf("a forged request stored %d messages", n)
	}

	// Kannel's own handset simulator: one SMS in, Pamong's answer out.
	fs := startProc(t, filepath.Join(k.dir, "fakesmsc.out"), fakesmscBin,
		"-H", "127.0.0.1", "-r", fmt.Sprint(k.smscP), "-m", "1", "081299990002 "+shortCode+" text halo")
	waitFor(t, "fakesmsc to receive Pamong's answer", func() bool {
		out, _ := os.ReadFile(filepath.Join(k.dir, "fakesmsc.out"))
		return strings.Contains(string(out), "Got message 1: <"+shortCode+" 6281299990002 text Selamat datang di Pamong")
	})
	fs.cmd.Process.Signal(os.Interrupt) // fakesmsc's way out; the SMSC takes one client at a time
	if !fs.wait(10 * time.Second) {
		t.Fatal("fakesmsc did not stop on SIGINT")
	}

	const learner = "6281299990001"
	phones.connect()
	// settled: Pamong has handled the learner's n-th SMS, every reply is
	// delivered (DLRs reached Pamong) and the handset holds exactly those
	// texts, in order.
	settled := func(n int, what string) {
		t.Helper()
		waitFor(t, what+" to reach Pamong", func() bool {
			return s.count(`SELECT count(*) FROM inbound_messages i JOIN learners l ON l.id = i.learner_id WHERE l.phone = $1`, "+"+learner) >= n
		})
		var state string
		deadline := time.Now().Add(30 * time.Second)
		for {
			var rows []struct{ Text, Status string }
			if err := s.db.Select(&rows, `SELECT o.text, o.status FROM outbox o JOIN learners l ON l.id = o.learner_id
				WHERE l.phone = $1 ORDER BY o.id`, "+"+learner); err != nil {
				t.Fatal(err)
			}
			got := phones.received(learner)
			done := len(got) == len(rows)
			state = fmt.Sprintf("the handset has %d SMS, the outbox %d rows:", len(got), len(rows))
			for i, r := range rows {
				done = done && r.Status == "delivered" && got[i].text == r.Text
				state += fmt.Sprintf("\n  %s %q", r.Status, r.Text)
			}
			if done {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; %s", what, state)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	script := []string{"halo", "Siti Aminah", "3204052001", "1", "3", "1", "2", "3", "1", "2", "1", "2", "1", "2"}
	const outageAt = 9 // the last pretest answer: its replies are several SMS
	for i, text := range script {
		if i != outageAt {
			phones.send(learner, text)
			settled(i+1, fmt.Sprintf("%q", text))
			continue
		}
		// Kannel hands the SMS over and is stopped before Pamong answers.
		hold := g.holdNext()
		phones.send(learner, text)
		var uri string
		select {
		case uri = <-hold:
		case <-time.After(30 * time.Second):
			t.Fatalf("smsbox never passed on %q", text)
		}
		k.stop()
		resp, err := http.Get(s.base + uri)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the held SMS: HTTP %d", resp.StatusCode)
		}
		waitFor(t, "the dispatcher to retry while Kannel is down", func() bool {
			return s.count(`SELECT count(*) FROM outbox WHERE status = 'queued' AND attempts >= 2 AND last_error LIKE '%smsbox unreachable%'`) > 0
		})
		// Back up, but the handsets' SMSC link is not: Kannel takes the
		// replies as "3: Queued for later delivery" and keeps them.
		k.start()
		waitFor(t, "Kannel to queue the replies", func() bool {
			return s.count(`SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')`) == 0
		})
		if n := s.count(`SELECT count(*) FROM outbox WHERE status = 'delivered' AND sent_at > now() - interval '1 minute' AND attempts >= 2`); n != 0 {
			t.Fatalf("%d retried replies delivered with no handset connected", n)
		}
		held := s.count(`SELECT count(*) FROM outbox WHERE status = 'sent'`)
		if status := k.status(); held == 0 || !strings.Contains(status, fmt.Sprintf("sent 0 (%d queued), store size %d", held, held)) {
			t.Fatalf("Kannel accepted %d replies but does not hold them:\n%s", held, status)
		}
		phones.connect()
		settled(i+1, "the replies held through the outage")
	}

	// smsbox retries a request it got no 200 for: the same id again
	// changes nothing.
	before := s.count(`SELECT count(*) FROM outbox`)
	var lastID string
	if err := s.db.Get(&lastID, `SELECT provider_id FROM inbound_messages ORDER BY id DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(s.base + "/webhooks/kannel/sms?secret=" + k.secret + "&id=" + lastID + "&from=" + learner + "&coding=0&charset=UTF-8&text=2")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if after := s.count(`SELECT count(*) FROM outbox`); resp.StatusCode != 200 || after != before {
		t.Fatalf("a repeated SMS: HTTP %d, %d more outbox rows", resp.StatusCode, after-before)
	}

	got := phones.received(learner)
	joined := ""
	for _, m := range got {
		if n, enc := gsm7.Segments(m.text); n != 1 || enc != gsm7.GSM7 || m.coding != "text" {
			t.Errorf("an SMS of %d %s segments sent with Kannel coding %q: %q", n, enc, m.coding, m.text)
		}
		joined += m.text + "\n"
	}
	for _, want := range []string{"Desa Cileunyi Kulon", "Pendaftaran selesai", "Pretest selesai", "Pelajaran 1 selesai"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the handset never received %q", want)
		}
	}
	if n := s.count(`SELECT count(*) FROM inbound_messages WHERE provider = 'kannel'`); n != len(script)+1 {
		t.Errorf("%d inbound messages recorded; want %d", n, len(script)+1)
	}
	if n := s.count(`SELECT count(*) FROM outbox WHERE provider <> 'kannel' OR status <> 'delivered'`); n != 0 {
		t.Errorf("%d outbox rows not delivered through Kannel", n)
	}
	t.Logf("%d SMS to the handset, %d from it, in %.1fs", len(got), len(script), time.Since(start).Seconds())
}

type namedSender struct{ name string }

func (n namedSender) Name() string { return n.name }
func (n namedSender) Send(context.Context, dispatch.Message) (string, error) {
	return "", nil
}

func TestSMSRoutes(t *testing.T) {
	tw, kn := namedSender{"twilio"}, namedSender{"kannel"}
	tests := []struct {
		provider string
		tw, kn   dispatch.Sender
		want     string // default, then extras
	}{
		{"", nil, nil, ""},
		{"", tw, nil, "twilio"},
		{"", nil, kn, "kannel"},
		{"", tw, kn, "kannel twilio"},
		{"twilio", tw, kn, "twilio kannel"},
		{"kannel", tw, kn, "kannel twilio"},
		{"twilio", tw, nil, "twilio"},
		{"kannel", nil, kn, "kannel"},
	}
	for _, tt := range tests {
		def, extra := smsRoutes(tt.provider, tt.tw, tt.kn)
		var got []string
		if def != nil {
			got = append(got, def.Name())
		}
		for _, e := range extra {
			got = append(got, e.Name())
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("SMS_PROVIDER=%q, twilio %v, kannel %v: %v; want %s", tt.provider, tt.tw != nil, tt.kn != nil, got, tt.want)
		}
	}
}

func TestServeRefusesHalfConfiguredKannel(t *testing.T) {
	p := privateCluster(t)
	q := pamong{t: t, env: append(append([]string{}, p.env...), "SMS_PROVIDER=kannel", "KANNEL_SENDSMS_URL=http://127.0.0.1:13013/cgi-bin/sendsms", "KANNEL_SECRET=short")}
	r := q.run("", "serve")
	for _, want := range []string{"SMS_PROVIDER=kannel but Kannel is not configured", "KANNEL_USERNAME", "KANNEL_SECRET must be at least 16", "PAMONG_PUBLIC_URL"} {
		if r.code == 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("exit %d, stderr lacks %q:\n%s", r.code, want, r.stderr)
		}
	}
}
