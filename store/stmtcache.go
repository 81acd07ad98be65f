package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"

	"github.com/lib/pq"
)

// Why statements are prepared per connection: for a query with
// parameters lib/pq sends Parse and Describe and waits for the answer,
// then sends Bind and Execute and waits again: two round trips per
// statement. A message from a learner runs about a dozen statements in
// its transaction, so half its time with the database was spent waiting
// for the first of each pair. A statement prepared once on a connection
// runs in one round trip. Each connection keeps its own (prepared
// statements belong to a session), up to maxCachedStmts of them; queries
// beyond that, rare and dynamic, run as before.
//
// Plans stay what they were: the connection runs with
// plan_cache_mode=force_custom_plan, so every execution is planned for its
// own parameters, as an unnamed statement is, and PostgreSQL never swaps
// in a generic plan (the claim's plan depends on its LIMIT and times).

// maxCachedStmts bounds the statements one connection keeps; Pamong has
// fewer distinct queries with parameters than this.
const maxCachedStmts = 256

// stmtCache is one connection's prepared statements by query text. Only
// the goroutine using the connection touches it (database/sql hands a
// connection to one caller at a time).
type stmtCache map[string]driver.Stmt

// prepared returns the connection's statement for query, preparing it on
// first use; nil (and no error) when the cache is full.
func (c *conn) prepared(ctx context.Context, query string) (driver.Stmt, error) {
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	if len(c.stmts) >= maxCachedStmts {
		return nil, nil
	}
	st, err := c.pq.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.stmts == nil {
		c.stmts = stmtCache{}
	}
	c.stmts[query] = st
	return st, nil
}

// forget drops query's statement after an error that says it went stale
// (a migration changed what it returns); the next use prepares it again.
func (c *conn) forget(query string, err error) {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "0A000" {
		if st, ok := c.stmts[query]; ok {
			delete(c.stmts, query)
			_ = st.Close()
		}
	}
}

// withCustomPlans asks the server for a custom plan at every execution of
// a prepared statement (see above), unless the DSN (key=value form) says
// otherwise.
func withCustomPlans(dsn string) string {
	if strings.Contains(dsn, "plan_cache_mode=") {
		return dsn
	}
	return strings.TrimSpace(dsn + " plan_cache_mode=force_custom_plan")
}
