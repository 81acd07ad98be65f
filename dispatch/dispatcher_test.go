package dispatch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// fakeSender records what it is asked to send; fn decides each outcome.
type fakeSender struct {
	mu   sync.Mutex
	sent []dispatch.Message
	// inflight tracks learners with a send in progress, to catch two
	// messages of one learner handed over at once.
	inflight map[int64]bool
	overlap  bool
	fn       func(m dispatch.Message, n int) error
}

func (f *fakeSender) Name() string { return "fake" }

func (f *fakeSender) Send(ctx context.Context, m dispatch.Message) (string, error) {
	f.mu.Lock()
	if f.inflight == nil {
		f.inflight = map[int64]bool{}
	}
	if f.inflight[m.LearnerID] {
		f.overlap = true
	}
	f.inflight[m.LearnerID] = true
	n := 0
	for _, s := range f.sent {
		if s.ID == m.ID {
			n++
		}
	}
	f.mu.Unlock()
	var err error
	if f.fn != nil {
		err = f.fn(m, n)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.inflight, m.LearnerID)
	f.sent = append(f.sent, m)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("fake-%d-%d", m.ID, n), nil
}

func (f *fakeSender) messages() []dispatch.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]dispatch.Message(nil), f.sent...)
}

type fixture struct {
	t   testing.TB
	db  *store.DB
	sql *sqlx.DB
	now func() time.Time // the store's clock
}

func newBenchFixture(b *testing.B) *fixture { return newFixture(b) }

func newFixture(t testing.TB) *fixture {
	url := pgtest.URL(t)
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := pgtest.DaytimeClock()
	db.SetClock(clock)
	raw, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return &fixture{t: t, db: db, sql: raw, now: clock}
}

// queue writes n SMS messages for a learner (created if new) and returns
// their ids.
func (f *fixture) queue(phone string, priority, n int) []int64 {
	return f.queueOn("sms", phone, priority, n)
}

