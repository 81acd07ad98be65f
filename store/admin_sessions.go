package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// AdminSession is a signed-in browser of the admins' dashboard.
type AdminSession struct {
	Admin     Admin
	CSRF      string
	ExpiresAt time.Time
}

const insertAdminSession = `
INSERT INTO admin_sessions (id_hash, admin_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`

// deleteExpiredAdminSessions keeps the table small: each sign-in sweeps
// what has expired, so no scheduler is needed for it.
const deleteExpiredAdminSessions = `DELETE FROM admin_sessions WHERE expires_at <= $1`

// CreateAdminSession records a session of admin adminID, known by the
// SHA-256 hash of its cookie value, valid until expires.
func (d *DB) CreateAdminSession(ctx context.Context, idHash []byte, adminID int64, csrf string, expires time.Time) error {
	now := d.now()
	if _, err := d.db.ExecContext(ctx, deleteExpiredAdminSessions, now); err != nil {
		return fmt.Errorf("sweep expired admin sessions: %w", err)
	}
	if _, err := d.db.ExecContext(ctx, insertAdminSession, idHash, adminID, csrf, now, expires); err != nil {
		return fmt.Errorf("create session of admin %d: %w", adminID, err)
	}
	return nil
}

type adminSessionRow struct {
	Admin
	CSRF      string    `db:"csrf"`
	ExpiresAt time.Time `db:"expires_at"`
}

// The join with admins is what makes a revoked admin's sessions end at once.
const selectAdminSession = `
SELECT a.id, a.name, a.scope, a.created_at, a.revoked_at, s.csrf, s.expires_at
FROM admin_sessions s JOIN admins a ON a.id = s.admin_id
WHERE s.id_hash = $1 AND s.expires_at > $2 AND a.revoked_at IS NULL`

// AdminSession finds the live session with this hash; ErrNotFound when it
// is unknown, expired, signed out or its admin is revoked.
func (d *DB) AdminSession(ctx context.Context, idHash []byte) (AdminSession, error) {
	var r adminSessionRow
	err := d.db.GetContext(ctx, &r, selectAdminSession, idHash, d.now())
	if errors.Is(err, sql.ErrNoRows) {
		return AdminSession{}, ErrNotFound
	}
	if err != nil {
		return AdminSession{}, fmt.Errorf("look up admin session: %w", err)
	}
	return AdminSession{Admin: r.Admin, CSRF: r.CSRF, ExpiresAt: r.ExpiresAt}, nil
}

const deleteAdminSession = `DELETE FROM admin_sessions WHERE id_hash = $1`

// DeleteAdminSession signs a session out; an unknown one is no error.
func (d *DB) DeleteAdminSession(ctx context.Context, idHash []byte) error {
	if _, err := d.db.ExecContext(ctx, deleteAdminSession, idHash); err != nil {
		return fmt.Errorf("delete admin session: %w", err)
	}
	return nil
}
