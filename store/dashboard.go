package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/region"
)

// Funnel is how far the officials of a region have come through a course,
// each count a subset of the one before it, in the order the course runs.
type Funnel struct {
	Officials  int `db:"officials"`
	Imported   int `db:"imported"`
	Registered int `db:"registered"`
	Pretest    int `db:"pretest"`
	Lesson     int `db:"lesson"`
	Passed     int `db:"passed"`
	Certified  int `db:"certified"`
	// Active wrote to the bot since the time asked for.
	Active int `db:"active"`
	// GainSum and Gained give the average pretest → post-test gain, in
	// percentage points, over the learners who took both.
	GainSum int `db:"gain_sum"`
	Gained  int `db:"gained"`
}

// progressAnyCourse and progressOneCourse are one row a learner of their
// course progress. With a course named (as in production) it is the
// enrolment itself, so the planner can join by index for a small scope;
// with any course the enrolments are folded per learner, so every count
// stays a count of officials.
const (
	progressAnyCourse = `(SELECT learner_id,
           bool_or(pretest_score IS NOT NULL) AS pretest,
           bool_or(pretest_score IS NOT NULL AND lessons_done > 0) AS lesson,
           bool_or(pretest_score IS NOT NULL AND lessons_done > 0 AND passed) AS passed,
           max(posttest_score - pretest_score) AS gain
    FROM enrolments WHERE %[1]s = '' GROUP BY learner_id)`
	progressOneCourse = `(SELECT learner_id,
           pretest_score IS NOT NULL AS pretest,
           pretest_score IS NOT NULL AND lessons_done > 0 AS lesson,
           pretest_score IS NOT NULL AND lessons_done > 0 AND passed AS passed,
           posttest_score - pretest_score AS gain
    FROM enrolments WHERE course_id = %[1]s)`
)

// progress picks the form for course, whose query parameter is param
// ("$2").
func progress(course, param string) string {
	if course == "" {
		return fmt.Sprintf(progressAnyCourse, param)
	}
	return fmt.Sprintf(progressOneCourse, param)
}

// Each step also requires the step before it, so the funnel never widens
// (a post-test pass without a recorded pretest is not counted as passed).
const selectFunnel = `
SELECT count(*) AS officials,
       count(*) FILTER (WHERE l.source = 'import') AS imported,
       count(*) FILTER (WHERE l.registered_at IS NOT NULL) AS registered,
       count(*) FILTER (WHERE l.registered_at IS NOT NULL AND e.pretest) AS pretest,
       count(*) FILTER (WHERE l.registered_at IS NOT NULL AND e.lesson) AS lesson,
       count(*) FILTER (WHERE l.registered_at IS NOT NULL AND e.passed) AS passed,
       count(*) FILTER (WHERE l.registered_at IS NOT NULL AND e.passed AND c.learner_id IS NOT NULL) AS certified,
       count(*) FILTER (WHERE l.last_inbound_at >= $3) AS active,
       coalesce(sum(e.gain), 0) AS gain_sum,
       count(e.gain) AS gained
FROM learners l
LEFT JOIN %s e ON e.learner_id = l.id
LEFT JOIN ` + certifiedLearners + ` c ON c.learner_id = l.id
WHERE pamong_within(l.village_code, $1)`

// certifiedLearners are the learners with a valid certificate of course $2
// (” any). It is a join and not a correlated EXISTS on purpose: the
// EXISTS made the planner's estimate for 80,000 learners cross
// jit_above_cost, and JIT compilation alone then took a second.
const certifiedLearners = `(SELECT DISTINCT learner_id FROM certificates
    WHERE revoked_at IS NULL AND ($2 = '' OR course_id = $2))`

// Funnel counts the officials inside scope at each step of course ("" is
// any course); active are those who wrote since activeSince.
func (d *DB) Funnel(ctx context.Context, scope region.Code, course string, activeSince time.Time) (Funnel, error) {
	var f Funnel
	err := d.withoutJIT(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &f, fmt.Sprintf(selectFunnel, progress(course, "$2")), string(scope), course, activeSince)
	})
	if err != nil {
		return f, fmt.Errorf("count the funnel of %q: %w", scope, err)
	}
	return f, nil
}

// ChannelTraffic is what was sent on one channel: every message written,
// and how many of them ended delivered (or read), failed, or are on their
// way.
type ChannelTraffic struct {
	Channel   string `db:"channel"`
	Messages  int    `db:"messages"`
	Delivered int    `db:"delivered"`
	Sent      int    `db:"sent"`
	Failed    int    `db:"failed"`
	Pending   int    `db:"pending"`
	// Superseded were WhatsApp messages replaced by an SMS.
	Superseded int `db:"superseded"`
}

// Cancelled messages never left, so they are not traffic.
const selectChannelTraffic = `
SELECT o.channel,
       count(*) AS messages,
       count(*) FILTER (WHERE o.status IN ('delivered', 'read')) AS delivered,
       count(*) FILTER (WHERE o.status = 'sent') AS sent,
       count(*) FILTER (WHERE o.status = 'failed') AS failed,
       count(*) FILTER (WHERE o.status IN ('queued', 'sending')) AS pending,
       count(*) FILTER (WHERE o.status = 'superseded') AS superseded
FROM outbox o JOIN learners l ON l.id = o.learner_id
WHERE o.created_at >= $2 AND o.status <> 'cancelled' AND pamong_within(l.village_code, $1)
GROUP BY o.channel ORDER BY o.channel`

// ChannelTraffic counts the messages to learners inside scope written
// since, per channel.
func (d *DB) ChannelTraffic(ctx context.Context, scope region.Code, since time.Time) ([]ChannelTraffic, error) {
	var out []ChannelTraffic
	err := d.withoutJIT(ctx, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &out, selectChannelTraffic, string(scope), since)
	})
	if err != nil {
		return nil, fmt.Errorf("count the messages of %q: %w", scope, err)
	}
	return out, nil
}

// withoutJIT runs the dashboard's aggregates in a read-only transaction
// with JIT compilation off. Over 80,000 learners the planner's estimate
// crosses jit_above_cost, and compiling took longer (0.5–1 s measured on
// the 2-core test machine) than the query itself (about 0.2 s).
func (d *DB) withoutJIT(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := d.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL jit = off`); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
