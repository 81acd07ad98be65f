package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/dispatch"
)

// markDeferred puts claimed rows back in the queue until their channel has
// room for them (dispatch.NotBefore), one row of the unnested arrays each
// (id, reason, how long from now in microseconds). The row was never offered to a provider,
// so the attempt the claim counted is taken back: waiting for capacity
// never uses up a message's attempts, however long the wait. A bulk row
// whose time falls in its learner's quiet hours waits for 08:00 instead
// (as a retry does), so that the claim does not look at it all night.
const markDeferred = `
UPDATE outbox SET status = 'queued', attempts = greatest(outbox.attempts - 1, 0),
    next_attempt_at = CASE WHEN outbox.priority = 1
        THEN pamong_next_window($4::timestamptz + r.wait * interval '1 microsecond', (SELECT l.village_code FROM learners l WHERE l.id = outbox.learner_id))
        ELSE $4::timestamptz + r.wait * interval '1 microsecond' END,
    last_error = r.reason, lease_until = NULL, updated_at = $4
FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS r(id, reason, wait)
WHERE outbox.id = r.id AND outbox.status = 'sending'`

// MarkDeferred puts claimed messages back in the queue for their Wait,
// counted on the store's clock (the sender's "not before" was on its own;
// a clock shifted for a drill must not make every deferral due at once),
// in one statement, without counting the attempt (the channel had no
// capacity; nothing was sent). A row that is no longer being sent is left
// alone.
func (d *DB) MarkDeferred(ctx context.Context, deferred []dispatch.Deferral) error {
	if len(deferred) == 0 {
		return nil
	}
	// In id order, so that two writers never wait on each other's rows.
	deferred = slices.SortedFunc(slices.Values(deferred), func(a, b dispatch.Deferral) int { return cmp.Compare(a.ID, b.ID) })
	ids, reasons, waits := make([]int64, len(deferred)), make([]string, len(deferred)), make([]int64, len(deferred))
	for i, r := range deferred {
		ids[i], reasons[i], waits[i] = r.ID, r.Reason, max(r.Wait, 0).Microseconds()
	}
	if _, err := d.db.ExecContext(ctx, markDeferred, pq.Array(ids), pq.Array(reasons), pq.Array(waits), d.now()); err != nil {
		return fmt.Errorf("defer %d outbox rows until their channel has room (first %d): %w", len(deferred), ids[0], err)
	}
	return nil
}
