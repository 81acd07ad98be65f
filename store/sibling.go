package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/region"
)

const currentDatabase = `SELECT current_database()`

// DatabaseName is the name of the database d is connected to.
func (d *DB) DatabaseName(ctx context.Context) (string, error) {
	var name string
	if err := d.db.GetContext(ctx, &name, currentDatabase); err != nil {
		return "", fmt.Errorf("read the database name: %w", err)
	}
	return name, nil
}

// OpenSibling opens the database name on d's server with d's credentials,
// creating it first when it does not exist (the role needs CREATEDB for
// that). Trials of a course use one, so that they never touch real
// learners. The caller migrates it.
func (d *DB) OpenSibling(ctx context.Context, name string) (*DB, error) {
	if _, err := d.db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		var pqErr *pq.Error
		// 42P04: it exists already (made by an earlier trial, or by a
		// concurrent one a moment ago).
		if !errors.As(err, &pqErr) || pqErr.Code != "42P04" {
			return nil, fmt.Errorf("create database %s: %w", name, err)
		}
	}
	return Open(ctx, WithDatabase(d.dsn, name))
}

// WithDatabase returns dsn (a URL or key=value pairs) naming database name
// instead of its own.
func WithDatabase(dsn, name string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		u.Path = "/" + name
		return u.String()
	}
	var kept []string
	for _, kv := range strings.Fields(dsn) {
		if !strings.HasPrefix(kv, "dbname=") {
			kept = append(kept, kv)
		}
	}
	return strings.Join(append(kept, "dbname="+name), " ")
}

const selectRegions = `SELECT code, name FROM regions ORDER BY code`

// Regions returns every imported region, in code order.
func (d *DB) Regions(ctx context.Context) ([]region.Region, error) {
	var rows []region.Region
	if err := d.db.SelectContext(ctx, &rows, selectRegions); err != nil {
		return nil, fmt.Errorf("read regions: %w", err)
	}
	return rows, nil
}
