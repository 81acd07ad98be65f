package store

import (
	"context"
	"math"
	"strings"
	"time"

	"github.com/lib/pq"
)

// CountForTest runs a counting query; tests use it to look at tables.
func CountForTest(ctx context.Context, d *DB, query string, args ...any) (int, error) {
	var n int
	err := d.db.GetContext(ctx, &n, query, args...)
	return n, err
}

// ExecForTest runs a statement; tests use it to set up what the product
// cannot (rows from before a feature existed).
func ExecForTest(ctx context.Context, d *DB, query string, args ...any) (int64, error) {
	res, err := d.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// ExplainClaimForTest runs the claim (the deep one, over the whole queue,
// or the usual one over its front) under EXPLAIN (ANALYZE, BUFFERS) in a
// transaction it rolls back, so the rows stay queued, and returns the plan.
func ExplainClaimForTest(ctx context.Context, d *DB, channels []string, limit int, deep bool) (string, error) {
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	now := d.now()
	query, args := claimDueFront, []any{now, pq.Array(channels), limit, now.Add(time.Minute), frontSize(limit)}
	if deep {
		query, args = claimDueDeep, args[:4]
	}
	var lines []string
	if err := tx.SelectContext(ctx, &lines, "EXPLAIN (ANALYZE, BUFFERS) "+query, args...); err != nil {
		return "", err
	}
	return strings.Join(lines, "\n"), nil
}

// DeepClaimsForTest turns the once-a-second deep claim off (tests of the
// usual claim) or makes the next claim a deep one.
func DeepClaimsForTest(d *DB, on bool) {
	if on {
		d.deepClaimAt.Store(0)
	} else {
		d.deepClaimAt.Store(math.MaxInt64)
	}
}
