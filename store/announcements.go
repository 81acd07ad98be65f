package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/region"
)

// AudienceCount is who an announcement would reach.
type AudienceCount struct {
	// WhatsApp and SMS count the recipients by preferred channel.
	WhatsApp int `db:"whatsapp"`
	SMS      int `db:"sms"`
	// OptedOut match the audience but are never sent anything.
	OptedOut int `db:"opted_out"`
	// Held are recipients for whom the send time falls in quiet hours:
	// their message waits for 08:00 in their time zone.
	Held int `db:"held"`
}

const countAnnouncementAudience = `
SELECT count(*) FILTER (WHERE l.opted_out_at IS NULL AND l.preferred_channel = 'whatsapp') AS whatsapp,
       count(*) FILTER (WHERE l.opted_out_at IS NULL AND l.preferred_channel = 'sms') AS sms,
       count(*) FILTER (WHERE l.opted_out_at IS NOT NULL) AS opted_out,
       count(*) FILTER (WHERE l.opted_out_at IS NULL AND pamong_next_window($7, l.village_code) > $7) AS held
FROM learners l
WHERE ` + audienceWhere

// CountAudience tells who an announcement to a would reach if sent at
// sendAt (zero: now).
func (d *DB) CountAudience(ctx context.Context, a Audience, sendAt time.Time) (AudienceCount, error) {
	var c AudienceCount
	if sendAt.IsZero() {
		sendAt = d.now()
	}
	if err := d.db.GetContext(ctx, &c, countAnnouncementAudience, append(a.args(), sendAt)...); err != nil {
		return c, fmt.Errorf("count the audience %s: %w", a, err)
	}
	return c, nil
}

// NewAnnouncement is an announcement ready to be queued: its audience and
// its text already rendered for each channel.
type NewAnnouncement struct {
	// AdminID is who sends it; 0 is the operator at the command line.
	AdminID  int64
	Audience Audience
	// Scope is where it may reach, recorded so that admins of that region
	// can see it; within Audience.Scope.
	Scope region.Code
	Text  string
	// Target is the composed filters as JSON, kept for people.
	Target json.RawMessage
	// SendAt is when it may leave at the earliest; zero is now.
	SendAt time.Time
	// WhatsAppText is the one WhatsApp message; SMSParts the single-segment
	// SMS, in order; Content the message before rendering (JSON of
	// []bot.Message) for a fallback to render again.
	WhatsAppText string
	SMSParts     []string
	Content      json.RawMessage
	// SpillToSMS sends by SMS what WhatsApp's hourly cap cannot carry at
	// once, instead of waiting for WhatsApp capacity.
	SpillToSMS bool
}

// Queued is what sending an announcement wrote.
type Queued struct {
	ID         int64 `db:"id"`
	Recipients int   `db:"recipients"`
	Messages   int   `db:"messages"`
	// SMSSegments is the SMS rows: one segment each.
	SMSSegments int `db:"sms_segments"`
	OptedOut    int `db:"opted_out"`
	Held        int `db:"held"`
}

