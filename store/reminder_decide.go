package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/lessons"
)

// decideReminders is the day's decisions in one statement: it finds the
// learners who may get a bot-initiated message now and have one due,
// decides for each whether it is a nudge or a review question, takes
// their day in reminders, and returns what rendering the message needs,
// for the learners it took only. A learner may get one when reachable (not
// opted out, not paused), inside 08:00–20:00 local time and past today's
// slot (their usual hour, else 09:00), with nothing bot-initiated yet on
// their local day (neither a reminder nor an announcement). The rules are
// those of package bot, whose constants are the parameters; the pass
// checks every decision against bot's functions before it queues anything.
//
// A pass looks at the learners whose id is in ($19, $20] ($20 NULL: all
// after $19), a window of ReminderBatch learners: its cost is bounded
// whatever is due, and the next pass goes on after the window. Nothing is locked: the
// pass writes no learner row (a pending review is the reminders row
// itself), and the day's key keeps two passes from both sending.
//
// Parameters: $1 now, $2 course, $3 nudges on, $4 reviews on, $5 $6 the
// day's window, $7 the default hour, $8 $9 the first two nudges' days of
// silence, $10 the later nudges' gap, $11 $12 the nudge limits (started,
// never started), $13 the review's quiet seconds, $14 the days before a
// review follows an unanswered message, $15 how many may go unanswered,
// $16 the nudge wordings, $17 $18 the course's questions, $19 $20 the
// window of ids.
const decideReminderDays = `
WITH course_questions AS MATERIALIZED (
    SELECT * FROM unnest($17::text[], $18::text[]) AS q(quiz_id, question_id)
), history AS (
    -- What was sent to the window's learners, in one read of reminders
    -- (not one per learner: a fresh table's statistics say it is empty and
    -- would make that a scan per learner): since each last wrote, the last
    -- nudge's wording ever, and the last day taken.
    SELECT r.learner_id,
           count(*) FILTER (WHERE r.kind = 'nudge' AND r.sent_at > coalesce(l.last_inbound_at, l.created_at)) AS sent,
           max(r.sent_at) FILTER (WHERE r.kind = 'nudge' AND r.sent_at > coalesce(l.last_inbound_at, l.created_at)) AS last_at,
           count(*) FILTER (WHERE r.sent_at > coalesce(l.last_inbound_at, l.created_at)) AS unanswered,
           max(r.sent_at) FILTER (WHERE r.sent_at > coalesce(l.last_inbound_at, l.created_at)) AS last_any,
           (array_agg(r.variant ORDER BY r.sent_at DESC) FILTER (WHERE r.kind = 'nudge'))[1] AS last_variant,
           max(r.day) AS last_day
    FROM reminders r JOIN learners l ON l.id = r.learner_id
    -- The window on both sides, so neither table is read whole.
    WHERE r.learner_id > $19 AND ($20::bigint IS NULL OR r.learner_id <= $20)
      AND l.id > $19 AND ($20::bigint IS NULL OR l.id <= $20)
    GROUP BY r.learner_id
), decided AS (
    SELECT l.id, z.local_now::date AS day, z.idle_since, z.usual_hour, z.offset_s,
           l.source = 'import' AS imported, e.learner_id IS NOT NULL AS enrolled,
           coalesce(dr.quiz_id, '') AS review_quiz, coalesce(dr.question_id, '') AS review_question,
           n.sent, n.last_at, n.unanswered, n.last_any, n.last_variant,
           CASE WHEN x.nudge THEN 'nudge' ELSE 'review' END AS kind
    FROM learners l
    CROSS JOIN LATERAL (SELECT
        ($1::timestamptz AT TIME ZONE 'UTC') + pamong_utc_offset(l.village_code) AS local_now,
        extract(epoch FROM pamong_utc_offset(l.village_code))::int AS offset_s,
        coalesce(l.last_inbound_at, l.created_at) AS idle_since,
        CASE WHEN l.last_inbound_at IS NULL THEN -1
             ELSE extract(hour FROM (l.last_inbound_at AT TIME ZONE 'UTC') + pamong_utc_offset(l.village_code))::int
        END AS usual_hour) z
    -- The learner's most overdue live item that the course still has
    -- (review_items_live holds them in this order).
    LEFT JOIN LATERAL (
        SELECT ri.quiz_id, ri.question_id FROM review_items ri
        WHERE $4::boolean AND ri.course_id = $2 AND ri.learner_id = l.id AND ri.retired_at IS NULL AND ri.due_at <= $1
          AND EXISTS (SELECT 1 FROM course_questions q WHERE q.quiz_id = ri.quiz_id AND q.question_id = ri.question_id)
        ORDER BY ri.due_at, ri.quiz_id, ri.question_id LIMIT 1) dr ON true
    LEFT JOIN enrolments e ON e.learner_id = l.id AND e.course_id = $2
    LEFT JOIN history h ON h.learner_id = l.id
    CROSS JOIN LATERAL (SELECT coalesce(h.sent, 0) AS sent, h.last_at, coalesce(h.unanswered, 0) AS unanswered,
                               h.last_any, coalesce(h.last_variant, 0) AS last_variant) n
    CROSS JOIN LATERAL (SELECT
        $3::boolean AND coalesce(e.status, '') <> 'completed' AND CASE
            WHEN n.sent >= CASE WHEN e.learner_id IS NOT NULL THEN $11::int ELSE $12::int END THEN false
            WHEN n.sent = 0 THEN z.idle_since + make_interval(days => $8::int) <= $1
            WHEN n.sent = 1 THEN greatest(z.idle_since + make_interval(days => $9::int),
                                          n.last_at + make_interval(days => $9::int - $8::int)) <= $1
            ELSE n.last_at + make_interval(days => $10::int) <= $1 END AS nudge,
        dr.question_id IS NOT NULL AND l.registered_at IS NOT NULL
            AND NOT (coalesce(l.conversation->>'stage', '') = 'question' AND coalesce(e.question_id, '') <> '')
            AND coalesce(l.last_inbound_at, '-infinity') <= $1 - make_interval(secs => $13::int)
            AND (n.unanswered = 0 OR (n.unanswered < $15::int AND n.last_any + make_interval(days => $14::int) <= $1))
            AS review) x
    WHERE l.id > $19 AND ($20::bigint IS NULL OR l.id <= $20)
      AND l.opted_out_at IS NULL
      AND (l.registered_at IS NOT NULL OR l.source = 'import')
      AND coalesce((l.conversation->>'paused_until')::timestamptz, '-infinity') <= $1
      AND z.local_now::time >= make_time($5::int, 0, 0) AND z.local_now::time < make_time($6::int, 0, 0)
      AND z.local_now::time >= make_time(CASE WHEN z.usual_hour >= $5::int AND z.usual_hour < $6::int THEN z.usual_hour ELSE $7::int END, 0, 0)
      -- A day taken is the common case after the day's first sweep.
      AND coalesce(h.last_day < z.local_now::date, true)
      AND NOT EXISTS (
          SELECT 1 FROM outbox o
          WHERE o.learner_id = l.id AND o.announcement_id IS NOT NULL AND o.status <> 'cancelled'
            AND ((o.created_at AT TIME ZONE 'UTC') + make_interval(secs => z.offset_s))::date = z.local_now::date)
      AND (x.nudge OR x.review)
), taken AS (
    -- A nudge wins over a review on the same day.
    INSERT INTO reminders (learner_id, day, kind, variant, quiz_id, question_id, sent_at)
    SELECT d.id, d.day, d.kind, CASE WHEN d.kind = 'nudge' THEN d.last_variant % $16::int + 1 ELSE 0 END,
           CASE WHEN d.kind = 'review' THEN d.review_quiz ELSE '' END,
           CASE WHEN d.kind = 'review' THEN d.review_question ELSE '' END, $1
    FROM decided d
    ON CONFLICT (learner_id, day) DO NOTHING
    RETURNING learner_id, kind, variant, quiz_id, question_id
)
SELECT t.kind, t.variant, t.quiz_id AS review_quiz, t.question_id AS review_question,
       l.id, l.phone, l.name, l.role, l.role_title, l.village_code, l.preferred_channel,
       l.registered_at IS NOT NULL AS registered, l.opted_out_at IS NOT NULL AS opted_out, l.conversation,
       d.imported, d.idle_since, d.usual_hour, d.offset_s, d.day, d.enrolled,
       d.sent, d.last_at, d.unanswered, d.last_any, d.last_variant,
       coalesce(e.course_id, '') AS course_id, coalesce(e.lesson_id, '') AS lesson_id,
       coalesce(e.question_id, '') AS question_id, coalesce(e.quiz_id, '') AS quiz_id,
       coalesce(e.attempt, 0) AS attempt, coalesce(e.detail, '{}') AS detail
FROM taken t
JOIN decided d ON d.id = t.learner_id
JOIN learners l ON l.id = t.learner_id
LEFT JOIN enrolments e ON e.learner_id = l.id AND e.course_id = $2
ORDER BY l.id`

