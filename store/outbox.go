package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/dispatch"
)

// markSent records the provider's acceptance of attempts of messages, one
// row of the unnested arrays each (id, attempt, provider, provider id). A
// delivery report that overtook it (status already delivered, read or
// failed) keeps its status. A row that went back to the queue because its
// lease ran out while the database was unreachable, and that nobody has
// claimed again since (attempts unchanged), is taken out of the queue
// again: the provider has it, and sending it again would deliver it twice.
// A row that has moved on to another attempt is left alone.
const markSent = `
UPDATE outbox o SET status = CASE WHEN o.status IN ('sending', 'queued') THEN 'sent' ELSE o.status END,
       provider = s.provider, provider_id = s.provider_id, sent_at = $5, lease_until = NULL, updated_at = $5
FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[]) AS s(id, attempt, provider, provider_id)
WHERE o.id = s.id AND o.attempts = s.attempt AND o.status IN ('queued', 'sending', 'sent', 'delivered', 'read', 'failed')`

// MarkSent records, in one statement, that providers accepted the given
// attempts (a dispatcher writes the acceptances of all its workers
// together: a commit per message was most of the cost of a drain). It
// changes nothing for a row that has moved on to another attempt (another
// dispatcher took it after the lease ran out).
func (d *DB) MarkSent(ctx context.Context, sent []dispatch.Sent) error {
	if len(sent) == 0 {
		return nil
	}
	// In id order, so that two writers never wait on each other's rows.
	sent = slices.SortedFunc(slices.Values(sent), func(a, b dispatch.Sent) int { return cmp.Compare(a.ID, b.ID) })
	ids, attempts := make([]int64, len(sent)), make([]int64, len(sent))
	providers, providerIDs := make([]string, len(sent)), make([]string, len(sent))
	for i, s := range sent {
		ids[i], attempts[i], providers[i], providerIDs[i] = s.ID, int64(s.Attempt), s.Provider, s.ProviderID
	}
	if _, err := d.db.ExecContext(ctx, markSent, pq.Array(ids), pq.Array(attempts), pq.Array(providers), pq.Array(providerIDs), d.now()); err != nil {
		return fmt.Errorf("mark %d outbox rows sent (first %d): %w", len(sent), ids[0], err)
	}
	return nil
}

// markRetry puts rows back in the queue for a later attempt, one row of
// the unnested arrays each (id, error, when), or fails those that have had
// their attempts or are too old to be worth sending. A bulk retry that
// would fall in the learner's quiet hours waits for 08:00 in their time
// zone (pamong_next_window, migration 00005). A row that must never leave
// (outbox_unwanted, migration 00018) is cancelled instead.
const markRetry = `
UPDATE outbox SET
    status = CASE WHEN EXISTS (SELECT FROM outbox_unwanted(outbox.learner_id, coalesce(outbox.fallback_of, outbox.id),
                                                           outbox.priority, outbox.announcement_id)) THEN 'cancelled'
                  WHEN outbox.attempts >= $4 OR outbox.created_at < $5 THEN 'failed'
                  ELSE 'queued' END,
    next_attempt_at = CASE WHEN outbox.priority = 1
        THEN pamong_next_window(r.next, (SELECT l.village_code FROM learners l WHERE l.id = outbox.learner_id))
        ELSE r.next END,
    last_error = r.err, lease_until = NULL, updated_at = now()
FROM unnest($1::bigint[], $2::text[], $3::timestamptz[]) AS r(id, err, next)
WHERE outbox.id = r.id AND outbox.status = 'sending'
RETURNING outbox.id, outbox.status`

// MarkRetry schedules, in one statement, another attempt of each message
// at its Next, unless it has had maxAttempts or was created before oldest,
// and tells each row's new status, in order: queued, failed, cancelled (it
// must not leave any more), or "" for a row no longer being sent.
func (d *DB) MarkRetry(ctx context.Context, retries []dispatch.Retry, maxAttempts int, oldest time.Time) ([]string, error) {
	if len(retries) == 0 {
		return nil, nil
	}
	// In id order, so that two writers never wait on each other's rows.
	sorted := slices.SortedFunc(slices.Values(retries), func(a, b dispatch.Retry) int { return cmp.Compare(a.ID, b.ID) })
	ids, errs, next := make([]int64, len(sorted)), make([]string, len(sorted)), make([]string, len(sorted))
	for i, r := range sorted {
		ids[i], errs[i], next[i] = r.ID, r.Error, r.Next.UTC().Format(time.RFC3339Nano)
	}
	rows, err := d.db.QueryContext(ctx, markRetry, pq.Array(ids), pq.Array(errs), pq.Array(next), maxAttempts, oldest)
	if err != nil {
		return nil, fmt.Errorf("schedule retry of %d outbox rows (first %d): %w", len(retries), ids[0], err)
	}
	defer rows.Close()
	status := make(map[int64]string, len(retries))
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			return nil, fmt.Errorf("schedule retry of %d outbox rows (first %d): %w", len(retries), ids[0], err)
		}
		status[id] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("schedule retry of %d outbox rows (first %d): %w", len(retries), ids[0], err)
	}
	statuses := make([]string, len(retries))
	for i, r := range retries {
		statuses[i] = status[r.ID]
	}
	return statuses, nil
}

const (
	markFailed = `
UPDATE outbox SET status = CASE WHEN status = 'sending' THEN 'failed' ELSE status END,
    last_error = $2, lease_until = NULL, updated_at = now()
WHERE id = $1
RETURNING learner_id`
	optOutLearner = `UPDATE learners SET opted_out_at = coalesce(opted_out_at, now()), updated_at = now() WHERE id = $1`
	cancelQueued  = `UPDATE outbox SET status = 'cancelled', last_error = $2, updated_at = now() WHERE learner_id = $1 AND status = 'queued'`
)

