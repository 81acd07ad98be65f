package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/dispatch"
)

// The claim takes the next due rows for the given channels: replies before
// bulk, oldest first, and never a row while an earlier row of the same
// learner is still queued or being sent, so a learner's messages leave in
// the order they were written (an SMS copy of a WhatsApp message takes that
// message's place in the order) — except that a reply never waits behind
// bulk traffic that has not left yet (an announcement held for the
// learner's morning must not silence the conversation). Bulk rows leave
// only inside the learner's 08:00–20:00 (pamong_next_window). Nothing goes
// that outbox_unwanted (migration 00018) refuses — to a learner who opted
// out, but the confirmation written with the opt-out; of a cancelled
// announcement — however a row came to be queued (written while the opt-out
// or the cancel committed, put back by a retry, or a fallback copy). SKIP LOCKED
// lets several dispatchers claim side by side without waiting on or taking
// each other's rows.
//
// The usual claim (claimDueFront) costs the same whatever the depth of the
// queue. Rows that must wait
// for an earlier row of their learner are due but not claimable; a scan
// over every due row would walk all of them whenever fewer than limit rows
// can go (a few learners with long backlogs: 1.9 s a claim at 200,000
// rows). So the candidates are the first $5 due rows in claim order (the
// front) and the head of each learner seen there (its first unfinished row
// in send order, found through outbox_learner_order even when it sorts
// beyond the front, say a retry due later than the rows waiting behind
// it). Every candidate then passes the same checks as before, each an index
// probe (OFFSET 0 keeps the planner from turning the order check into a
// hash over every unfinished row). A row is never claimed that a scan over
// everything would not claim; it may only wait until the rows ahead of it
// in the front have gone. The deep claim (claimDueDeep), every few seconds,
// scans every due row as the claim always did, so that a front full of
// waiting rows cannot hold back the rest for long.
const (
	// claimFront finds the candidates: the front and its learners' heads.
	claimFront = `
WITH front AS (
    SELECT f.id, f.learner_id FROM outbox f
    WHERE f.status = 'queued' AND f.next_attempt_at <= $1 AND f.channel = ANY($2)
    ORDER BY f.priority, f.next_attempt_at, f.id
    LIMIT $5
), candidates AS (
    SELECT id FROM front
    UNION
    SELECT h.id FROM (SELECT DISTINCT learner_id FROM front) fl
    CROSS JOIN LATERAL (
        SELECT e.id FROM outbox e
        WHERE e.learner_id = fl.learner_id AND e.status IN ('queued', 'sending')
        ORDER BY e.learner_id, coalesce(e.fallback_of, e.id), e.id
        LIMIT 1) h
), due AS (
    SELECT o.id FROM outbox o
    WHERE o.id IN (SELECT id FROM candidates) AND `
	// claimDeep has every due row for a candidate.
	claimDeep = `
WITH due AS (
    SELECT o.id FROM outbox o
    WHERE `
	// claimRule is what a row must satisfy to be claimed, and the claim.
	claimRule = `o.status = 'queued' AND o.next_attempt_at <= $1 AND o.channel = ANY($2)
      AND NOT EXISTS (
          SELECT 1 FROM outbox e
          WHERE e.learner_id = o.learner_id AND e.status IN ('queued', 'sending')
            AND (coalesce(e.fallback_of, e.id), e.id) < (coalesce(o.fallback_of, o.id), o.id)
            AND NOT (o.priority = 0 AND e.priority = 1 AND e.status = 'queued')
          OFFSET 0)
      AND EXISTS (
          SELECT 1 FROM learners l
          WHERE l.id = o.learner_id AND (o.priority = 0 OR pamong_next_window($1, l.village_code) = $1))
      AND NOT EXISTS (SELECT FROM outbox_unwanted(o.learner_id, coalesce(o.fallback_of, o.id), o.priority, o.announcement_id))
    ORDER BY o.priority, o.next_attempt_at, o.id
    LIMIT $3
    FOR UPDATE OF o SKIP LOCKED
)
UPDATE outbox o SET status = 'sending', attempts = o.attempts + 1, lease_until = $4, updated_at = $1
FROM due WHERE o.id = due.id
RETURNING o.id, o.learner_id, o.channel, o.provider, o.to_address, o.text, o.segments, o.attempts, o.priority = 1,
          coalesce(jsonb_path_query_first(o.content, '$[*].attachment') #>> '{}', ''),
          coalesce((SELECT a.over_cap = 'spill' FROM announcements a WHERE a.id = o.announcement_id), false)`
	claimDueFront = claimFront + claimRule
	claimDueDeep  = claimDeep + claimRule
)

// frontSize is how many due rows a claim of limit looks at: enough that
// rows waiting behind their learner's earlier rows, and rows another
// dispatcher holds, still leave limit claimable ones among them.
func frontSize(limit int) int { return max(8*limit, 256) }

// deepClaimEvery is how often a claim looks past the front. A front full
// of rows that wait (a crashed dispatcher's rows keep their learners'
// later rows waiting until the lease runs out) must not keep the learners
// behind them waiting that long. The deep claim stops at limit claimable
// rows (1 ms over a 200,000-row broadcast), but where few can go it walks
// every waiting row (1.4 s over 200,000 rows of 64 learners), so it runs
// once every 5 s, not more.
const deepClaimEvery = 5 * time.Second

// ClaimDue claims up to limit due messages for the channels that have a
// sender, leasing them until now+lease. It looks at the front of the queue
// only, except once every deepClaimEvery (per DB handle).
func (d *DB) ClaimDue(ctx context.Context, channels []string, limit int, lease time.Duration) ([]dispatch.Message, error) {
	now := d.now()
	query, args := claimDueFront, []any{now, pq.Array(channels), limit, now.Add(lease), frontSize(limit)}
	if next := d.deepClaimAt.Load(); now.UnixNano() >= next && d.deepClaimAt.CompareAndSwap(next, now.Add(deepClaimEvery).UnixNano()) {
		query, args = claimDueDeep, args[:4]
	}
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	defer rows.Close()
	var msgs []dispatch.Message
	for rows.Next() {
		var m dispatch.Message
		if err := rows.Scan(&m.ID, &m.LearnerID, &m.Channel, &m.Provider, &m.To, &m.Text, &m.Segments, &m.Attempt, &m.Bulk, &m.Attachment, &m.SpillToSMS); err != nil {
			return nil, fmt.Errorf("claim outbox rows: %w", err)
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	return msgs, nil
}
