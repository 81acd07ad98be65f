package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/bot"
)

// fallbackRow is a WhatsApp message about to be replaced by SMS.
type fallbackRow struct {
	ID        int64  `db:"id"`
	Text      string `db:"text"`
	Content   []byte `db:"content"`
	LearnerID int64  `db:"learner_id"`
	// Unwanted means the row must not be sent again at all
	// (outbox_unwanted, migration 00018).
	Unwanted bool `db:"unwanted"`
}

const (
	fallbackColumns = `
SELECT o.id, o.text,
       -- An announcement's rows leave its content to the announcement.
       CASE WHEN o.announcement_id IS NULL OR o.content <> '{}' THEN o.content
            ELSE (SELECT a.content FROM announcements a WHERE a.id = o.announcement_id) END AS content,
       o.learner_id,
       EXISTS (SELECT FROM outbox_unwanted(o.learner_id, coalesce(o.fallback_of, o.id), o.priority, o.announcement_id)) AS unwanted
FROM outbox o`
	lockForFallback = fallbackColumns + `
WHERE o.id = $1 AND o.channel = 'whatsapp' AND o.status IN ('sending', 'sent') FOR UPDATE OF o`
	selectUnconfirmed = fallbackColumns + `
WHERE o.status = 'sent' AND o.channel = 'whatsapp' AND o.sent_at < $1 AND o.provider <> 'terminal'
ORDER BY o.id LIMIT $2 FOR UPDATE OF o SKIP LOCKED`
	// insertFallbacks writes the SMS copies, one row of the unnested arrays
	// each (the WhatsApp row it replaces, text, content), in that order.
	// Each copy belongs to the same learner and announcement as its
	// original, and bulk traffic keeps to the learner's 08:00–20:00.
	insertFallbacks = `
INSERT INTO outbox (learner_id, channel, to_address, text, content, segments, priority, in_reply_to, fallback_of,
                    announcement_id, next_attempt_at)
SELECT o.learner_id, 'sms', o.to_address, p.text, p.content::jsonb, 1, o.priority, o.in_reply_to, o.id,
       o.announcement_id, CASE WHEN o.priority = 1 THEN pamong_next_window($4, l.village_code) ELSE $4 END
FROM unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY AS p(original, text, content, n)
JOIN outbox o ON o.id = p.original
JOIN learners l ON l.id = o.learner_id
ORDER BY p.n`
	supersede = `
UPDATE outbox SET status = 'superseded', last_error = r.reason, lease_until = NULL, updated_at = now()
FROM unnest($1::bigint[], $2::text[]) AS r(id, reason)
WHERE outbox.id = r.id`
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
	if err := d.fallBack(ctx, tx, rows, reason); err != nil {
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
// and tells how many, in three statements whatever their number. Each
// message falls back at most once: the SMS copies are never swept again,
// and a receipt arriving for the superseded WhatsApp row later changes
// nothing (the learner may see both, once).
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
	if len(rows) == 0 {
		return 0, nil
	}
	if err := d.fallBack(ctx, tx, rows, fmt.Sprintf("no WhatsApp delivery receipt within %s", after)); err != nil {
		return 0, err
	}
	if err := notify(ctx, tx); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("fall back unconfirmed WhatsApp messages: %w", err)
	}
	return len(rows), nil
}

// fallBack queues the SMS copies of the wanted rows in one statement and
// supersedes every row in another; an unwanted row is superseded without a
// copy: it must not reach the learner again.
func (d *DB) fallBack(ctx context.Context, tx *sqlx.Tx, rows []fallbackRow, reason string) error {
	var originals []int64
	var texts, contents []string
	ids, reasons := make([]int64, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
		if r.Unwanted {
			reasons[i] = "not sent by SMS: " + reason + "; cancelled or opted out"
			continue
		}
		reasons[i] = "sent by SMS instead: " + reason
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
			originals = append(originals, r.ID)
			texts = append(texts, part.Text)
			contents = append(contents, string(content))
		}
	}
	if len(originals) > 0 {
		if _, err := tx.ExecContext(ctx, insertFallbacks, pq.Array(originals), pq.Array(texts), pq.Array(contents), d.now()); err != nil {
			return fmt.Errorf("queue SMS copies of %d outbox rows (first %d): %w", len(rows), rows[0].ID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, supersede, pq.Array(ids), pq.Array(reasons)); err != nil {
		return fmt.Errorf("supersede %d outbox rows (first %d): %w", len(rows), rows[0].ID, err)
	}
	return nil
}

func notify(ctx context.Context, tx execer) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_notify($1, '')", outboxChannel); err != nil {
		return fmt.Errorf("notify dispatcher: %w", err)
	}
	return nil
}
