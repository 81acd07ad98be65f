package store

import (
	"context"
	"fmt"
	"time"

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

// The enrolments are folded to one row a learner first (a learner may have
// several courses when course is ”), so every count is of officials.
// Each step also requires the step before it, so the funnel never widens
// (a post-test pass without a recorded pretest is not counted as passed).
const selectFunnel = `
WITH e AS (
    SELECT e.learner_id,
           bool_or(e.pretest_score IS NOT NULL) AS pretest,
           bool_or(e.pretest_score IS NOT NULL AND e.lessons_done > 0) AS lesson,
           bool_or(e.pretest_score IS NOT NULL AND e.lessons_done > 0 AND e.passed) AS passed,
           max(e.posttest_score - e.pretest_score) AS gain
    FROM enrolments e JOIN learners l ON l.id = e.learner_id
    WHERE ($2 = '' OR e.course_id = $2) AND pamong_within(l.village_code, $1)
    GROUP BY e.learner_id
), c AS (
    SELECT DISTINCT c.learner_id FROM certificates c
    WHERE c.revoked_at IS NULL AND ($2 = '' OR c.course_id = $2) AND pamong_within(c.village_code, $1)
)
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
LEFT JOIN e ON e.learner_id = l.id
LEFT JOIN c ON c.learner_id = l.id
WHERE pamong_within(l.village_code, $1)`

// Funnel counts the officials inside scope at each step of course ("" is
// any course); active are those who wrote since activeSince.
func (d *DB) Funnel(ctx context.Context, scope region.Code, course string, activeSince time.Time) (Funnel, error) {
	var f Funnel
	if err := d.db.GetContext(ctx, &f, selectFunnel, string(scope), course, activeSince); err != nil {
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
	if err := d.db.SelectContext(ctx, &out, selectChannelTraffic, string(scope), since); err != nil {
		return nil, fmt.Errorf("count the messages of %q: %w", scope, err)
	}
	return out, nil
}