// takenDay is one learner whose day decideReminderDays took, with what
// checking and rendering the message needs.
type takenDay struct {
	learnerRow
	enrolmentRow
	Kind          string     `db:"kind"`
	Variant       int        `db:"variant"`
	Quiz          string     `db:"review_quiz"`
	Question      string     `db:"review_question"`
	Imported      bool       `db:"imported"`
	IdleSince     time.Time  `db:"idle_since"`
	UsualHour     int        `db:"usual_hour"`
	OffsetSeconds int        `db:"offset_s"`
	Day           time.Time  `db:"day"`
	Enrolled      bool       `db:"enrolled"`
	Sent          int        `db:"sent"`
	LastAt        *time.Time `db:"last_at"`
	Unanswered    int        `db:"unanswered"`
	LastAny       *time.Time `db:"last_any"`
	LastVariant   int        `db:"last_variant"`
}

// reminderWindowEnd is the id of the batch-th learner after $1: where a
// pass's window ends. No row: the window runs to the last learner.
const reminderWindowEnd = `SELECT id FROM learners WHERE id > $1 ORDER BY id OFFSET $2 LIMIT 1`

// decideReminders runs decideReminderDays with the rules' constants over
// the window of batch learners after opt.After, and returns where the
// window ended (0 when it reached the last learner).
func decideReminders(ctx context.Context, tx *sqlx.Tx, course *lessons.Course, opt ReminderOptions, now time.Time, batch int) ([]takenDay, int64, error) {
	var end sql.NullInt64
	if err := tx.GetContext(ctx, &end, reminderWindowEnd, opt.After, batch-1); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fmt.Errorf("reminder pass: window after learner %d: %w", opt.After, err)
	}
	quizzes, questions := courseQuestions(course)
	var taken []takenDay
	if err := tx.SelectContext(ctx, &taken, decideReminderDays, now, course.ID, opt.Nudges, opt.Reviews,
		bot.DayStartHour, bot.DayEndHour, bot.DefaultHour, bot.NudgeIdleDays[0], bot.NudgeIdleDays[1], bot.NudgeEveryDays,
		bot.NudgeMax, bot.NudgeMaxNeverStarted, int(bot.ReviewQuiet/time.Second), bot.ReviewRetryDays,
		bot.ReviewMaxUnanswered, bot.NudgeVariants(), pq.Array(quizzes), pq.Array(questions), opt.After, end); err != nil {
		return nil, 0, fmt.Errorf("reminder pass: decide: %w", err)
	}
	return taken, end.Int64, nil
}

// courseQuestions lists the (quiz, question) pairs a review may ask: the
// lessons' quizzes and the post-test (the pretest is never reviewed). An
// item whose question the course lost waits for an edit that brings it
// back rather than being sent broken.
func courseQuestions(course *lessons.Course) (quizzes, questions []string) {
	for _, l := range course.Lessons() {
		for _, q := range l.Quiz {
			if len(q.Options) > 0 {
				quizzes, questions = append(quizzes, l.ID), append(questions, q.ID)
			}
		}
	}
	for _, q := range course.Posttest {
		if len(q.Options) > 0 {
			quizzes, questions = append(quizzes, bot.Posttest), append(questions, q.ID)
		}
	}
	return quizzes, questions
}