const (
	insertAnnouncement = `
INSERT INTO announcements (admin_id, scope, text, target, send_at, created_at, over_cap)
VALUES (NULLIF($1, 0), $2, $3, $4, $5, $6, CASE WHEN $7 THEN 'spill' ELSE 'wait' END)
RETURNING id`
	// enqueueAnnouncement writes the whole audience to the outbox at bulk
	// priority in one statement: one WhatsApp row per recipient, or one row
	// per SMS part, in order, each due at the send time moved out of the
	// recipient's quiet hours. created_at is that due time, so that the
	// dispatcher's maximum age counts from when a message may first leave.
	enqueueAnnouncement = `
WITH r AS MATERIALIZED (
    SELECT l.id, l.phone, l.preferred_channel AS channel, pamong_next_window($7, l.village_code) AS due
    FROM learners l
    WHERE l.opted_out_at IS NULL AND ` + audienceWhere + `
), parts AS (
    SELECT 'sms' AS channel, text, n FROM unnest($9::text[]) WITH ORDINALITY AS p(text, n)
    UNION ALL
    SELECT 'whatsapp', $8::text, 1
), ins AS (
    INSERT INTO outbox (learner_id, channel, to_address, text, content, segments, priority,
                        next_attempt_at, announcement_id, created_at, updated_at)
    SELECT r.id, r.channel, r.phone, p.text, CASE WHEN r.channel = 'whatsapp' THEN $10::jsonb ELSE '{}'::jsonb END,
           1, 1, r.due, $11, r.due, $12
    FROM r JOIN parts p ON p.channel = r.channel
    ORDER BY r.id, p.n
    RETURNING channel
)
SELECT (SELECT count(*) FROM r) AS recipients,
       (SELECT count(*) FROM r WHERE r.due > $7) AS held,
       count(*) AS messages, count(*) FILTER (WHERE channel = 'sms') AS sms_segments
FROM ins`
	countOptedOut      = `SELECT count(*) FROM learners l WHERE l.opted_out_at IS NOT NULL AND ` + audienceWhere
	recordAnnouncement = `
UPDATE announcements SET recipients = $2, messages = $3, sms_segments = $4, opted_out = $5 WHERE id = $1`
	notifyOutbox = `SELECT pg_notify('pamong_outbox', '')`
	// sortInMemory lets the ordered set of 100,000 rows sort in memory
	// rather than on disk, for this transaction only.
	sortInMemory = `SET LOCAL work_mem = '64MB'`
)