// queueOn writes n messages on a channel, with the source message kept as
// the engine keeps it (for re-rendering on fallback).
func (f *fixture) queueOn(channel, phone string, priority, n int) []int64 {
	f.t.Helper()
	var learner int64
	if err := f.sql.Get(&learner, `INSERT INTO learners (phone) VALUES ($1)
		ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone RETURNING id`, phone); err != nil {
		f.t.Fatal(err)
	}
	var ids []int64
	for i := range n {
		var id int64
		text := fmt.Sprintf("pesan %d", i+1)
		content := fmt.Sprintf(`[{"kind":"text","title":"Judul","text":"%s — “kutipan”"}]`, text)
		if err := f.sql.Get(&id, `INSERT INTO outbox (learner_id, channel, to_address, text, priority, content)
			VALUES ($1, $5, $2, $3, $4, $6) RETURNING id`, learner, phone, text, priority, channel, content); err != nil {
			f.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// queueMany writes n messages spread over learners with perLearner each,
// in one statement.
func (f *fixture) queueMany(n, perLearner int) {
	f.t.Helper()
	if _, err := f.sql.Exec(`
		WITH l AS (INSERT INTO learners (phone) SELECT '+62816' || lpad(g::text, 8, '0') FROM generate_series(1, ($1::int + $2::int - 1) / $2::int) g RETURNING id, phone)
		INSERT INTO outbox (learner_id, channel, to_address, text)
		SELECT id, 'sms', phone, 'Pesan uji ' || k FROM l, generate_series(1, $2::int) k ORDER BY k, id LIMIT $1::int`, n, perLearner); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) status(id int64) (status string, attempts int) {
	f.t.Helper()
	row := struct {
		Status   string `db:"status"`
		Attempts int    `db:"attempts"`
	}{}
	if err := f.sql.Get(&row, `SELECT status, attempts FROM outbox WHERE id = $1`, id); err != nil {
		f.t.Fatal(err)
	}
	return row.Status, row.Attempts
}

// waitUntil polls a condition with a deadline (no fixed sleeps).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (f *fixture) count(query string, args ...any) int {
	var n int
	if err := f.sql.Get(&n, query, args...); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func start(t *testing.T, st dispatch.Store, s dispatch.Sender, cfg dispatch.Config) (stop func()) {
	if cfg.Poll == 0 {
		cfg.Poll = 10 * time.Millisecond
	}
	if cfg.BackoffBase == 0 {
		cfg.BackoffBase, cfg.BackoffMax = time.Millisecond, 5*time.Millisecond
	}
	d := dispatch.New(st, map[string]dispatch.Sender{"sms": s}, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

func TestOrderPerLearnerAndRepliesFirst(t *testing.T) {
	f := newFixture(t)
	bulk := f.queue("+6281100000009", 1, 3)
	var perLearner [][]int64
	for i := range 6 {
		perLearner = append(perLearner, f.queue(fmt.Sprintf("+62811000000%02d", i), 0, 5))
	}
	s := &fakeSender{fn: func(dispatch.Message, int) error { time.Sleep(time.Millisecond); return nil }}
	start(t, f.db, s, dispatch.Config{Workers: 4})
	waitUntil(t, "all 33 messages are sent", func() bool { return len(s.messages()) == 33 })
	if s.overlap {
		t.Error("two messages of one learner were with the provider at the same time")
	}
	pos := map[int64]int{}
	for i, m := range s.messages() {
		pos[m.ID] = i
	}
	for _, ids := range perLearner {
		for i := 1; i < len(ids); i++ {
			if pos[ids[i]] < pos[ids[i-1]] {
				t.Errorf("message %d left before %d of the same learner", ids[i], ids[i-1])
			}
		}
	}
	for _, ids := range append(perLearner, bulk) {
		for _, id := range ids {
			if st, n := f.status(id); st != "sent" || n != 1 {
				t.Errorf("message %d: %s after %d attempts", id, st, n)
			}
		}
	}
}

// With one worker the claim order is the send order: every reply, even one
// queued after the announcement, leaves before bulk traffic.
func TestRepliesBeforeBulk(t *testing.T) {
	f := newFixture(t)
	bulk := f.queue("+6281100000101", 1, 2)
	bulk = append(bulk, f.queue("+6281100000102", 1, 2)...)
	replies := f.queue("+6281100000103", 0, 3)
	s := &fakeSender{}
	start(t, f.db, s, dispatch.Config{Workers: 1})
	waitUntil(t, "all are sent", func() bool { return len(s.messages()) == 7 })
	for i, m := range s.messages()[:3] {
		if m.ID != replies[i] {
			t.Fatalf("send %d was message %d; want reply %d (bulk: %v)", i, m.ID, replies[i], bulk)
		}
	}
}

func TestFailuresAreClassified(t *testing.T) {
	f := newFixture(t)
	retried := f.queue("+6281200000001", 0, 1)[0]
	invalid := f.queue("+6281200000002", 0, 1)[0]
	stopped := f.queue("+6281200000003", 0, 3)
	giveUp := f.queue("+6281200000004", 0, 1)[0]
	s := &fakeSender{fn: func(m dispatch.Message, n int) error {
		switch {
		case m.ID == retried && n < 2:
			return dispatch.Retryable("500", errors.New("server error"))
		case m.ID == retried:
			return nil
		case m.ID == invalid:
			return dispatch.Permanent("21211", errors.New("invalid To"))
		case m.ID == stopped[0]:
			return dispatch.OptedOut("21610", errors.New("unsubscribed"))
		case m.ID == giveUp:
			return errors.New("connection reset")
		}
		return nil
	}}
	start(t, f.db, s, dispatch.Config{Workers: 2, MaxAttempts: 4})
	waitUntil(t, "every message settles", func() bool {
		return f.count(`SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')`) == 0
	})
	for _, tt := range []struct {
		id       int64
		status   string
		attempts int
	}{{retried, "sent", 3}, {invalid, "failed", 1}, {stopped[0], "failed", 1}, {stopped[1], "cancelled", 0}, {stopped[2], "cancelled", 0}, {giveUp, "failed", 4}} {
		if st, n := f.status(tt.id); st != tt.status || n != tt.attempts {
			t.Errorf("message %d: %s after %d attempts; want %s after %d", tt.id, st, n, tt.status, tt.attempts)
		}
	}
	if n := f.count(`SELECT count(*) FROM learners WHERE phone = '+6281200000003' AND opted_out_at IS NOT NULL`); n != 1 {
		t.Error("learner who opted out at the provider is not marked opted out")
	}
}

// crashingStore stops recording anything once crashed: the process died
// after the provider accepted messages but before the outbox heard of it.
type crashingStore struct {
	*store.DB
	mu      sync.Mutex
	crashed bool
}

func (c *crashingStore) crash() { c.mu.Lock(); c.crashed = true; c.mu.Unlock() }
func (c *crashingStore) dead() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.crashed
}

var errDead = errors.New("process is dead")

func (c *crashingStore) ClaimDue(ctx context.Context, ch []string, n int, lease time.Duration) ([]dispatch.Message, error) {
	if c.dead() {
		return nil, errDead
	}
	return c.DB.ClaimDue(ctx, ch, n, lease)
}
func (c *crashingStore) MarkSent(ctx context.Context, sent []dispatch.Sent) error {
	if c.dead() {
		return errDead
	}
	return c.DB.MarkSent(ctx, sent)
}
func (c *crashingStore) Release(ctx context.Context, ids []int64) error {
	if c.dead() {
		return errDead
	}
	return c.DB.Release(ctx, ids)
}

// A dispatcher dies mid-batch with sends in flight; a new one takes over.
// Nothing is lost, and only the messages that were in flight at the crash
// (at most Workers) may reach the provider twice.
func TestCrashMidBatchLosesNothing(t *testing.T) {
	f := newFixture(t)
	var all []int64
	for i := range 20 {
		all = append(all, f.queue(fmt.Sprintf("+628130000%04d", i), 0, 3)...)
	}
	const workers = 4
	cs := &crashingStore{DB: f.db}
	first := &fakeSender{}
	// What the first process handed to the provider while it lived: once
	// it is dead it sends nothing more, as a killed process cannot; only
	// the sends in flight at the crash may go twice.
	var (
		mu       sync.Mutex
		accepted []dispatch.Message
	)
	first.fn = func(m dispatch.Message, _ int) error {
		if cs.dead() {
			return errDead
		}
		if len(first.messages()) == 25 {
			cs.crash()
		}
		mu.Lock()
		accepted = append(accepted, m)
		mu.Unlock()
		return nil
	}
	// The dead process cannot record what was accepted; stopping it gives
	// up on that at once, as a crash would.
	stop := start(t, cs, first, dispatch.Config{Workers: workers, Lease: 300 * time.Millisecond, RecordGrace: time.Millisecond})
	waitUntil(t, "the first dispatcher crashes", cs.dead)
	stop()

	second := &fakeSender{}
	start(t, f.db, second, dispatch.Config{Workers: workers, Lease: 300 * time.Millisecond})
	waitUntil(t, "every message is sent", func() bool {
		return f.count(`SELECT count(*) FROM outbox WHERE status <> 'sent'`) == 0
	})
	got := map[int64]int{}
	mu.Lock()
	for _, m := range append(accepted, second.messages()...) {
		got[m.ID]++
	}
	mu.Unlock()
	dups := 0
	for _, id := range all {
		switch got[id] {
		case 0:
			t.Errorf("message %d was never sent", id)
		case 1:
		default:
			dups += got[id] - 1
		}
	}
	t.Logf("crash after %d sends: %d duplicates", len(accepted), dups)
	if dups > workers {
		t.Errorf("%d messages sent twice; the in-flight bound is %d", dups, workers)
	}
}

func TestShutdownHandsBackUnsentClaims(t *testing.T) {
	f := newFixture(t)
	ids := f.queue("+6281400000001", 0, 1)
	ids = append(ids, f.queue("+6281400000002", 0, 1)...)
	release := make(chan struct{})
	s := &fakeSender{fn: func(dispatch.Message, int) error { <-release; return nil }}
	// A rate of 0.001/s with burst 1: the second message is never claimed
	// (the claim takes only what the rate has room for), so the stop finds
	// one send in flight and one row untouched in the queue.
	stop := start(t, f.db, s, dispatch.Config{Workers: 2, Rates: map[string]float64{"sms": 0.001}})
	waitUntil(t, "one send in progress", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.inflight) == 1
	})
	if n := f.count(`SELECT count(*) FROM outbox WHERE status = 'sending'`); n != 1 {
		t.Errorf("%d rows claimed; want only the one the rate has room for", n)
	}
	go func() { time.Sleep(20 * time.Millisecond); close(release) }()
	stop()
	sent, queued := 0, 0
	for _, id := range ids {
		switch st, n := f.status(id); {
		case st == "sent" && n == 1:
			sent++
		case st == "queued" && n == 0:
			queued++
		default:
			t.Errorf("message %d: %s after %d attempts", id, st, n)
		}
	}
	if sent != 1 || queued != 1 {
		t.Errorf("%d sent, %d handed back; want 1 and 1", sent, queued)
	}
}

// An announcement held for the learner's morning does not hold up the
// replies to what they write at night, and leaves at 08:00 their time.
func TestQuietHoursHoldBulkButNeverReplies(t *testing.T) {
	f := newFixture(t)
	bulk := f.queue("+6281700000001", 1, 1)[0]
	reply := f.queue("+6281700000001", 0, 1)[0]
	if _, err := f.sql.Exec(`UPDATE outbox SET next_attempt_at = '2026-01-01T00:00:00Z'`); err != nil {
		t.Fatal(err)
	}
	night := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC) // 22:00 WIB
	f.db.SetClock(func() time.Time { return night })
	s := &fakeSender{}
	stop := start(t, f.db, s, dispatch.Config{Workers: 2})
	waitUntil(t, "the reply is sent", func() bool { st, _ := f.status(reply); return st == "sent" })
	waitUntil(t, "the announcement is held until 08:00 WIB", func() bool {
		return f.count(`SELECT count(*) FROM outbox WHERE id = $1 AND status = 'queued' AND next_attempt_at = '2026-11-24T01:00:00Z'`, bulk) == 1
	})
	stop()
	if len(s.messages()) != 1 {
		t.Fatalf("%d messages left at night; want only the reply", len(s.messages()))
	}
	morning := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	f.db.SetClock(func() time.Time { return morning })
	start(t, f.db, s, dispatch.Config{Workers: 2})
	waitUntil(t, "the announcement leaves in the morning", func() bool { st, _ := f.status(bulk); return st == "sent" })
}
