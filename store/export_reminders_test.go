package store

import "context"

// SelectForTest runs a query into dest; the reminder simulation reads the
// outbox and the learners' pending questions with it.
func SelectForTest(ctx context.Context, d *DB, dest any, query string, args ...any) error {
	return d.db.SelectContext(ctx, dest, query, args...)
}
