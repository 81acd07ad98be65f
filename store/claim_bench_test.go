package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/dispatch"
	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// claimShapes are the queues the claim must stay flat over. broadcast is
// one bulk row for each of depth learners: every row is claimable. backlog
// is the worst case the inbound load makes: 64 learners with depth/64
// replies each, and the head of three learners in four already being sent,
// so the rows behind those heads are due but must wait and a claim finds
// fewer rows than it asks for (it cannot stop early).
var claimShapes = []struct {
	name     string
	learners func(depth int) int
}{
	{"broadcast", func(depth int) int { return depth }},
	{"backlog", func(int) int { return 64 }},
}

// seedQueue writes depth queued SMS rows for the given number of learners,
// interleaved as conversations write them, all due a minute ago.
func seedQueue(tb testing.TB, db *store.DB, depth, learners int) {
	tb.Helper()
	ctx := context.Background()
	if _, err := store.ExecForTest(ctx, db, `INSERT INTO learners (phone, village_code, preferred_channel)
		SELECT '+62814' || lpad(i::text, 8, '0'), '52.01.01.2001', 'sms' FROM generate_series(1, $1) i`, learners); err != nil {
		tb.Fatal(err)
	}
	priority := 1
	if learners < depth {
		priority = 0
	}
	if _, err := store.ExecForTest(ctx, db, `INSERT INTO outbox (learner_id, channel, to_address, text, priority, next_attempt_at, created_at)
		SELECT l.id, 'sms', l.phone, 'pesan ' || n, $2, $3, $3
		FROM learners l CROSS JOIN generate_series(1, $1) n ORDER BY n, l.id`, depth/learners, priority, db.Now().Add(-time.Minute)); err != nil {
		tb.Fatal(err)
	}
	if learners < depth {
		if _, err := store.ExecForTest(ctx, db, `UPDATE outbox SET status = 'sending', attempts = 1, lease_until = $1
			WHERE id IN (SELECT min(id) FROM outbox WHERE learner_id % 4 <> 0 GROUP BY learner_id)`, db.Now().Add(time.Hour)); err != nil {
			tb.Fatal(err)
		}
	}
	for _, q := range []string{`VACUUM ANALYZE outbox`, `ANALYZE learners`} {
		if _, err := store.ExecForTest(ctx, db, q); err != nil {
			tb.Fatal(err)
		}
	}
}

// requeue acknowledges claimed rows and queues as many new ones for the
// same learners, behind what they have, so the depth stays what it was.
func requeue(b *testing.B, db *store.DB, msgs []dispatch.Message) {
	b.Helper()
	ctx := context.Background()
	ids := make([]int64, 0, len(msgs))
	sent := make([]dispatch.Sent, 0, len(msgs))
	for _, m := range msgs {
		sent = append(sent, dispatch.Sent{ID: m.ID, Attempt: m.Attempt, Provider: "twilio", ProviderID: fmt.Sprintf("SM%d", m.ID)})
		ids = append(ids, m.ID)
	}
	if err := db.MarkSent(ctx, sent); err != nil {
		b.Fatal(err)
	}
	if _, err := store.ExecForTest(ctx, db, `INSERT INTO outbox (learner_id, channel, to_address, text, priority, next_attempt_at, created_at)
		SELECT learner_id, channel, to_address, text, priority, next_attempt_at, created_at FROM outbox WHERE id = ANY($1) ORDER BY id`, pq.Array(ids)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkClaimDepth measures one claim of up to 32 rows, each followed
// (untimed) by the acknowledgement of what it took and as many new rows,
// over queues of 1,000, 20,000 and 200,000 rows. Its cost must not grow
// with the depth. It times the usual claim, over the front of the queue,
// and logs the time of the deep claim (every 5 s, over everything)
// from EXPLAIN ANALYZE; with -v it logs both plans.
func BenchmarkClaimDepth(b *testing.B) {
	ctx := context.Background()
	for _, shape := range claimShapes {
		for _, depth := range []int{1000, 20000, 200000} {
			b.Run(fmt.Sprintf("%s/depth=%d", shape.name, depth), func(b *testing.B) {
				db := pgtest.New(b)
				db.SetClock(pgtest.DaytimeClock())
				seedQueue(b, db, depth, shape.learners(depth))
				for _, deep := range []bool{false, true} {
					plan, err := store.ExplainClaimForTest(ctx, db, []string{"sms"}, 32, deep)
					if err != nil {
						b.Fatal(err)
					}
					lines := strings.Split(plan, "\n")
					b.Logf("deep=%v at %d queued rows (%s): %s", deep, depth, shape.name, strings.TrimSpace(lines[len(lines)-1]))
					if testing.Verbose() {
						b.Logf("plan:\n%s", plan)
					}
				}
				store.DeepClaimsForTest(db, false)
				claimed := 0
				b.ResetTimer()
				for range b.N {
					msgs, err := db.ClaimDue(ctx, []string{"sms"}, 32, time.Minute)
					if err != nil {
						b.Fatal(err)
					}
					claimed += len(msgs)
					b.StopTimer()
					requeue(b, db, msgs)
					b.StartTimer()
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/claim")
				b.ReportMetric(float64(claimed)/float64(b.N), "rows/claim")
			})
		}
	}
}
