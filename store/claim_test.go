package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// TestClaimLooksPastAFrontOfWaitingRows pins the two ways the claim reaches
// rows beyond the front of the queue it usually looks at: a learner's
// first row found through the learner even when it sorts behind the rows
// that wait for it, and the deep claim for a learner whose rows sort
// behind a front in which nothing can go.
func TestClaimLooksPastAFrontOfWaitingRows(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	db.SetClock(pgtest.DaytimeClock())
	now := db.Now()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := store.ExecForTest(ctx, db, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO learners (id, phone) VALUES (1, '+6281400000001'), (2, '+6281400000002')`)
	// Learner 1: a first message put back for a retry due a second ago,
	// and 600 later messages due a minute ago, which sort before it.
	exec(`INSERT INTO outbox (id, learner_id, channel, to_address, text, next_attempt_at, attempts)
		VALUES (1, 1, 'sms', '+6281400000001', 'pertama', $1, 1)`, now.Add(-time.Second))
	exec(`INSERT INTO outbox (id, learner_id, channel, to_address, text, next_attempt_at)
		SELECT 1 + n, 1, 'sms', '+6281400000001', 'pesan ' || n, $1 FROM generate_series(1, 600) n`, now.Add(-time.Minute))
	store.DeepClaimsForTest(db, false)
	msgs, err := db.ClaimDue(ctx, []string{"sms"}, 32, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].ID != 1 {
		t.Fatalf("claimed %+v, want only learner 1's first message (its head, behind its waiting rows)", msgs)
	}
	// Learner 1's rows now all wait for message 1, being sent; learner 2's
	// message sorts after all 600 of them.
	exec(`INSERT INTO outbox (id, learner_id, channel, to_address, text, next_attempt_at)
		VALUES (1000, 2, 'sms', '+6281400000002', 'halo', $1)`, now.Add(-time.Second))
	msgs, err = db.ClaimDue(ctx, []string{"sms"}, 32, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 0 {
		t.Fatalf("the usual claim took %+v; learner 1's rows must wait and learner 2's is beyond the front", msgs)
	}
	store.DeepClaimsForTest(db, true)
	msgs, err = db.ClaimDue(ctx, []string{"sms"}, 32, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].ID != 1000 {
		t.Fatalf("the deep claim took %+v, want learner 2's message", msgs)
	}
}

// TestConnectionsRunWithoutJIT checks that the store's connections have
// JIT off: compiling the claim cost 100–200 ms a claim that runs in 0.5 ms.
func TestConnectionsRunWithoutJIT(t *testing.T) {
	db := pgtest.New(t)
	n, err := store.CountForTest(context.Background(), db, `SELECT count(*) FROM pg_settings WHERE name = 'jit' AND setting = 'off'`)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatal("JIT is on for the store's connections")
	}
}
