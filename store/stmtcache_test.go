package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/internal/pgtest"
	"github.com/pamong-desa/pamong/store"
)

// A statement with parameters is prepared once per connection and then
// reused; every execution is still planned for its own parameters.
func TestStatementsPreparedOncePerConnection(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	store.OneConnForTest(db)
	const q = `UPDATE learners SET name = name WHERE phone = $1`
	const preparedQ = `SELECT count(*) FROM pg_prepared_statements WHERE statement = $1`
	for i := range 3 {
		if _, err := store.ExecForTest(ctx, db, q, "+6281200000001"); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		n, err := store.CountForTest(ctx, db, preparedQ, q)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("after run %d the connection holds %d prepared copies of the statement, want 1", i+1, n)
		}
	}
	custom, err := store.CountForTest(ctx, db, `SELECT count(*) FROM pg_settings WHERE name = 'plan_cache_mode' AND setting = $1`, "force_custom_plan")
	if err != nil {
		t.Fatal(err)
	}
	if custom != 1 {
		t.Error("plan_cache_mode is not force_custom_plan: prepared statements could get generic plans")
	}
}

// A schema change that alters what a prepared statement returns costs at
// most one failed execution on the connection; the statement is then
// prepared again.
func TestStatementPreparedAgainAfterSchemaChange(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	store.OneConnForTest(db)
	const q = `SELECT * FROM stmt_probe WHERE a = $1`
	if _, err := store.ExecForTest(ctx, db, `CREATE TABLE stmt_probe (a int)`); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ExecForTest(ctx, db, q, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ExecForTest(ctx, db, `ALTER TABLE stmt_probe ADD COLUMN b int`); err != nil {
		t.Fatal(err)
	}
	_, err := store.ExecForTest(ctx, db, q, 1)
	t.Logf("first run after the change: %v", err)
	var pqErr *pq.Error
	if err != nil && !(errors.As(err, &pqErr) && pqErr.Code == "0A000") {
		t.Fatalf("first run after the change: %v, want success or 'cached plan must not change result type'", err)
	}
	if _, err := store.ExecForTest(ctx, db, q, 1); err != nil {
		t.Fatalf("second run after the change: %v", err)
	}
}