// SendAnnouncement records an announcement and queues it for its whole
// audience, opted-out learners never included, in one transaction, and
// wakes the dispatcher.
func (d *DB) SendAnnouncement(ctx context.Context, a NewAnnouncement) (Queued, error) {
	var q Queued
	now := d.now()
	sendAt := a.SendAt
	if sendAt.IsZero() {
		sendAt = now
	}
	var sendAtArg *time.Time
	if !a.SendAt.IsZero() {
		sendAtArg = &a.SendAt
	}
	target := a.Target
	if len(target) == 0 {
		target = json.RawMessage(`{}`)
	}
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return q, fmt.Errorf("send announcement: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, sortInMemory); err != nil {
		return q, fmt.Errorf("send announcement: %w", err)
	}
	if err := tx.GetContext(ctx, &q.ID, insertAnnouncement, a.AdminID, string(a.Scope), a.Text, string(target), sendAtArg, now, a.SpillToSMS); err != nil {
		return q, fmt.Errorf("send announcement: record it: %w", err)
	}
	args := append(a.Audience.args(), sendAt, a.WhatsAppText, pq.Array(a.SMSParts), string(a.Content), q.ID, now)
	if err := tx.GetContext(ctx, &q, enqueueAnnouncement, args...); err != nil {
		return q, fmt.Errorf("send announcement %d: queue messages: %w", q.ID, err)
	}
	if err := tx.GetContext(ctx, &q.OptedOut, countOptedOut, a.Audience.args()...); err != nil {
		return q, fmt.Errorf("send announcement %d: count opted-out learners: %w", q.ID, err)
	}
	if _, err := tx.ExecContext(ctx, recordAnnouncement, q.ID, q.Recipients, q.Messages, q.SMSSegments, q.OptedOut); err != nil {
		return q, fmt.Errorf("send announcement %d: record counts: %w", q.ID, err)
	}
	if q.Messages > 0 {
		if _, err := tx.ExecContext(ctx, notifyOutbox); err != nil {
			return q, fmt.Errorf("send announcement %d: notify dispatcher: %w", q.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return q, fmt.Errorf("send announcement %d: commit: %w", q.ID, err)
	}
	return q, nil
}

// Announcement is a sent announcement as admins see it.
type Announcement struct {
	ID          int64           `db:"id"`
	AdminID     sql.NullInt64   `db:"admin_id"`
	AdminName   string          `db:"admin_name"`
	Scope       region.Code     `db:"scope"`
	Text        string          `db:"text"`
	Target      json.RawMessage `db:"target"`
	SendAt      *time.Time      `db:"send_at"`
	Recipients  int             `db:"recipients"`
	Messages    int             `db:"messages"`
	SMSSegments int             `db:"sms_segments"`
	OptedOut    int             `db:"opted_out"`
	CreatedAt   time.Time       `db:"created_at"`
	CancelledAt *time.Time      `db:"cancelled_at"`
	// OverCap is wait or spill (NewAnnouncement.SpillToSMS).
	OverCap string `db:"over_cap"`
	InScope bool   `db:"in_scope"`
}

const announcementColumns = `
a.id, a.admin_id, coalesce(ad.name, '') AS admin_name, a.scope, a.text, a.target, a.send_at,
a.recipients, a.messages, a.sms_segments, a.opted_out, a.created_at, a.cancelled_at, a.over_cap`

const selectAnnouncement = `
SELECT ` + announcementColumns + `, pamong_within(a.scope, $2) AS in_scope
FROM announcements a LEFT JOIN admins ad ON ad.id = a.admin_id
WHERE a.id = $1`

// Announcement returns announcement id as seen from scope: ErrNotFound
// when there is none, ErrOutOfScope when it reached beyond scope.
func (d *DB) Announcement(ctx context.Context, scope region.Code, id int64) (Announcement, error) {
	var a Announcement
	err := d.db.GetContext(ctx, &a, selectAnnouncement, id, string(scope))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return a, fmt.Errorf("announcement %d: %w", id, ErrNotFound)
	case err != nil:
		return a, fmt.Errorf("look up announcement %d: %w", id, err)
	case !a.InScope:
		return a, fmt.Errorf("announcement %d: %w", id, ErrOutOfScope)
	}
	return a, nil
}

const selectAnnouncements = `
SELECT ` + announcementColumns + `, true AS in_scope
FROM announcements a LEFT JOIN admins ad ON ad.id = a.admin_id
WHERE pamong_within(a.scope, $1)
ORDER BY a.id DESC
LIMIT $2`

// Announcements lists the latest announcements that stayed inside scope.
func (d *DB) Announcements(ctx context.Context, scope region.Code, limit int) ([]Announcement, error) {
	var as []Announcement
	if err := d.db.SelectContext(ctx, &as, selectAnnouncements, string(scope), limit); err != nil {
		return nil, fmt.Errorf("list announcements in %q: %w", scope, err)
	}
	return as, nil
}

// DeliveryCounts counts messages by where they are.
type DeliveryCounts struct {
	// Queued have not left yet (queued or being handed to the provider);
	// Held is the part of them waiting for quiet hours to end.
	Queued int `db:"queued" json:"queued"`
	Held   int `db:"held" json:"held"`
	Sent   int `db:"sent" json:"sent"`
	// Delivered includes read.
	Delivered int `db:"delivered" json:"delivered"`
	Read      int `db:"read" json:"read"`
	Failed    int `db:"failed" json:"failed"`
	Cancelled int `db:"cancelled" json:"cancelled"`
	// FellBackToSMS were not delivered on WhatsApp in time and were sent
	// again by SMS (status superseded).
	FellBackToSMS int `db:"fell_back" json:"fell_back_to_sms"`
}

// AnnouncementStats is where an announcement's messages are, live.
type AnnouncementStats struct {
	// Messages are the rows the announcement queued.
	Messages DeliveryCounts
	// Fallback are the SMS sent in place of its WhatsApp messages.
	Fallback DeliveryCounts
}

const selectAnnouncementStats = `
WITH own AS (
    SELECT id, status, next_attempt_at FROM outbox WHERE announcement_id = $1 AND fallback_of IS NULL
), fb AS (
    SELECT o.status, o.next_attempt_at FROM outbox o JOIN own ON o.fallback_of = own.id
), rows AS (
    SELECT false AS fallback, status, next_attempt_at FROM own
    UNION ALL
    SELECT true, status, next_attempt_at FROM fb
)
SELECT fallback,
       count(*) FILTER (WHERE status IN ('queued', 'sending')) AS queued,
       count(*) FILTER (WHERE status = 'queued' AND next_attempt_at > $2) AS held,
       count(*) FILTER (WHERE status = 'sent') AS sent,
       count(*) FILTER (WHERE status IN ('delivered', 'read')) AS delivered,
       count(*) FILTER (WHERE status = 'read') AS read,
       count(*) FILTER (WHERE status = 'failed') AS failed,
       count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
       count(*) FILTER (WHERE status = 'superseded') AS fell_back
FROM rows GROUP BY fallback`

// AnnouncementStats counts the messages of announcement id by status, as
// seen from scope (ErrNotFound, ErrOutOfScope as for Announcement).
func (d *DB) AnnouncementStats(ctx context.Context, scope region.Code, id int64) (Announcement, AnnouncementStats, error) {
	var st AnnouncementStats
	a, err := d.Announcement(ctx, scope, id)
	if err != nil {
		return a, st, err
	}
	var rows []struct {
		Fallback bool `db:"fallback"`
		DeliveryCounts
	}
	if err := d.db.SelectContext(ctx, &rows, selectAnnouncementStats, id, d.now()); err != nil {
		return a, st, fmt.Errorf("count messages of announcement %d: %w", id, err)
	}
	for _, r := range rows {
		if r.Fallback {
			st.Fallback = r.DeliveryCounts
		} else {
			st.Messages = r.DeliveryCounts
		}
	}
	return a, st, nil
}

const (
	// Admins of a region may follow announcements that reach into it, but
	// only an admin whose scope contains the sender's may cancel one (the
	// CLI operator, admin_id NULL, acts nationally).
	lockAnnouncement = `
SELECT pamong_within(coalesce((SELECT ad.scope FROM admins ad WHERE ad.id = a.admin_id), ''), $2)
FROM announcements a WHERE a.id = $1 FOR UPDATE OF a`
	cancelAnnouncementMessages = `
UPDATE outbox SET status = 'cancelled', last_error = 'announcement cancelled', lease_until = NULL, updated_at = $2
WHERE status = 'queued'
  AND (announcement_id = $1 OR fallback_of IN (SELECT id FROM outbox WHERE announcement_id = $1))`
	markAnnouncementCancelled = `UPDATE announcements SET cancelled_at = coalesce(cancelled_at, $2) WHERE id = $1`
)

// CancelAnnouncement stops what of announcement id has not left yet: its
// queued messages (and queued SMS fallbacks) become cancelled; what is
// being handed to the provider or already sent stays. It returns how many
// messages it cancelled.
func (d *DB) CancelAnnouncement(ctx context.Context, scope region.Code, id int64) (int, error) {
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("cancel announcement %d: %w", id, err)
	}
	defer tx.Rollback()
	var inScope bool
	err = tx.GetContext(ctx, &inScope, lockAnnouncement, id, string(scope))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, fmt.Errorf("cancel announcement %d: %w", id, ErrNotFound)
	case err != nil:
		return 0, fmt.Errorf("cancel announcement %d: %w", id, err)
	case !inScope:
		return 0, fmt.Errorf("cancel announcement %d: %w", id, ErrOutOfScope)
	}
	now := d.now()
	res, err := tx.ExecContext(ctx, cancelAnnouncementMessages, id, now)
	if err != nil {
		return 0, fmt.Errorf("cancel announcement %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, markAnnouncementCancelled, id, now); err != nil {
		return 0, fmt.Errorf("cancel announcement %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("cancel announcement %d: commit: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
