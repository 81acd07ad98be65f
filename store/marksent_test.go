package store_test

import (
	"context"
	"testing"
	"time"

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
	if err := db.MarkSent(ctx, id, attempt, "whatsmeow", "W1"); err != nil {
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
	if err := db.MarkSent(ctx, id, first, "whatsmeow", "W2"); err != nil {
		t.Fatal(err)
	}
	if got := statusOf(id); got != "sending" {
		t.Fatalf("a late record of attempt %d moved the row claimed again to %s", first, got)
	}
}
