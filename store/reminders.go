package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/lessons"
)

// ReminderOptions are what the scheduler may send (PAMONG_REMINDERS,
// PAMONG_REVIEW).
type ReminderOptions struct {
	Nudges  bool
	Reviews bool
}

// ReminderPass is what one scheduler pass did.
type ReminderPass struct {
	// Busy is true when another process was running a pass: this one did
	// nothing.
	Busy bool
	// Candidates are the learners the pass looked at closely.
	Candidates int
	Nudges     int
	Reviews    int
	// Messages are the outbox rows written (an SMS may take more than one).
	Messages int
}

// reminderLock is the advisory lock key of the scheduler pass: one pass at
// a time over the whole database, whichever process runs it.
const reminderLock = 0x70616d6f6e6701 // "pamong" 1

// reminderCandidates finds, in one statement, the learners who may get a
// bot-initiated message now and have one due: reachable (not opted out,
// not paused), inside 08:00–20:00 local time and past today's slot (their
// usual hour, else 09:00), nothing bot-initiated yet on their local day
// (neither a reminder nor an announcement), and a nudge or a review due.
// The rules are checked again in Go (package bot holds them); this is the
// filter that keeps the pass cheap. Nothing is locked: the pass writes no
// learner row (a pending review is the reminders row itself), and the
// day's key is what keeps two passes from both sending.
const reminderCandidates = `
WITH due_reviews AS MATERIALIZED (
    SELECT DISTINCT ON (learner_id) learner_id, quiz_id, question_id
    FROM review_items
    WHERE $4::boolean AND course_id = $2 AND retired_at IS NULL AND due_at <= $1
    ORDER BY learner_id, due_at, quiz_id, question_id
), base AS MATERIALIZED (
    SELECT l.id, z.local_now, z.idle_since, z.usual_hour, z.offset_s,
           coalesce(dr.quiz_id, '') AS review_quiz, coalesce(dr.question_id, '') AS review_question
    FROM learners l
    CROSS JOIN LATERAL (SELECT
        ($1::timestamptz AT TIME ZONE 'UTC') + pamong_utc_offset(l.village_code) AS local_now,
        extract(epoch FROM pamong_utc_offset(l.village_code))::int AS offset_s,
        coalesce(l.last_inbound_at, l.created_at) AS idle_since,
        CASE WHEN l.last_inbound_at IS NULL THEN -1
             ELSE extract(hour FROM (l.last_inbound_at AT TIME ZONE 'UTC') + pamong_utc_offset(l.village_code))::int
        END AS usual_hour) z
    LEFT JOIN due_reviews dr ON dr.learner_id = l.id
    WHERE l.opted_out_at IS NULL
      AND (l.registered_at IS NOT NULL OR l.source = 'import')
      AND z.local_now::time >= make_time($5::int, 0, 0) AND z.local_now::time < make_time($6::int, 0, 0)
      AND z.local_now::time >= make_time(CASE WHEN z.usual_hour >= $5::int AND z.usual_hour < $6::int THEN z.usual_hour ELSE $7::int END, 0, 0)
      AND (($3::boolean AND z.idle_since <= $1 - make_interval(days => $8::int)) OR dr.learner_id IS NOT NULL)
      -- A day taken is the common case after the day's first pass: drop
      -- those learners before anything else is looked up for them.
      AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.learner_id = l.id AND r.day = z.local_now::date)
)
SELECT l.id, l.phone, l.name, l.role, l.role_title, l.village_code, l.preferred_channel,
       l.registered_at IS NOT NULL AS registered, l.opted_out_at IS NOT NULL AS opted_out, l.conversation,
       l.source = 'import' AS imported, b.idle_since, b.usual_hour, b.offset_s, b.local_now::date AS day,
       b.review_quiz, b.review_question,
       e.learner_id IS NOT NULL AS enrolled, coalesce(e.course_id, '') AS course_id,
       coalesce(e.lesson_id, '') AS lesson_id, coalesce(e.question_id, '') AS question_id,
       coalesce(e.quiz_id, '') AS quiz_id, coalesce(e.attempt, 0) AS attempt, coalesce(e.detail, '{}') AS detail,
       n.sent, n.last_at, n.unanswered, coalesce(lv.variant, 0) AS last_variant
FROM base b
JOIN learners l ON l.id = b.id
LEFT JOIN enrolments e ON e.learner_id = l.id AND e.course_id = $2
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE r.kind = 'nudge') AS sent,
           max(r.sent_at) FILTER (WHERE r.kind = 'nudge') AS last_at, count(*) AS unanswered
    FROM reminders r WHERE r.learner_id = l.id AND r.sent_at > b.idle_since) n
LEFT JOIN LATERAL (
    SELECT r.variant FROM reminders r WHERE r.learner_id = l.id AND r.kind = 'nudge'
    ORDER BY r.sent_at DESC LIMIT 1) lv ON true
WHERE coalesce((l.conversation->>'paused_until')::timestamptz, '-infinity') <= $1
  AND NOT EXISTS (
      SELECT 1 FROM outbox o
      WHERE o.learner_id = l.id AND o.announcement_id IS NOT NULL AND o.status <> 'cancelled'
        AND ((o.created_at AT TIME ZONE 'UTC') + make_interval(secs => b.offset_s))::date = b.local_now::date)
  AND (($3::boolean AND coalesce(e.status, '') <> 'completed' AND CASE
           WHEN n.sent >= CASE WHEN e.learner_id IS NULL THEN $12::int ELSE $11::int END THEN false
           WHEN n.sent = 0 THEN b.idle_since + make_interval(days => $8::int) <= $1
           WHEN n.sent = 1 THEN greatest(b.idle_since + make_interval(days => $9::int),
                                         n.last_at + make_interval(days => $9::int - $8::int)) <= $1
           ELSE n.last_at + make_interval(days => $10::int) <= $1 END)
       OR (b.review_question <> '' AND n.unanswered = 0 AND coalesce(l.last_inbound_at, '-infinity') <= $1 - make_interval(secs => $13::int)))
ORDER BY l.id`

