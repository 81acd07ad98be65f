package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Delivery statuses a provider reports, in the order a message moves
// through them. A report never moves a row backwards: a late "sent" does
// not overwrite "delivered".
var deliveryRank = map[string]int{
	"queued": 0, "sending": 0, "sent": 1, "failed": 2, "delivered": 3, "read": 4,
	// Decided by us, not the provider: final.
	"superseded": 9, "cancelled": 9,
}

const (
	selectByProviderID = `SELECT id, learner_id, status, provider, attempts FROM outbox WHERE provider = $1 AND provider_id = $2 FOR UPDATE`
	selectByOutboxID   = `SELECT id, learner_id, status, provider, attempts FROM outbox WHERE id = $1 FOR UPDATE`
	updateDelivery     = `
UPDATE outbox SET status = $2,
    delivered_at = CASE WHEN $2 IN ('delivered', 'read') THEN coalesce(delivered_at, now()) ELSE delivered_at END,
    last_error = CASE WHEN $3 <> '' THEN $3 ELSE last_error END, updated_at = now()
WHERE id = $1`
)

// Delivery is a provider's report on a message it accepted.
type Delivery struct {
	Provider, ProviderID string
	// Status is sent, delivered, read or failed.
	Status string
	// Error is the provider's reason for a failure, kept for people.
	Error string
	// OptedOut means the recipient has blocked us at the provider.
	OptedOut bool
	// OutboxID and Attempt name the row and the attempt at sending it when
	// the provider echoes the reference the sender put in its callback URL
	// (dispatch.SignRef; the webhook checks the signature before it sets
	// them). They find the row even before the provider's answer to the
	// send was recorded: on a fast link the report can overtake it.
	OutboxID int64
	Attempt  int
}

// reportedRow is what decides whether a report may touch a row.
type reportedRow struct {
	ID        int64  `db:"id"`
	LearnerID int64  `db:"learner_id"`
	Status    string `db:"status"`
	Provider  string `db:"provider"`
	Attempts  int    `db:"attempts"`
}

// accepts tells whether report r is about row's message as its provider
// has it. A provider can only report on what it was given: a row it
// accepted (sent or later, through r.Provider), or a row still being sent
// when the signed reference names the attempt in progress, which only the
// sender for r.Provider could have put in the callback URL; each attempt
// goes to one sender, so that proves the provider has it. A queued row was
// never given to anyone (or is waiting for another attempt), and a
// cancelled or superseded one is settled by us: no report moves either.
func (row reportedRow) accepts(r Delivery) bool {
	sameAttempt := r.OutboxID == 0 || r.Attempt == row.Attempts
	switch row.Status {
	case "sending":
		return r.OutboxID != 0 && r.Attempt > 0 && r.Attempt == row.Attempts
	case "sent", "delivered", "read", "failed":
		return row.Provider == r.Provider && sameAttempt
	}
	return false
}

// RecordDelivery applies a delivery report. Reports for messages Pamong
// does not know, and reports a provider has no say on (see accepts), are
// ignored (found is false); reports older than what is recorded change
// nothing.
func (d *DB) RecordDelivery(ctx context.Context, r Delivery) (found bool, err error) {
	if _, ok := deliveryRank[r.Status]; !ok {
		return false, fmt.Errorf("record delivery of %s/%s: unknown status %q", r.Provider, r.ProviderID, r.Status)
	}
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("record delivery of %s/%s: %w", r.Provider, r.ProviderID, err)
	}
	defer tx.Rollback()
	var row reportedRow
	if r.OutboxID != 0 {
		err = tx.GetContext(ctx, &row, selectByOutboxID, r.OutboxID)
	} else {
		err = tx.GetContext(ctx, &row, selectByProviderID, r.Provider, r.ProviderID)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("record delivery of %s/%s: %w", r.Provider, r.ProviderID, err)
	}
	if !row.accepts(r) {
		return false, nil
	}
	if deliveryRank[r.Status] > deliveryRank[row.Status] {
		if _, err := tx.ExecContext(ctx, updateDelivery, row.ID, r.Status, r.Error); err != nil {
			return true, fmt.Errorf("record delivery of %s/%s: %w", r.Provider, r.ProviderID, err)
		}
	}
	if r.OptedOut {
		if err := optOut(ctx, tx, row.LearnerID, "recipient opted out at the provider"); err != nil {
			return true, err
		}
	}
	if err := tx.Commit(); err != nil {
		return true, fmt.Errorf("record delivery of %s/%s: %w", r.Provider, r.ProviderID, err)
	}
	return true, nil
}