// MarkFailed records a permanent failure. When the provider says the
// recipient opted out, the learner is marked opted out and whatever else
// is queued for them is cancelled, in the same transaction.
func (d *DB) MarkFailed(ctx context.Context, id int64, sendErr string, optedOut bool) error {
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("fail outbox row %d: %w", id, err)
	}
	defer tx.Rollback()
	var learnerID int64
	if err := tx.GetContext(ctx, &learnerID, markFailed, id, sendErr); err != nil {
		return fmt.Errorf("fail outbox row %d: %w", id, err)
	}
	if optedOut {
		if err := optOut(ctx, tx, learnerID, "recipient opted out at the provider"); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("fail outbox row %d: %w", id, err)
	}
	return nil
}

func optOut(ctx context.Context, tx execer, learnerID int64, why string) error {
	if _, err := tx.ExecContext(ctx, optOutLearner, learnerID); err != nil {
		return fmt.Errorf("opt out learner %d: %w", learnerID, err)
	}
	if _, err := tx.ExecContext(ctx, cancelQueued, learnerID, why); err != nil {
		return fmt.Errorf("cancel messages of learner %d: %w", learnerID, err)
	}
	return nil
}

const releaseExpired = `
UPDATE outbox SET status = 'queued', lease_until = NULL, last_error = 'lease expired: the sender stopped before recording an answer', updated_at = now()
WHERE status = 'sending' AND lease_until < $1 AND id <> ALL(coalesce($2::bigint[], '{}'))`

// ReleaseExpired returns rows whose claim outlived its lease to the queue:
// the process that claimed them died. They may have reached the provider,
// so they may be sent twice; that is the at-least-once window. The caller's
// own rows still in hand (keep) are left alone whatever their lease says:
// it is alive and will record their outcome (a database outage can outlast
// a lease).
func (d *DB) ReleaseExpired(ctx context.Context, keep []int64) (int64, error) {
	res, err := d.db.ExecContext(ctx, releaseExpired, d.now(), pq.Array(keep))
	if err != nil {
		return 0, fmt.Errorf("release expired claims: %w", err)
	}
	return res.RowsAffected()
}

const release = `
UPDATE outbox SET status = 'queued', attempts = attempts - 1, lease_until = NULL, updated_at = now()
WHERE id = ANY($1) AND status = 'sending'`

// Release hands back claimed rows that were never offered to a provider
// (a dispatcher shutting down), without counting an attempt.
func (d *DB) Release(ctx context.Context, ids []int64) error {
	if _, err := d.db.ExecContext(ctx, release, pq.Array(ids)); err != nil {
		return fmt.Errorf("release outbox rows: %w", err)
	}
	return nil
}

// holdForQuietHours moves due bulk rows whose learner is outside 08:00–20:00
// to their next morning, so the claim does not keep looking at them all
// night (an announcement still going out at 20:00 stops there).
const holdForQuietHours = `
UPDATE outbox o SET next_attempt_at = pamong_next_window($1, l.village_code), updated_at = now()
FROM learners l
WHERE l.id = o.learner_id AND o.status = 'queued' AND o.priority = 1 AND o.next_attempt_at <= $1
  AND pamong_next_window($1, l.village_code) > $1`

// cancelUnwanted cancels queued rows the claim will never take
// (outbox_unwanted), each with the rule's reason.
const cancelUnwanted = `
UPDATE outbox o SET status = 'cancelled', updated_at = now(),
    last_error = (SELECT why FROM outbox_unwanted(o.learner_id, coalesce(o.fallback_of, o.id), o.priority, o.announcement_id) AS why LIMIT 1)
WHERE o.status = 'queued'
  AND EXISTS (SELECT FROM outbox_unwanted(o.learner_id, coalesce(o.fallback_of, o.id), o.priority, o.announcement_id))`

// CancelUnwantedAndHoldForQuietHours is the dispatcher's periodic sweep of
// queued bulk traffic: it cancels queued messages that must never leave
// (outbox_unwanted: opted out, announcement cancelled), then defers due
// bulk messages of learners whose local time is outside 08:00–20:00 to
// their next 08:00, and tells how many rows it cancelled and how many it
// held.
func (d *DB) CancelUnwantedAndHoldForQuietHours(ctx context.Context) (cancelled, held int64, err error) {
	res, err := d.db.ExecContext(ctx, cancelUnwanted)
	if err != nil {
		return 0, 0, fmt.Errorf("cancel unwanted queued messages: %w", err)
	}
	cancelled, _ = res.RowsAffected()
	res, err = d.db.ExecContext(ctx, holdForQuietHours, d.now())
	if err != nil {
		return cancelled, 0, fmt.Errorf("hold bulk messages for quiet hours: %w", err)
	}
	held, _ = res.RowsAffected()
	return cancelled, held, nil
}

const outboxDepth = `SELECT channel, status, count(*) FROM outbox WHERE status IN ('queued', 'sending') GROUP BY channel, status`

// OutboxDepth counts unfinished rows by channel and status, for metrics.
func (d *DB) OutboxDepth(ctx context.Context) (map[[2]string]int, error) {
	rows, err := d.db.QueryContext(ctx, outboxDepth)
	if err != nil {
		return nil, fmt.Errorf("measure outbox: %w", err)
	}
	defer rows.Close()
	depth := map[[2]string]int{}
	for rows.Next() {
		var ch, st string
		var n int
		if err := rows.Scan(&ch, &st, &n); err != nil {
			return nil, fmt.Errorf("measure outbox: %w", err)
		}
		depth[[2]string{ch, st}] = n
	}
	return depth, rows.Err()
}