// reminderCandidate is one row of reminderCandidates.
type reminderCandidate struct {
	learnerRow
	enrolmentRow
	Imported       bool       `db:"imported"`
	IdleSince      time.Time  `db:"idle_since"`
	UsualHour      int        `db:"usual_hour"`
	OffsetSeconds  int        `db:"offset_s"`
	Day            time.Time  `db:"day"`
	ReviewQuiz     string     `db:"review_quiz"`
	ReviewQuestion string     `db:"review_question"`
	Enrolled       bool       `db:"enrolled"`
	Sent           int        `db:"sent"`
	LastAt         *time.Time `db:"last_at"`
	Unanswered     int        `db:"unanswered"`
	LastVariant    int        `db:"last_variant"`
}

const (
	takeReminderLock = `SELECT pg_try_advisory_xact_lock($1)`
	// insertReminders takes the learners' days; a day already taken (by
	// another process, or before a restart) returns nothing and sends
	// nothing.
	insertReminders = `
INSERT INTO reminders (learner_id, day, kind, variant, quiz_id, question_id, sent_at)
SELECT u.learner_id, u.day, u.kind, u.variant, u.quiz_id, u.question_id, $7
FROM unnest($1::bigint[], $2::date[], $3::text[], $4::int[], $5::text[], $6::text[])
     AS u(learner_id, day, kind, variant, quiz_id, question_id)
ON CONFLICT (learner_id, day) DO NOTHING
RETURNING learner_id`
)

// reminderDecision is what the pass decided for one learner.
type reminderDecision struct {
	c         reminderCandidate
	kind      string
	variant   int
	quiz, qid string
	msg       bot.Message
}

