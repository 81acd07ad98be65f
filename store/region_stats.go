package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/region"
)

// RegionStats is one row of the dashboard's drill-down: a region one level
// below the one asked for, with the progress of its officials.
type RegionStats struct {
	Code       region.Code `db:"code"`
	Name       string      `db:"name"`
	Officials  int         `db:"officials"`
	Registered int         `db:"registered"`
	Active     int         `db:"active"`
	// Completed passed the post-test.
	Completed int `db:"completed"`
	Certified int `db:"certified"`
	// Gain is the average pretest → post-test gain in percentage points,
	// nil when no one there took both.
	Gain *float64 `db:"gain"`
}

// The learners of the parent are grouped by the prefix of their village
// code that names the child region ($2 characters long), so one pass over
// the parent's learners (found by the learners_village_prefix index)
// answers every row. Children without officials are listed with zeros.
// $1 is the parent (” for the whole country, whose children are the
// provinces), $3 the child level, $4 the course (” any), $5 when
// "active" starts.
const selectRegionStats = `
WITH s AS (
    SELECT left(l.village_code, $2) AS code,
           count(*) AS officials,
           count(*) FILTER (WHERE l.registered_at IS NOT NULL) AS registered,
           count(*) FILTER (WHERE l.last_inbound_at >= $5) AS active,
           count(*) FILTER (WHERE e.passed) AS completed,
           count(c.learner_id) AS certified,
           avg(e.gain)::float8 AS gain
    FROM learners l
    LEFT JOIN %s e ON e.learner_id = l.id
    LEFT JOIN (SELECT DISTINCT learner_id FROM certificates
               WHERE revoked_at IS NULL AND ($4 = '' OR course_id = $4)) c ON c.learner_id = l.id
    WHERE l.village_code IS NOT NULL AND pamong_within(l.village_code, $1)
    GROUP BY 1
)
SELECT r.code, r.name, coalesce(s.officials, 0) AS officials, coalesce(s.registered, 0) AS registered,
       coalesce(s.active, 0) AS active, coalesce(s.completed, 0) AS completed,
       coalesce(s.certified, 0) AS certified, s.gain
FROM regions r LEFT JOIN s ON s.code = r.code
WHERE r.level = $3 AND pamong_within(r.code, $1)
ORDER BY r.code`

// childLength is how long a code of each level is.
var childLength = map[region.Level]int{region.Province: 2, region.Regency: 5, region.District: 8, region.Village: 13}

// RegionStats lists the regions one level below parent ("" lists the
// provinces) with their officials' progress in course ("" any);
// activeSince is where "active" starts. A village has no children: nil.
func (d *DB) RegionStats(ctx context.Context, parent region.Code, course string, activeSince time.Time) ([]RegionStats, error) {
	level := region.Province
	if parent != "" {
		level = parent.Level() + 1
	}
	n, ok := childLength[level]
	if !ok {
		return nil, nil
	}
	var rows []RegionStats
	q := fmt.Sprintf(selectRegionStats, progress(course, "$4"))
	err := d.withoutJIT(ctx, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &rows, q, string(parent), n, int(level), course, activeSince)
	})
	if err != nil {
		return nil, fmt.Errorf("region stats under %q: %w", parent, err)
	}
	return rows, nil
}
