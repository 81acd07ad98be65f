// Package store keeps Pamong's state in PostgreSQL: the only package that
// speaks SQL. Each exported method that decides something runs in one
// transaction of its own.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is Pamong's database.
type DB struct {
	db  *sqlx.DB
	dsn string // for LISTEN, which needs a connection of its own
	now func() time.Time
	// certs is what certificates are issued with (certificates.go).
	certs CertificateSettings
	// deepClaimAt is when (Unix ns) the next claim looks at the whole
	// queue rather than its front (claim.go).
	deepClaimAt atomic.Int64
	// waker sends the outbox's NOTIFY after commits (wake.go).
	waker outboxWaker
}

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, dsn string) (*DB, error) {
	c, err := newConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", Redact(dsn), err)
	}
	// Connections come from a connector whose sockets obey each call's
	// context (conn.go): a paused server cannot hold a request past its
	// deadline, and waiting for a free connection ends with it too.
	db := sqlx.NewDb(sql.OpenDB(c), "postgres")
	db.SetMaxOpenConns(DefaultMaxConns())
	db.SetMaxIdleConns(DefaultMaxConns())
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database %s: %w (is the server running and DATABASE_URL right?)", Redact(dsn), err)
	}
	return &DB{db: db, dsn: dsn, now: time.Now}, nil
}

// DefaultMaxConns is the pool's size unless SetMaxConns changes it: a few
// connections per core. More connections than the cores can serve only make
// every statement wait behind the others: on 2 cores under `make bench`,
// 12 connections instead of 50 raised inbound from 260 to 330 msg/s and
// halved its p99 (1.3 s to 0.75 s); 6 did as well as 12, 24 as badly as 50.
func DefaultMaxConns() int { return max(8, 4*runtime.GOMAXPROCS(0)) }

// SetMaxConns sets how many connections the pool opens at most, all of
// them kept when idle.
func (d *DB) SetMaxConns(n int) {
	d.db.SetMaxOpenConns(n)
	d.db.SetMaxIdleConns(n)
}

// Close closes the connection pool.
func (d *DB) Close() error { return d.db.Close() }

// SetClock replaces the clock used for timestamps the store writes itself;
// tests fix it.
func (d *DB) SetClock(now func() time.Time) { d.now = now }

// Ping checks that the database answers; /healthz uses it.
func (d *DB) Ping(ctx context.Context) error { return d.db.PingContext(ctx) }

// Migrate applies the embedded migrations that have not been applied yet.
// A Postgres advisory lock serialises concurrent callers, so several pamong
// processes can start together against one database.
func (d *DB) Migrate(ctx context.Context) (applied []string, err error) {
	p, err := newMigrator(d)
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("apply migrations: %w", err)
	}
	for _, r := range results {
		applied = append(applied, r.Source.Path)
	}
	return applied, nil
}

// Pending tells whether migrations are waiting to be applied.
func (d *DB) Pending(ctx context.Context) (bool, error) {
	p, err := newMigrator(d)
	if err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}

func newMigrator(d *DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("create migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, d.db.DB, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// MigrationsFS exposes the migrations so that test databases built from a
// template can tell when the schema changed.
func MigrationsFS() fs.FS { return migrations }

// Redact hides the password of a connection string for logs and errors.
func Redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	var out []string
	for _, kv := range strings.Fields(dsn) {
		if strings.HasPrefix(kv, "password=") {
			kv = "password=xxxxx"
		}
		out = append(out, kv)
	}
	return strings.Join(out, " ")
}

// isUniqueViolation tells whether err is Postgres refusing a duplicate key.
func isUniqueViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505"
}

// execer is what a helper needs to write inside or outside a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Now is the store's clock: what it writes as the current time.
func (d *DB) Now() time.Time { return d.now() }

// Transient tells whether err, returned by a store method, may go away if
// the same call is made again later: the database was unreachable, slow,
// restarting, or the transaction lost a race. Callers answer those with
// "try again" (503) and everything else as final: a request PostgreSQL
// refused for what it contains (a data exception, a constraint) fails the
// same way on every retry. Errors the store cannot place count as
// transient: better a retry too many than a message dropped.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	if Unavailable(err) {
		return true
	}
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) {
		return true
	}
	switch pqErr.Code.Class() {
	case "08", // connection exception
		"40", // transaction rollback: serialization failure, deadlock
		"53", // insufficient resources
		"55", // object not in prerequisite state: lock not available
		"57", // operator intervention: query cancelled, shutdown
		"58": // system error
		return true
	}
	return false
}