// RunReminders runs one scheduler pass at the store's clock: it decides
// for each learner with something due whether today's one bot-initiated
// message is a nudge or a review question, and queues it at bulk priority,
// all in one transaction. Several processes may call it: one pass runs at
// a time, and a learner's day is taken at most once.
func (d *DB) RunReminders(ctx context.Context, course *lessons.Course, opt ReminderOptions) (ReminderPass, error) {
	var res ReminderPass
	if !opt.Nudges && !opt.Reviews {
		return res, nil
	}
	now := d.now()
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("reminder pass: begin: %w", err)
	}
	defer tx.Rollback()
	var locked bool
	if err := tx.GetContext(ctx, &locked, takeReminderLock, int64(reminderLock)); err != nil {
		return res, fmt.Errorf("reminder pass: lock: %w", err)
	}
	if !locked {
		res.Busy = true
		return res, nil
	}
	var cands []reminderCandidate
	if err := tx.SelectContext(ctx, &cands, reminderCandidates, now, course.ID, opt.Nudges, opt.Reviews,
		bot.DayStartHour, bot.DayEndHour, bot.DefaultHour, bot.NudgeIdleDays[0], bot.NudgeIdleDays[1], bot.NudgeEveryDays,
		bot.NudgeMax, bot.NudgeMaxNeverStarted, int(bot.ReviewQuiet/time.Second)); err != nil {
		return res, fmt.Errorf("reminder pass: find learners: %w", err)
	}
	res.Candidates = len(cands)
	var decided []reminderDecision
	for _, c := range cands {
		dec, ok, err := decideReminder(c, course, opt, now)
		if err != nil {
			return res, err
		}
		if ok {
			decided = append(decided, dec)
		}
	}
	if len(decided) == 0 {
		return res, nil
	}
	taken, err := takeDays(ctx, tx, decided, now)
	if err != nil {
		return res, err
	}
	var queue []botMessage
	for _, dec := range decided {
		if !taken[dec.c.ID] {
			continue
		}
		if dec.kind == "review" {
			res.Reviews++
		} else {
			res.Nudges++
		}
		queue = append(queue, botMessage{LearnerID: dec.c.ID, Channel: bot.Channel(dec.c.Channel), To: dec.c.Phone,
			VillageCode: dec.c.VillageCode.String, Message: dec.msg})
	}
	if res.Messages, err = queueBotMessages(ctx, tx, queue, now); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("reminder pass: commit: %w", err)
	}
	return res, nil
}

// decideReminder applies the rules of package bot to one candidate.
func decideReminder(c reminderCandidate, course *lessons.Course, opt ReminderOptions, now time.Time) (reminderDecision, bool, error) {
	dec := reminderDecision{c: c}
	offset := time.Duration(c.OffsetSeconds) * time.Second
	if !bot.InDay(now, offset) || now.Before(bot.LocalSlot(now, offset, c.UsualHour)) {
		return dec, false, nil
	}
	var enr *enrolmentRow
	if c.Enrolled {
		enr = &c.enrolmentRow
	}
	st, err := toState(c.learnerRow, enr)
	if err != nil {
		return dec, false, fmt.Errorf("reminder pass: state of learner %d: %w", c.ID, err)
	}
	if opt.Nudges && bot.WantsNudge(st, c.Imported, now) {
		h := bot.NudgeHistory{Sent: c.Sent, LastVariant: c.LastVariant}
		if c.LastAt != nil {
			h.Last = *c.LastAt
		}
		if due, ok := bot.NudgeDue(st.Progress != nil, c.IdleSince, h); ok && !now.Before(due) {
			dec.kind, dec.variant = "nudge", bot.NextVariant(c.LastVariant)
			dec.msg = bot.Nudge(st, course, dec.variant)
			return dec, true, nil
		}
	}
	if opt.Reviews && c.ReviewQuestion != "" && bot.CanReview(st, c.Unanswered, now) {
		_, msg, ok := bot.AskReview(st, course, c.ReviewQuiz, c.ReviewQuestion, now)
		if !ok {
			// The course lost the question; the item waits for an edit
			// that brings it back rather than being sent broken.
			return dec, false, nil
		}
		dec.kind, dec.quiz, dec.qid, dec.msg = "review", c.ReviewQuiz, c.ReviewQuestion, msg
		return dec, true, nil
	}
	return dec, false, nil
}

// takeDays records the decisions and returns the learners whose day this
// pass took.
func takeDays(ctx context.Context, tx *sqlx.Tx, decided []reminderDecision, now time.Time) (map[int64]bool, error) {
	n := len(decided)
	ids, days, kinds := make([]int64, n), make([]string, n), make([]string, n)
	variants, quizzes, questions := make([]int64, n), make([]string, n), make([]string, n)
	for i, dec := range decided {
		ids[i], days[i], kinds[i] = dec.c.ID, dec.c.Day.Format(time.DateOnly), dec.kind
		variants[i], quizzes[i], questions[i] = int64(dec.variant), dec.quiz, dec.qid
	}
	var got []int64
	if err := tx.SelectContext(ctx, &got, insertReminders, pq.Array(ids), pq.Array(days), pq.Array(kinds),
		pq.Array(variants), pq.Array(quizzes), pq.Array(questions), now); err != nil {
		return nil, fmt.Errorf("reminder pass: record decisions: %w", err)
	}
	taken := make(map[int64]bool, len(got))
	for _, id := range got {
		taken[id] = true
	}
	return taken, nil
}
