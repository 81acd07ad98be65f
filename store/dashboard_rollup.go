package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/region"
)

// The rollup is selectFunnel and selectChannelTraffic grouped by village
// instead of filtered by scope: every learner is in one village (or none,
// kept as the empty code), so the sum over the villages of a scope is the
// scope's live count at the moment of the refresh. $1 and $2 of
// insertRollup are both the course: the shared fragments progress and
// certifiedLearners read it as $2.
const (
	rollupLock = `SELECT pg_try_advisory_xact_lock(hashtext('pamong dashboard rollup'))`
	// The rollup is rewritten whole: a village whose last official moved
	// away must not keep its old numbers.
	clearRollup        = `DELETE FROM dashboard_rollup WHERE course_id = $1`
	clearTrafficRollup = `DELETE FROM dashboard_traffic_rollup WHERE course_id = $1`
	insertRollup       = `
INSERT INTO dashboard_rollup (course_id, village_code, officials, imported, registered, pretest, lesson, passed, certified,
                              active, gain_sum, gained)
SELECT $1, coalesce(l.village_code, ''),
       count(*),
       count(*) FILTER (WHERE l.source = 'import'),
       count(*) FILTER (WHERE l.registered_at IS NOT NULL),
       count(*) FILTER (WHERE l.registered_at IS NOT NULL AND e.pretest),
       count(*) FILTER (WHERE l.registered_at IS NOT NULL AND e.lesson),
       count(*) FILTER (WHERE l.registered_at IS NOT NULL AND e.passed),
       count(*) FILTER (WHERE l.registered_at IS NOT NULL AND e.passed AND c.learner_id IS NOT NULL),
       count(*) FILTER (WHERE l.last_inbound_at >= $3),
       coalesce(sum(e.gain), 0),
       count(e.gain)
FROM learners l
LEFT JOIN %s e ON e.learner_id = l.id
LEFT JOIN ` + certifiedLearners + ` c ON c.learner_id = l.id
GROUP BY coalesce(l.village_code, '')`
	insertTrafficRollup = `
INSERT INTO dashboard_traffic_rollup (course_id, village_code, channel, messages, delivered, sent, failed, pending, superseded)
SELECT $1, coalesce(l.village_code, ''), o.channel,
       count(*),
       count(*) FILTER (WHERE o.status IN ('delivered', 'read')),
       count(*) FILTER (WHERE o.status = 'sent'),
       count(*) FILTER (WHERE o.status = 'failed'),
       count(*) FILTER (WHERE o.status IN ('queued', 'sending')),
       count(*) FILTER (WHERE o.status = 'superseded')
FROM outbox o JOIN learners l ON l.id = o.learner_id
WHERE o.created_at >= $2 AND o.status <> 'cancelled'
GROUP BY coalesce(l.village_code, ''), o.channel`
	upsertRollupRun = `
INSERT INTO dashboard_rollup_runs (course_id, computed_at) VALUES ($1, $2)
ON CONFLICT (course_id) DO UPDATE SET computed_at = EXCLUDED.computed_at`
)

// RefreshDashboardRollup recomputes the overview's numbers of course for
// every village, as of now: active since activeSince, messages since
// trafficSince. Readers see the old rollup until the new one commits.
// When another process is refreshing, it does nothing and says so
// (false): several 'pamong serve' may share one database.
func (d *DB) RefreshDashboardRollup(ctx context.Context, course string, activeSince, trafficSince time.Time) (bool, error) {
	now := d.now()
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("refresh dashboard rollup: %w", err)
	}
	defer tx.Rollback()
	var locked bool
	if err := tx.GetContext(ctx, &locked, rollupLock); err != nil {
		return false, fmt.Errorf("refresh dashboard rollup: lock: %w", err)
	}
	if !locked {
		return false, nil
	}
	// As for the live funnel: JIT compiling costs more than the query.
	steps := []struct {
		what string
		q    string
		args []any
	}{
		{"jit off", `SET LOCAL jit = off`, nil},
		{"clear", clearRollup, []any{course}},
		{"clear traffic", clearTrafficRollup, []any{course}},
		{"count villages", fmt.Sprintf(insertRollup, progress(course, "$2")), []any{course, course, activeSince}},
		{"count traffic", insertTrafficRollup, []any{course, trafficSince}},
		{"record run", upsertRollupRun, []any{course, now}},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return false, fmt.Errorf("refresh dashboard rollup: %s: %w", st.what, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("refresh dashboard rollup: commit: %w", err)
	}
	return true, nil
}

const (
	selectRollupRun    = `SELECT computed_at FROM dashboard_rollup_runs WHERE course_id = $1`
	selectRollupFunnel = `
SELECT coalesce(sum(officials), 0) AS officials, coalesce(sum(imported), 0) AS imported,
       coalesce(sum(registered), 0) AS registered, coalesce(sum(pretest), 0) AS pretest,
       coalesce(sum(lesson), 0) AS lesson, coalesce(sum(passed), 0) AS passed,
       coalesce(sum(certified), 0) AS certified, coalesce(sum(active), 0) AS active,
       coalesce(sum(gain_sum), 0) AS gain_sum, coalesce(sum(gained), 0) AS gained
FROM dashboard_rollup WHERE course_id = $2 AND pamong_within(village_code, $1)`
	selectRollupTraffic = `
SELECT channel, sum(messages) AS messages, sum(delivered) AS delivered, sum(sent) AS sent, sum(failed) AS failed,
       sum(pending) AS pending, sum(superseded) AS superseded
FROM dashboard_traffic_rollup WHERE course_id = $2 AND pamong_within(village_code, $1)
GROUP BY channel ORDER BY channel`
)

// RollupOverview reads the overview of scope from the rollup of course, in
// one snapshot, with the time it was computed; a zero time (and nothing
// else) when it was never computed.
func (d *DB) RollupOverview(ctx context.Context, scope region.Code, course string) (Funnel, []ChannelTraffic, time.Time, error) {
	var f Funnel
	var traffic []ChannelTraffic
	var at time.Time
	tx, err := d.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return f, nil, at, fmt.Errorf("read dashboard rollup: %w", err)
	}
	defer tx.Rollback()
	err = tx.GetContext(ctx, &at, selectRollupRun, course)
	if errors.Is(err, sql.ErrNoRows) {
		return f, nil, time.Time{}, nil
	}
	if err != nil {
		return f, nil, at, fmt.Errorf("read dashboard rollup: %w", err)
	}
	if err := readRollup(ctx, tx, &f, &traffic, scope, course); err != nil {
		return f, nil, at, fmt.Errorf("read dashboard rollup of %q: %w", scope, err)
	}
	return f, traffic, at, tx.Commit()
}

func readRollup(ctx context.Context, tx *sqlx.Tx, f *Funnel, traffic *[]ChannelTraffic, scope region.Code, course string) error {
	if err := tx.GetContext(ctx, f, selectRollupFunnel, string(scope), course); err != nil {
		return err
	}
	return tx.SelectContext(ctx, traffic, selectRollupTraffic, string(scope), course)
}
