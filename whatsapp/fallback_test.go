package whatsapp

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/gsm7"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/lessons"
	"github.com/pamong-desa/pamong/store"
)

// smsRecorder stands in for the SMS gateway.
type smsRecorder struct {
	mu   sync.Mutex
	sent []dispatch.Message
}

func (s *smsRecorder) Name() string { return "twilio" }

func (s *smsRecorder) Send(_ context.Context, m dispatch.Message) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m)
	return "SM" + time.Now().Format("150405.000000000"), nil
}

func (s *smsRecorder) to(phone string) []dispatch.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []dispatch.Message
	for _, m := range s.sent {
		if m.To == phone {
			out = append(out, m)
		}
	}
	return out
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The adapter on a fake WhatsApp client, wired into the real dispatcher
// and store: WhatsApp accepts the replies but no receipt ever comes, so
// after PAMONG_FALLBACK_AFTER they are sent again by SMS, exactly once; a
// learner who is not on WhatsApp is served by SMS from the first message.
func TestFallbackThroughTheRealDispatcher(t *testing.T) {
	url := pgtest.URL(t)
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetClock(pgtest.DaytimeClock())
	raw := sqlx.MustOpen("postgres", url)
	defer raw.Close()
	count := func(q string, args ...any) int {
		var n int
		if err := raw.Get(&n, q, args...); err != nil {
			t.Fatal(err)
		}
		return n
	}
	course, err := lessons.BundledDefault()
	if err != nil {
		t.Fatal(err)
	}
	client := newFakeClient()
	const notOnWA = "+6281299998888"
	client.notOnWA = map[string]bool{notOnWA: true}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	wa := New(client, db, course, Config{BulkInterval: time.Millisecond, BulkPerHour: 1000, Pause: time.Hour}, quiet)
	wa.Start()
	defer wa.Close()
	sms := &smsRecorder{}
	const after = 400 * time.Millisecond
	d := dispatch.New(db, map[string]dispatch.Sender{"whatsapp": wa, "sms": sms},
		dispatch.Config{Workers: 4, Poll: 20 * time.Millisecond, FallbackAfter: after}, quiet, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	// A learner writes on WhatsApp; the reply goes out on WhatsApp and no
	// receipt comes back.
	if !wa.handleEvent(textFrom("W1", learnerPN, "halo")) {
		t.Fatal("inbound message not handled")
	}
	const learner = "+6281234567890"
	waitUntil(t, "the reply is accepted by WhatsApp", func() bool {
		return count(`SELECT count(*) FROM outbox WHERE channel = 'whatsapp' AND status = 'sent'`) == 1
	})
	if len(sms.to(learner)) != 0 {
		t.Fatal("SMS went out before the fallback delay")
	}
	waitUntil(t, "the reply falls back to SMS", func() bool { return len(sms.to(learner)) == 1 })
	waitUntil(t, "the SMS copy is recorded", func() bool {
		return count(`SELECT count(*) FROM outbox WHERE channel = 'sms' AND status = 'sent' AND fallback_of IS NOT NULL`) == 1
	})
	if m := sms.to(learner)[0]; func() bool { n, enc := gsm7.Segments(m.Text); return n != 1 || enc != gsm7.GSM7 }() {
		t.Errorf("SMS copy is not one GSM-7 segment: %q", m.Text)
	}
	// Let several more sweeps pass: the copy is never sent again.
	deadline := time.Now().Add(3 * after)
	waitUntil(t, "three more fallback periods", func() bool { return time.Now().After(deadline) })
	if n := len(sms.to(learner)); n != 1 {
		t.Errorf("%d SMS copies; want exactly 1", n)
	}
	if n := count(`SELECT count(*) FROM outbox WHERE status = 'superseded'`); n != 1 {
		t.Errorf("%d WhatsApp rows superseded; want 1", n)
	}

	// An announcement-like message to a number that is not on WhatsApp.
	if _, err := raw.Exec(`WITH l AS (INSERT INTO learners (phone, name) VALUES ($1, 'Made') RETURNING id)
		INSERT INTO outbox (learner_id, channel, to_address, text, priority, content)
		SELECT id, 'whatsapp', $1, 'Pelatihan dimulai Senin.', 1, '[{"kind":"text","text":"Pelatihan dimulai Senin."}]' FROM l`, notOnWA); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the message goes by SMS at once", func() bool { return len(sms.to(notOnWA)) == 1 })
	client.mu.Lock()
	for _, s := range client.sent {
		if "+"+s.to.User == notOnWA {
			t.Error("a message went to WhatsApp for a number that is not on it")
		}
	}
	client.mu.Unlock()
	if n := count(`SELECT count(*) FROM learners WHERE phone = $1 AND preferred_channel = 'sms'`, notOnWA); n != 1 {
		t.Error("the learner who is not on WhatsApp does not prefer SMS now")
	}
}
