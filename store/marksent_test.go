package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// A send the provider accepted while the database was away is recorded
// when it returns, even if its lease ran out and another process put the
// row back in the queue meanwhile: the row leaves the queue instead of
// going out twice. Once another attempt has claimed it, the late record
// changes nothing (that attempt records its own answer).
func TestMarkSentAfterTheLeaseRanOut(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	now := time.Now()
	db.SetClock(func() time.Time { return now })
	course := testCourse(t)
	say(t, db, course, "+6281200000020", "in-20", "halo")

	claim := func() (int64, int) {
		t.Helper()
		msgs, err := db.ClaimDue(ctx, []string{"whatsapp"}, 1, time.Minute)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("claim: %v %v", msgs, err)
		}
		return msgs[0].ID, msgs[0].Attempt
	}
	expire := func() {
		t.Helper()
		now = now.Add(2 * time.Minute)
		if n, err := db.ReleaseExpired(ctx, nil); err != nil || n != 1 {
			t.Fatalf("release expired: %d %v", n, err)
		}
	}
	statusOf := func(id int64) string {
		t.Helper()
		for _, st := range []string{"queued", "sending", "sent"} {
			n, err := store.CountForTest(ctx, db, "SELECT count(*) FROM outbox WHERE id = $1 AND status = $2", id, st)
			if err != nil {
				t.Fatal(err)
			}
			if n == 1 {
				return st
			}
		}
		return "other"
	}

	id, attempt := claim()
	// The process that holds the row keeps it, whatever its lease says.
	now = now.Add(2 * time.Minute)
	if n, err := db.ReleaseExpired(ctx, []int64{id}); err != nil || n != 0 {
		t.Fatalf("release expired, keeping %d: %d %v", id, n, err)
	}
	now = now.Add(-2 * time.Minute)
	expire()
	if err := db.MarkSent(ctx, []dispatch.Sent{{ID: id, Attempt: attempt, Provider: "whatsmeow", ProviderID: "W1"}}); err != nil {
		t.Fatal(err)
	}
	if got := statusOf(id); got != "sent" {
		t.Fatalf("a requeued row whose send was accepted is %s; want sent", got)
	}

	say(t, db, course, "+6281200000021", "in-21", "halo")
	id, first := claim()
	expire()
	if _, second := claim(); second != first+1 {
		t.Fatalf("second claim is attempt %d; want %d", second, first+1)
	}
	if err := db.MarkSent(ctx, []dispatch.Sent{{ID: id, Attempt: first, Provider: "whatsmeow", ProviderID: "W2"}}); err != nil {
		t.Fatal(err)
	}
	if got := statusOf(id); got != "sending" {
		t.Fatalf("a late record of attempt %d moved the row claimed again to %s", first, got)
	}
}

// One statement records several acceptances, each with its own provider
// id, and leaves alone a row whose attempt has moved on.
func TestMarkSentBatch(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	if _, err := store.ExecForTest(ctx, db, `INSERT INTO learners (id, phone) SELECT i, '+62814000000' || i FROM generate_series(1, 3) i`); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ExecForTest(ctx, db, `INSERT INTO outbox (id, learner_id, channel, to_address, text, next_attempt_at)
		SELECT i, i, 'sms', '+62814000000' || i, 'halo', now() - interval '1 minute' FROM generate_series(1, 3) i`); err != nil {
		t.Fatal(err)
	}
	msgs, err := db.ClaimDue(ctx, []string{"sms"}, 10, time.Minute)
	if err != nil || len(msgs) != 3 {
		t.Fatalf("claimed %d rows (%v); want 3", len(msgs), err)
	}
	sent := []dispatch.Sent{
		{ID: 3, Attempt: 2, Provider: "twilio", ProviderID: "SM3"}, // an attempt this row never had
		{ID: 1, Attempt: 1, Provider: "twilio", ProviderID: "SM1"},
		{ID: 2, Attempt: 1, Provider: "kannel", ProviderID: "K2"},
	}
	if err := db.MarkSent(ctx, sent); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		id   int64
		want string
	}{{1, "sent twilio SM1"}, {2, "sent kannel K2"}, {3, "sending  "}} {
		n, err := store.CountForTest(ctx, db, `SELECT count(*) FROM outbox WHERE id = $1 AND status || ' ' || provider || ' ' || coalesce(provider_id, '') = $2`, tt.id, tt.want)
		if err != nil || n != 1 {
			t.Errorf("row %d is not %q (%v)", tt.id, tt.want, err)
		}
	}
}

// One statement schedules several retries and answers each row's new
// status in the caller's order, "" for a row no longer being sent.
func TestMarkRetryBatch(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	for _, q := range []string{
		`INSERT INTO learners (id, phone) SELECT i, '+62814000000' || i FROM generate_series(1, 3) i`,
		`INSERT INTO outbox (id, learner_id, channel, to_address, text, next_attempt_at)
		 SELECT i, i, 'sms', '+62814000000' || i, 'halo', now() - interval '1 minute' FROM generate_series(1, 3) i`,
	} {
		if _, err := store.ExecForTest(ctx, db, q); err != nil {
			t.Fatal(err)
		}
	}
	if msgs, err := db.ClaimDue(ctx, []string{"sms"}, 10, time.Minute); err != nil || len(msgs) != 3 {
		t.Fatalf("claimed %d rows (%v); want 3", len(msgs), err)
	}
	// Row 2 was recorded sent meanwhile; row 3 has had its attempts.
	if _, err := store.ExecForTest(ctx, db, `UPDATE outbox SET status = CASE id WHEN 2 THEN 'sent' ELSE status END,
		attempts = CASE id WHEN 3 THEN 5 ELSE attempts END`); err != nil {
		t.Fatal(err)
	}
	next := db.Now().Add(time.Minute)
	statuses, err := db.MarkRetry(ctx, []dispatch.Retry{{ID: 3, Error: "e3", Next: next}, {ID: 2, Error: "e2", Next: next}, {ID: 1, Error: "e1", Next: next}},
		3, db.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"failed", "", "queued"}; !slices.Equal(statuses, want) {
		t.Fatalf("statuses %q; want %q", statuses, want)
	}
	n, err := store.CountForTest(ctx, db, `SELECT count(*) FROM outbox WHERE id = 1 AND last_error = 'e1' AND next_attempt_at = $1`, next)
	if err != nil || n != 1 {
		t.Fatalf("row 1 does not carry its own error and time (%v)", err)
	}
}
