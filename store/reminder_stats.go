package store

import (
	"context"
	"fmt"
	"time"

	"github.com/pamong-desa/pamong/region"
)

// ReminderRegionStats is what reminders and review did in one region.
type ReminderRegionStats struct {
	Region string `db:"region"`
	Name   string `db:"name"`
	Nudges int    `db:"nudges"`
	// CameBack are the nudges the learner answered (wrote anything)
	// within 2 days.
	CameBack int `db:"came_back"`
	// ReviewsSent are review questions sent.
	ReviewsSent int `db:"reviews_sent"`
	// ItemsDue are live review items due now; ItemsLive all live ones.
	ItemsDue  int `db:"items_due"`
	ItemsLive int `db:"items_live"`
	Retired   int `db:"retired"`
	Answered  int `db:"answered"`
	Correct   int `db:"correct"`
	// ByBox is the review answers by the box the item was in: index 0 is
	// box 1.
	ByBox []BoxAccuracy
}

// BoxAccuracy is how review answers went in one Leitner box.
type BoxAccuracy struct {
	Box      int `db:"box"`
	Answered int `db:"answered"`
	Correct  int `db:"correct"`
}

// comeBackWithin is how soon a learner must write after a nudge for it to
// count as having brought them back.
const comeBackWithin = 48 * time.Hour

// The statistics group learners by the first len characters of their
// village code (the level below the admin's scope); learners without a
// village are counted only by a national admin, under "".
const (
	selectReminderStats = `
WITH l AS MATERIALIZED (
    SELECT id, left(coalesce(village_code, ''), $2) AS region FROM learners
    WHERE pamong_within(coalesce(village_code, ''), $1)
), n AS (
    SELECT l.region, count(*) FILTER (WHERE r.kind = 'nudge') AS nudges,
           count(*) FILTER (WHERE r.kind = 'nudge' AND EXISTS (
               SELECT 1 FROM inbound_messages i WHERE i.learner_id = r.learner_id
                 AND i.received_at > r.sent_at AND i.received_at <= r.sent_at + make_interval(secs => $4))) AS came_back,
           count(*) FILTER (WHERE r.kind = 'review') AS reviews_sent
    FROM reminders r JOIN l ON l.id = r.learner_id GROUP BY l.region
), i AS (
    SELECT l.region, count(*) FILTER (WHERE ri.retired_at IS NULL AND ri.due_at <= $3) AS items_due,
           count(*) FILTER (WHERE ri.retired_at IS NULL) AS items_live,
           count(*) FILTER (WHERE ri.retired_at IS NOT NULL) AS retired
    FROM review_items ri JOIN l ON l.id = ri.learner_id GROUP BY l.region
), a AS (
    SELECT l.region, count(*) AS answered, count(*) FILTER (WHERE ra.correct) AS correct
    FROM review_answers ra JOIN l ON l.id = ra.learner_id GROUP BY l.region
)
SELECT g.region, coalesce(rg.name, '') AS name,
       coalesce(n.nudges, 0) AS nudges, coalesce(n.came_back, 0) AS came_back, coalesce(n.reviews_sent, 0) AS reviews_sent,
       coalesce(i.items_due, 0) AS items_due, coalesce(i.items_live, 0) AS items_live, coalesce(i.retired, 0) AS retired,
       coalesce(a.answered, 0) AS answered, coalesce(a.correct, 0) AS correct
FROM (SELECT region FROM n UNION SELECT region FROM i UNION SELECT region FROM a) g
LEFT JOIN n ON n.region = g.region LEFT JOIN i ON i.region = g.region LEFT JOIN a ON a.region = g.region
LEFT JOIN regions rg ON rg.code = g.region
ORDER BY g.region`
	selectReviewAccuracy = `
WITH l AS MATERIALIZED (
    SELECT id, left(coalesce(village_code, ''), $2) AS region FROM learners
    WHERE pamong_within(coalesce(village_code, ''), $1)
)
SELECT l.region, ra.box, count(*) AS answered, count(*) FILTER (WHERE ra.correct) AS correct
FROM review_answers ra JOIN l ON l.id = ra.learner_id
GROUP BY l.region, ra.box ORDER BY l.region, ra.box`
)

// ReminderStats counts nudges and review inside scope, by the regions one
// level below it (provinces for a national admin, villages for a
// district's).
func (d *DB) ReminderStats(ctx context.Context, scope region.Code) ([]ReminderRegionStats, error) {
	width := childWidth(scope)
	var rows []ReminderRegionStats
	if err := d.db.SelectContext(ctx, &rows, selectReminderStats, string(scope), width, d.now(),
		int(comeBackWithin/time.Second)); err != nil {
		return nil, fmt.Errorf("reminder statistics in %q: %w", scope, err)
	}
	var boxes []struct {
		Region string `db:"region"`
		BoxAccuracy
	}
	if err := d.db.SelectContext(ctx, &boxes, selectReviewAccuracy, string(scope), width); err != nil {
		return nil, fmt.Errorf("review accuracy in %q: %w", scope, err)
	}
	at := make(map[string]int, len(rows))
	for i, r := range rows {
		at[r.Region] = i
	}
	for _, b := range boxes {
		if i, ok := at[b.Region]; ok {
			rows[i].ByBox = append(rows[i].ByBox, b.BoxAccuracy)
		}
	}
	return rows, nil
}

// childWidth is how many characters of a village code name the region one
// level below scope: "" → 2 (province), "52" → 5, "52.01" → 8, "52.01.01"
// and a village → 13.
func childWidth(scope region.Code) int {
	switch len(scope) {
	case 0:
		return 2
	case 2:
		return 5
	case 5:
		return 8
	}
	return 13
}
