package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// An inbound message's replies wake the dispatchers once committed: the
// NOTIFY now follows the commit instead of being part of it, and a burst
// of messages may share one. Every wake must find the replies it was
// sent for.
func TestInboundWakesDispatchersAfterCommit(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db := pgtest.New(t)
	seedRegions(t, db)
	course := testCourse(t)
	seen := make(chan int, 100)
	if err := db.ListenOutbox(ctx, func() {
		n, err := store.CountForTest(ctx, db, `SELECT count(*) FROM outbox WHERE status = 'queued'`)
		if err != nil {
			n = -1
		}
		seen <- n
	}); err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"halo", "Siti Aminah", "3204052001"} {
		h := say(t, db, course, "+6281200000077", "wake-"+string(rune('a'+i)), text)
		if len(h.Replies) == 0 {
			t.Fatalf("%q got no reply", text)
		}
		var n int
		select {
		case n = <-seen:
		case <-ctx.Done():
			t.Fatalf("no NOTIFY after %q", text)
		}
		if n < 1 {
			t.Fatalf("woken after %q with %d queued rows in sight: the wake came before the commit", text, n)
		}
		// The outbox is emptied by hand, so that the next wake must see
		// the next message's rows, not these.
		if _, err := store.ExecForTest(ctx, db, `UPDATE outbox SET status = 'sent' WHERE status = 'queued'`); err != nil {
			t.Fatal(err)
		}
		for len(seen) > 0 {
			<-seen
		}
	}
}
