package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/bot"
)

// fallbackRow is a WhatsApp message about to be replaced by SMS.
type fallbackRow struct {
	ID        int64  `db:"id"`
	LearnerID int64  `db:"learner_id"`
	To        string `db:"to_address"`
	Text      string `db:"text"`
	Content   []byte `db:"content"`
	Priority  int    `db:"priority"`
	InReplyTo *int64 `db:"in_reply_to"`
}

const (
	lockForFallback = `
SELECT id, learner_id, to_address, text, content, priority, in_reply_to FROM outbox
WHERE id = $1 AND channel = 'whatsapp' AND status IN ('sending', 'sent') FOR UPDATE`
	// unwantedFallback tells whether a WhatsApp row must not be sent again
	// at all: its announcement was cancelled, or its learner opted out (bulk
	// traffic) or opted out after it was written (a reply).
	unwantedFallback = `
SELECT EXISTS (SELECT 1 FROM announcements a WHERE a.id = o.announcement_id AND a.cancelled_at IS NOT NULL)
    OR (l.opted_out_at IS NOT NULL AND (o.priority = 1 OR o.created_at < l.opted_out_at))
FROM outbox o JOIN learners l ON l.id = o.learner_id WHERE o.id = $1`
	selectUnconfirmed = `
SELECT id, learner_id, to_address, text, content, priority, in_reply_to FROM outbox
WHERE status = 'sent' AND channel = 'whatsapp' AND sent_at < $1 AND provider <> 'terminal'
ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`
	supersede = `
UPDATE outbox SET status = 'superseded', last_error = $2, lease_until = NULL, updated_at = now() WHERE id = $1`
	// The SMS copy belongs to the same announcement, and bulk traffic keeps
	// to the learner's 08:00–20:00.
	insertFallback = `
INSERT INTO outbox (learner_id, channel, to_address, text, content, segments, priority, in_reply_to, fallback_of,
                    announcement_id, next_attempt_at)
SELECT $1::bigint, 'sms', $2, $3, $4, 1, $5::smallint, $6::bigint, o.id, o.announcement_id,
       CASE WHEN $5::smallint = 1
            THEN pamong_next_window($8, (SELECT l.village_code FROM learners l WHERE l.id = $1::bigint))
            ELSE $8 END
FROM outbox o WHERE o.id = $7::bigint`
	preferSMS = `UPDATE learners SET preferred_channel = 'sms', updated_at = now() WHERE id = $1`
)

// FallBack replaces a WhatsApp message that cannot be delivered now by the
// same message rendered for SMS (single GSM-7 segments), in one
// transaction; the WhatsApp row becomes superseded. With preferSMSFromNow
// (the number is not on WhatsApp at all) the learner's preferred channel
// becomes SMS. A row that is no longer pending on WhatsApp is left alone.
func (d *DB) FallBack(ctx context.Context, id int64, reason string, preferSMSFromNow bool) error {
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("fall back outbox row %d to SMS: %w", id, err)
	}
	defer tx.Rollback()
	var rows []fallbackRow
	if err := tx.SelectContext(ctx, &rows, lockForFallback, id); err != nil {
		return fmt.Errorf("fall back outbox row %d to SMS: %w", id, err)
	}
	if len(rows) == 0 {
		return nil
	}
	if err := d.fallBack(ctx, tx, rows[0], reason); err != nil {
		return err
	}
	if preferSMSFromNow {
		if _, err := tx.ExecContext(ctx, preferSMS, rows[0].LearnerID); err != nil {
			return fmt.Errorf("prefer SMS for learner %d: %w", rows[0].LearnerID, err)
		}
	}
	if err := notify(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("fall back outbox row %d to SMS: %w", id, err)
	}
	return nil
}

// FallBackUnconfirmed sends by SMS the WhatsApp messages accepted more than
// after ago that no delivery receipt has confirmed, at most limit of them,
// and tells how many. Each message falls back at most once: the SMS copies
// are never swept again, and a receipt arriving for the superseded
// WhatsApp row later changes nothing (the learner may see both, once).
func (d *DB) FallBackUnconfirmed(ctx context.Context, after time.Duration, limit int) (int, error) {
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("fall back unconfirmed WhatsApp messages: %w", err)
	}
	defer tx.Rollback()
	var rows []fallbackRow
	if err := tx.SelectContext(ctx, &rows, selectUnconfirmed, d.now().Add(-after), limit); err != nil {
		return 0, fmt.Errorf("fall back unconfirmed WhatsApp messages: %w", err)
	}
	for _, r := range rows {
		if err := d.fallBack(ctx, tx, r, fmt.Sprintf("no WhatsApp delivery receipt within %s", after)); err != nil {
			return 0, err
		}
	}
	if len(rows) > 0 {
		if err := notify(ctx, tx); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("fall back unconfirmed WhatsApp messages: %w", err)
	}
	return len(rows), nil
}

func (d *DB) fallBack(ctx context.Context, tx *sqlx.Tx, r fallbackRow, reason string) error {
	var unwanted bool
	if err := tx.GetContext(ctx, &unwanted, unwantedFallback, r.ID); err != nil {
		return fmt.Errorf("fall back outbox row %d: %w", r.ID, err)
	}
	if unwanted {
		// Superseded without a copy: it must not reach the learner again.
		if _, err := tx.ExecContext(ctx, supersede, r.ID, "not sent by SMS: "+reason+"; cancelled or opted out"); err != nil {
			return fmt.Errorf("supersede outbox row %d: %w", r.ID, err)
		}
		return nil
	}
	var msgs []bot.Message
	if err := json.Unmarshal(r.Content, &msgs); err != nil || len(msgs) == 0 {
		// Rows written without their source messages: send the text itself.
		msgs = []bot.Message{{Kind: bot.KindText, Text: r.Text}}
	}
	for _, part := range bot.Render(bot.SMS, msgs) {
		content, err := json.Marshal(part.Content)
		if err != nil {
			return fmt.Errorf("fall back outbox row %d: %w", r.ID, err)
		}
		if _, err := tx.ExecContext(ctx, insertFallback, r.LearnerID, r.To, part.Text, content, r.Priority, r.InReplyTo, r.ID, d.now()); err != nil {
			return fmt.Errorf("queue SMS copy of outbox row %d: %w", r.ID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, supersede, r.ID, "sent by SMS instead: "+reason); err != nil {
		return fmt.Errorf("supersede outbox row %d: %w", r.ID, err)
	}
	return nil
}

func notify(ctx context.Context, tx execer) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_notify($1, '')", outboxChannel); err != nil {
		return fmt.Errorf("notify dispatcher: %w", err)
	}
	return nil
}
