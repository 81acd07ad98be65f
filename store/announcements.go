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
	// Held are recipients whose message will not leave at the send time:
	// it falls in their quiet hours (it waits for 08:00 in their time
	// zone), or Tomorrow.
	Held int `db:"held"`
	// Tomorrow ("besok") are recipients who already had that day's
	// reminder: their message waits for 08:00 of their next day.
	Tomorrow int `db:"tomorrow"`
}

const countAnnouncementAudience = `
SELECT count(*) FILTER (WHERE l.opted_out_at IS NULL AND l.preferred_channel = 'whatsapp') AS whatsapp,
       count(*) FILTER (WHERE l.opted_out_at IS NULL AND l.preferred_channel = 'sms') AS sms,
       count(*) FILTER (WHERE l.opted_out_at IS NOT NULL) AS opted_out,
       count(*) FILTER (WHERE l.opted_out_at IS NULL AND d.due > $7) AS held,
       count(*) FILTER (WHERE l.opted_out_at IS NULL AND d.tomorrow) AS tomorrow
FROM learners l ` + announcementDue + `
WHERE ` + audienceWhere

// announcementDue is, for learner l and an announcement sent at $7, when
// their copy is first due (d.due): the send time moved out of their quiet
// hours (pamong_next_window), or, when that day's bot-initiated message
// already went to them (a reminders row for their local day), 08:00 of
// their next day (d.tomorrow, "besok"), so that no learner gets two
// bot-initiated messages in a day. The reminder scheduler in turn skips a
// day on which an announcement row is due for the learner. It is a lateral
// join, not an SQL function, so that the planner sees through it; the
// LIMIT keeps it one probe of the reminders key per recipient, whatever
// the number of days on record (as a join or EXISTS the planner hashed
// the whole table, twice: 2 s at 256,000 rows).
const announcementDue = `
CROSS JOIN LATERAL (SELECT pamong_next_window($7, l.village_code) AS first, pamong_utc_offset(l.village_code) AS off) f
LEFT JOIN LATERAL (
    SELECT true AS taken FROM reminders m
    WHERE m.learner_id = l.id AND m.day = ((f.first AT TIME ZONE 'UTC') + f.off)::date
    LIMIT 1) t ON true
CROSS JOIN LATERAL (SELECT t.taken IS NOT NULL AS tomorrow, CASE WHEN t.taken IS NOT NULL
    THEN (date_trunc('day', (f.first AT TIME ZONE 'UTC') + f.off) + interval '32 hours' - f.off) AT TIME ZONE 'UTC'
    ELSE f.first END AS due) d`

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
	// Tomorrow is the part of Held that waits for the recipient's next
	// day (see AudienceCount.Tomorrow).
	Tomorrow int `db:"tomorrow"`
}

const (
	insertAnnouncement = `
INSERT INTO announcements (admin_id, scope, text, target, send_at, created_at, content, over_cap)
VALUES (NULLIF($1, 0), $2, $3, $4, $5, $6, $7, CASE WHEN $8 THEN 'spill' ELSE 'wait' END)
RETURNING id`
	// enqueueAnnouncement writes the whole audience to the outbox at bulk
	// priority in one statement: one WhatsApp row per recipient, or one row
	// per SMS part, each due at announcementDue. created_at is that due
	// time, so that the dispatcher's maximum age counts from when a message
	// may first leave. A recipient's parts get ascending ids in part order
	// (the claim sends a learner's rows in id order): each recipient is
	// joined laterally with their parts, so the parts come out of the
	// unnest in order, one recipient at a time, and take their ids as they
	// come, without sorting the 100,000 rows (a seventh of the time). The
	// rows carry no content: the fallback renders the announcement's.
	enqueueAnnouncement = `
WITH r AS MATERIALIZED (
    SELECT l.id, l.phone, l.preferred_channel AS channel, d.due, d.tomorrow
    FROM learners l ` + announcementDue + `
    WHERE l.opted_out_at IS NULL AND ` + audienceWhere + `
), ins AS (
    INSERT INTO outbox (learner_id, channel, to_address, text, segments, priority,
                        next_attempt_at, announcement_id, created_at, updated_at)
    SELECT r.id, r.channel, r.phone, p.text, 1, 1, r.due, $10, r.due, $11
    FROM r CROSS JOIN LATERAL unnest(CASE WHEN r.channel = 'sms' THEN $9::text[] ELSE ARRAY[$8::text] END)
         WITH ORDINALITY AS p(text, n)
    RETURNING channel
)
SELECT (SELECT count(*) FROM r) AS recipients,
       (SELECT count(*) FROM r WHERE r.due > $7) AS held,
       (SELECT count(*) FROM r WHERE r.tomorrow) AS tomorrow,
       count(*) AS messages, count(*) FILTER (WHERE channel = 'sms') AS sms_segments
FROM ins`
	countOptedOut      = `SELECT count(*) FROM learners l WHERE l.opted_out_at IS NOT NULL AND ` + audienceWhere
	recordAnnouncement = `
UPDATE announcements SET recipients = $2, messages = $3, sms_segments = $4, opted_out = $5 WHERE id = $1`
	notifyOutbox = `SELECT pg_notify('pamong_outbox', '')`
	// inMemory keeps the 80,000 recipients the statement reads three times
	// in memory rather than on disk, for this transaction only.
	inMemory = `SET LOCAL work_mem = '64MB'`
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
	content := string(a.Content)
	if content == "" {
		content = "{}"
	}
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return q, fmt.Errorf("send announcement: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, inMemory); err != nil {
		return q, fmt.Errorf("send announcement: %w", err)
	}
	if err := tx.GetContext(ctx, &q.ID, insertAnnouncement, a.AdminID, string(a.Scope), a.Text, string(target), sendAtArg, now, content, a.SpillToSMS); err != nil {
		return q, fmt.Errorf("send announcement: record it: %w", err)
	}
	args := append(a.Audience.args(), sendAt, a.WhatsAppText, pq.Array(a.SMSParts), q.ID, now)
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
	// Queued have not left yet (queued or being handed to the provider).
	// Held is the part of them not tried yet and not due yet: waiting for
	// the learner's 08:00 (quiet hours) or for WhatsApp capacity.
	// Retrying is the part that was tried and waits for another attempt
	// (the provider or the network failed for now, or a lease ran out).
	Queued   int `db:"queued"`
	Held     int `db:"held"`
	Retrying int `db:"retrying"`
	Sent     int `db:"sent"`
	// Delivered includes read.
	Delivered int `db:"delivered"`
	Read      int `db:"read"`
	Failed    int `db:"failed"`
	Cancelled int `db:"cancelled"`
	// FellBackToSMS were not delivered on WhatsApp in time and were sent
	// again by SMS (status superseded).
	FellBackToSMS int `db:"fell_back"`
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
    SELECT id, status, next_attempt_at, attempts FROM outbox WHERE announcement_id = $1 AND fallback_of IS NULL
), fb AS (
    SELECT o.status, o.next_attempt_at, o.attempts FROM outbox o JOIN own ON o.fallback_of = own.id
), rows AS (
    SELECT false AS fallback, status, next_attempt_at, attempts FROM own
    UNION ALL
    SELECT true, status, next_attempt_at, attempts FROM fb
)
SELECT fallback,
       count(*) FILTER (WHERE status IN ('queued', 'sending')) AS queued,
       count(*) FILTER (WHERE status = 'queued' AND attempts = 0 AND next_attempt_at > $2) AS held,
       count(*) FILTER (WHERE status = 'queued' AND attempts > 0) AS retrying,
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
