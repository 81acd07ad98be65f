package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/store"
)

// claimResult is the claim's cost at one queue depth.
type claimResult struct {
	depth       int
	deep        time.Duration // the first claim: a scan of every due row
	frontMedian time.Duration // the usual claim, over the front of the queue
	frontMax    time.Duration
}

// The probe queue: bulk rows for the broadcast's officials, several a
// learner when the depth is above their number (so that most due rows
// wait behind their learner's first, the case that made the claim's cost
// grow), all due.
const (
	deleteProbe = `DELETE FROM outbox WHERE text = 'probe'`
	seedProbe   = `
INSERT INTO outbox (learner_id, channel, to_address, text, priority, next_attempt_at, created_at)
SELECT l.id, 'sms', l.phone, 'probe', 1, $2, $2
FROM (SELECT id, phone FROM learners WHERE phone LIKE '+62815%') l
CROSS JOIN generate_series(1, $3) n
ORDER BY n, l.id
LIMIT $1`
	vacuumOutbox = `VACUUM ANALYZE outbox`
	// requeueProbe puts claimed rows back, untimed, so that every claim
	// sees the same depth.
	requeueProbe = `UPDATE outbox SET status = 'queued', attempts = 0, lease_until = NULL WHERE id = ANY($1)`
	// claimsPerDepth claims are timed at each depth.
	claimsPerDepth = 25
	claimLimit     = 32
)

// claimCost times the dispatcher's claim (store.ClaimDue, the statement
// the servers run) at each depth, with the servers stopped so that
// nothing else touches the queue.
func (r *loadRun) claimCost(ctx context.Context) ([]claimResult, error) {
	// The servers' clock: bulk rows are claimable in the officials'
	// daytime only.
	clock := func() time.Time { return time.Now().Add(r.shift) }
	var out []claimResult
	for _, depth := range r.c.claimDepths {
		perLearner := (depth + r.c.recipients - 1) / r.c.recipients
		for _, q := range []struct {
			what string
			sql  string
			args []any
		}{
			{"clear the probe rows", deleteProbe, nil},
			{"queue the probe rows", seedProbe, []any{depth, clock().Add(-time.Minute), perLearner}},
			{"vacuum the outbox", vacuumOutbox, nil},
		} {
			if _, err := r.db.ExecContext(ctx, q.sql, q.args...); err != nil {
				return nil, fmt.Errorf("claim at depth %d: %s: %w", depth, q.what, err)
			}
		}
		// A new handle, so that its first claim is the deep one.
		probe, err := store.Open(ctx, r.dbURL)
		if err != nil {
			return nil, err
		}
		probe.SetClock(clock)
		var times []time.Duration
		for range claimsPerDepth {
			t0 := time.Now()
			msgs, err := probe.ClaimDue(ctx, []string{"sms"}, claimLimit, time.Hour)
			took := time.Since(t0)
			if err != nil {
				probe.Close()
				return nil, fmt.Errorf("claim at depth %d: %w", depth, err)
			}
			if len(msgs) == 0 {
				probe.Close()
				return nil, fmt.Errorf("claim at depth %d found nothing to claim", depth)
			}
			times = append(times, took)
			ids := make([]int64, len(msgs))
			for i, m := range msgs {
				ids[i] = m.ID
			}
			if _, err := r.db.ExecContext(ctx, requeueProbe, pq.Array(ids)); err != nil {
				probe.Close()
				return nil, fmt.Errorf("claim at depth %d: put the claimed rows back: %w", depth, err)
			}
		}
		probe.Close()
		front := slices.Clone(times[1:])
		slices.Sort(front)
		res := claimResult{depth: depth, deep: times[0], frontMedian: front[len(front)/2], frontMax: front[len(front)-1]}
		fmt.Fprintf(r.w, "  %7d rows: deep claim %s, usual claim median %s (max %s) for %d rows\n",
			depth, ms(res.deep), ms(res.frontMedian), ms(res.frontMax), claimLimit)
		out = append(out, res)
	}
	if _, err := r.db.ExecContext(ctx, deleteProbe); err != nil {
		return nil, fmt.Errorf("clear the probe rows: %w", err)
	}
	return out, nil
}
