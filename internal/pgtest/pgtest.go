// Package pgtest gives each test its own real PostgreSQL database, cloned
// from a template that is migrated once per schema version, so tests are
// isolated and a new database costs milliseconds.
//
// The server is DATABASE_URL when it is set (its role needs CREATEDB), else a
// private cluster under PAMONG_TEST_DATA_DIR (default a directory in the
// system temp dir), started on demand and shared by every test package.
package pgtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/localpg"
	"github.com/pamong-desa/pamong/store"
)

var (
	setupOnce sync.Once
	serverURL string // any database on the server, for CREATE DATABASE
	template  string
	setupErr  error
	counter   atomic.Int64
)

// URL returns the connection string of a new, migrated, empty database that
// is dropped when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	setupOnce.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("test database: %v", setupErr)
	}
	name := fmt.Sprintf("test_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6, counter.Add(1))
	admin, err := sql.Open("postgres", serverURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + pq.QuoteIdentifier(name) + " TEMPLATE " + pq.QuoteIdentifier(template)); err != nil {
		t.Fatalf("create test database from %s: %v", template, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("postgres", serverURL)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(name) + " WITH (FORCE)")
	})
	return store.WithDatabase(serverURL, name)
}

// New returns an open store on a fresh database.
func New(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func setup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	serverURL = os.Getenv("DATABASE_URL")
	if serverURL == "" {
		dir := os.Getenv("PAMONG_TEST_DATA_DIR")
		if dir == "" {
			dir = filepath.Join(os.TempDir(), fmt.Sprintf("pamong-test-%d", os.Getuid()))
		}
		c, err := localpg.New(dir)
		if err != nil {
			return err
		}
		c.Fast = true
		if serverURL, err = c.Start(ctx); err != nil {
			return err
		}
	}
	hash, err := schemaHash()
	if err != nil {
		return err
	}
	template = "pamong_template_" + hash
	return ensureTemplate(ctx)
}

// ensureTemplate builds the template database once per schema version. Test
// binaries of several packages run in parallel: an advisory lock makes one
// build it while the others wait and then find it.
func ensureTemplate(ctx context.Context) error {
	admin, err := sql.Open("postgres", serverURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", store.Redact(serverURL), err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(727001)"); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(727001)")
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", template).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	building := template + "_building"
	if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(building)+" WITH (FORCE)"); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(building)); err != nil {
		return err
	}
	db, err := store.Open(ctx, store.WithDatabase(serverURL, building))
	if err != nil {
		return err
	}
	_, err = db.Migrate(ctx)
	db.Close()
	if err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "ALTER DATABASE "+pq.QuoteIdentifier(building)+" RENAME TO "+pq.QuoteIdentifier(template))
	return err
}

func schemaHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(store.MigrationsFS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(store.MigrationsFS(), path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12], err
}

// DaytimeClock is a clock for tests of bulk traffic, which leaves only
// between 08:00 and 20:00 in the learner's time zone: it runs at the real
// pace from the next 05:00 UTC (12:00 WIB, 13:00 WITA, 14:00 WIT), so it is
// inside every Indonesian zone's window and never behind the database's
// own now(), whatever the hour the tests run at.
func DaytimeClock() func() time.Time {
	now := time.Now().UTC()
	next := time.Date(now.Year(), now.Month(), now.Day(), 5, 0, 0, 0, time.UTC)
	if next.Before(now) {
		next = next.Add(24 * time.Hour)
	}
	shift := next.Sub(now)
	return func() time.Time { return time.Now().Add(shift) }
}
