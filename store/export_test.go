package store

import "context"

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
