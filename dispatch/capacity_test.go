package dispatch_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/dispatch"
)

// Two processes share the queue, each with 8 workers, a short lease and
// PAMONG_SMS_RATE at 0.05 a second (one SMS each now, the next in 20 s).
// A worker that waited on the limiter after claiming held its row past the
// lease: the other process's sweep put it back, claimed it again and both
// would send it. Now a row is claimed only when the limiter has room for
// it, so nothing is claimed twice and no lease runs out while a worker
// waits.
func TestLowSMSRateNeverOutlivesALease(t *testing.T) {
	f := newFixture(t)
	var ids []int64
	for i := range 6 {
		ids = append(ids, f.queue(fmt.Sprintf("+628140000%04d", i), 1, 1)...)
	}
	const lease = time.Second
	s := &fakeSender{}
	cfg := dispatch.Config{Workers: 8, Lease: lease, Rates: map[string]float64{"sms": 0.05}}
	start(t, f.db, s, cfg)
	start(t, f.db, s, cfg)
	waitUntil(t, "each process sends the one SMS its rate allows now", func() bool { return len(s.messages()) == 2 })
	// Watch for three leases: long enough for any claimed row to outlive
	// its lease and be swept back by the other process.
	for end := time.Now().Add(3 * lease); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if n := f.count(`SELECT count(*) FROM outbox WHERE status = 'sending' AND lease_until < $1`, f.now()); n > 0 {
			var rows []struct {
				ID    int64     `db:"id"`
				Lease time.Time `db:"lease_until"`
				Err   string    `db:"last_error"`
			}
			f.sql.Select(&rows, `SELECT id, lease_until, coalesce(last_error, '') AS last_error FROM outbox WHERE status = 'sending'`)
			t.Fatalf("%d rows outlived their lease while a worker held them (now %v): %+v", n, f.now(), rows)
		}
		if n := f.count(`SELECT count(*) FROM outbox WHERE attempts > 1 OR last_error LIKE 'lease expired%'`); n > 0 {
			t.Fatalf("%d rows were claimed again after their lease ran out: they would be sent twice", n)
		}
	}
	if got := len(s.messages()); got != 2 {
		t.Fatalf("%d SMS sent at 0.05 a second by two processes within a second; want 2", got)
	}
	seen := map[int64]bool{}
	for _, m := range s.messages() {
		if seen[m.ID] {
			t.Fatalf("message %d sent twice", m.ID)
		}
		seen[m.ID] = true
	}
	if n := f.count(`SELECT count(*) FROM outbox WHERE status = 'queued' AND attempts = 0`); n != 4 {
		t.Fatalf("%d rows wait in the queue untouched; want the 4 the rate has no room for", n)
	}
}

// notBeforeSender answers "not before" for the first try of each message,
// as WhatsApp's pacing does, and accepts it afterwards.
type notBeforeSender struct {
	*fakeSender
	gap   time.Duration
	mu    sync.Mutex
	at    map[int64]time.Time // when each message was refused
	early []int64             // offered again before the time named
}

// A channel without room answers "not before T": the row goes back to the
// queue until T without counting an attempt and without a worker waiting,
// and leaves after T with its first attempt.
func TestNotBeforeDefersWithoutAnAttempt(t *testing.T) {
	f := newFixture(t)
	ids := f.queueOn("whatsapp", "+6281400010001", 1, 2)
	wa := &notBeforeSender{gap: 400 * time.Millisecond, at: map[int64]time.Time{}}
	wa.fakeSender = &fakeSender{fn: func(m dispatch.Message, n int) error {
		wa.mu.Lock()
		defer wa.mu.Unlock()
		refused, ok := wa.at[m.ID]
		if !ok {
			wa.at[m.ID] = time.Now()
			return dispatch.NotBefore("paced", time.Now().Add(wa.gap), errors.New("next bulk slot later"))
		}
		if time.Since(refused) < wa.gap {
			wa.early = append(wa.early, m.ID)
		}
		return nil
	}}
	sms := namedSender{&fakeSender{}, "twilio"}
	startBoth(t, f.db, namedSender{wa.fakeSender, "whatsmeow"}, sms, dispatch.Config{Workers: 4})
	waitUntil(t, "both are sent", func() bool {
		return f.count(`SELECT count(*) FROM outbox WHERE status = 'sent'`) == 2
	})
	for _, id := range ids {
		if st, n := f.status(id); st != "sent" || n != 1 {
			t.Errorf("message %d: %s after %d attempts; want sent after 1 (waiting is not an attempt)", id, st, n)
		}
	}
	if got := len(wa.messages()); got != 4 {
		t.Errorf("%d offers to WhatsApp; want 4 (each refused once, then accepted)", got)
	}
	for _, m := range wa.messages() {
		if m.Attempt != 1 {
			t.Errorf("message %d offered as attempt %d; want 1", m.ID, m.Attempt)
		}
	}
	if n := f.count(`SELECT count(*) FROM outbox WHERE last_error LIKE 'no capacity (paced) until %'`); n != 2 {
		t.Errorf("%d rows say why they waited; want 2", n)
	}
	wa.mu.Lock()
	defer wa.mu.Unlock()
	if len(wa.early) > 0 {
		t.Errorf("messages %v were offered again before the time the channel named", wa.early)
	}
	if len(sms.messages()) != 0 {
		t.Errorf("%d messages went by SMS; a pacing gap is waited out on WhatsApp", len(sms.messages()))
	}
}

// Over WhatsApp's hourly cap an announcement waits for WhatsApp capacity,
// unless its sender chose to spill to SMS (issue 13, finding 1: it used to
// go by SMS whatever was chosen, unpriced).
func TestOverTheCapWaitsUnlessTheAnnouncementSpills(t *testing.T) {
	f := newFixture(t)
	announce := func(phone, fallback string) int64 {
		t.Helper()
		var a int64
		if err := f.sql.Get(&a, `INSERT INTO announcements (scope, text, over_cap) VALUES ('', 'x', $1) RETURNING id`, fallback); err != nil {
			t.Fatal(err)
		}
		id := f.queueOn("whatsapp", phone, 1, 1)[0]
		if _, err := f.sql.Exec(`UPDATE outbox SET announcement_id = $1 WHERE id = $2`, a, id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	waits := announce("+6281400020001", "wait")
	spills := announce("+6281400020002", "spill")
	capFree := time.Now().Add(time.Hour)
	wa := namedSender{&fakeSender{fn: func(m dispatch.Message, n int) error {
		return dispatch.OverCap("hourly-cap", capFree, errors.New("200 bot-initiated WhatsApp messages in the last hour"))
	}}, "whatsmeow"}
	sms := namedSender{&fakeSender{}, "twilio"}
	startBoth(t, f.db, wa, sms, dispatch.Config{Workers: 4})
	waitUntil(t, "the spilling announcement goes by SMS", func() bool { return len(sms.messages()) == 1 })
	waitUntil(t, "the waiting one is back in the queue for the hour", func() bool {
		return f.count(`SELECT count(*) FROM outbox WHERE id = $1 AND status = 'queued' AND attempts = 0
			AND next_attempt_at > $2`, waits, f.now().Add(50*time.Minute)) == 1
	})
	if st, _ := f.status(spills); st != "superseded" {
		t.Errorf("spilling WhatsApp message is %s; want superseded by its SMS copy", st)
	}
	if n := f.count(`SELECT count(*) FROM outbox WHERE fallback_of = $1`, waits); n != 0 {
		t.Errorf("the announcement that chose to wait got %d SMS copies", n)
	}
}
