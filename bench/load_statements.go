package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
)

// Where the database's time goes, from pg_stat_statements: the run's
// cluster loads it when the server has it (Debian's postgresql-15 does),
// and the top statements are printed after each phase.
const (
	preloadStatements = `ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`
	createStatements  = `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`
	resetStatements   = `SELECT pg_stat_statements_reset()`
	topStatements     = `
SELECT calls, total_exec_time, mean_exec_time, regexp_replace(query, '\s+', ' ', 'g')
FROM pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
ORDER BY total_exec_time DESC LIMIT $1`
)

// enableStatements loads pg_stat_statements into the run's cluster,
// restarting it; false when the server does not have it.
func (r *loadRun) enableStatements(ctx context.Context) bool {
	if _, err := r.db.ExecContext(ctx, preloadStatements); err != nil {
		return false
	}
	if _, err := r.ctl.run(ctx, "db", "stop"); err != nil {
		return false
	}
	if _, err := r.ctl.run(ctx, "migrate"); err != nil {
		return false
	}
	_, err := r.db.ExecContext(ctx, createStatements)
	return err == nil
}

// resetStatementStats starts a phase's statistics afresh.
func (r *loadRun) resetStatementStats(ctx context.Context) {
	if r.statements {
		r.db.ExecContext(ctx, resetStatements)
	}
}

// printStatements writes the n statements that took the most time since
// the last reset.
func printStatements(ctx context.Context, w io.Writer, db *sql.DB, n int) error {
	rows, err := db.QueryContext(ctx, topStatements, n)
	if err != nil {
		return fmt.Errorf("read pg_stat_statements: %w", err)
	}
	defer rows.Close()
	fmt.Fprintf(w, "  %8s %10s %9s  %s\n", "calls", "total ms", "mean ms", "statement (pg_stat_statements)")
	for rows.Next() {
		var calls int64
		var total, mean float64
		var query string
		if err := rows.Scan(&calls, &total, &mean, &query); err != nil {
			return fmt.Errorf("read pg_stat_statements: %w", err)
		}
		query = strings.TrimSpace(query)
		if len(query) > 90 {
			query = query[:90] + "…"
		}
		fmt.Fprintf(w, "  %8d %10.0f %9.2f  %s\n", calls, total, mean, query)
	}
	return rows.Err()
}

// printStatements prints the phase's top statements, when it can.
func (r *loadRun) printStatements(ctx context.Context) {
	if !r.statements {
		return
	}
	if err := printStatements(ctx, r.w, r.db, 8); err != nil {
		fmt.Fprintf(r.w, "  %v\n", err)
	}
}
