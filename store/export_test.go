package store

import "context"

// CountForTest runs a counting query; tests use it to look at tables.
func CountForTest(ctx context.Context, d *DB, query string, args ...any) (int, error) {
	var n int
	err := d.db.GetContext(ctx, &n, query, args...)
	return n, err
}
