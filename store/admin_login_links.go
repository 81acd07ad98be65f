package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrRevoked is an admin who was revoked: they get no new way in.
var ErrRevoked = errors.New("the admin is revoked")

const (
	deleteDeadLoginLinks = `DELETE FROM admin_login_links WHERE expires_at <= $1 OR used_at IS NOT NULL`
	// insertLoginLink writes a link only for an admin who exists and is
	// not revoked, and returns them; no row means neither.
	insertLoginLink = `
INSERT INTO admin_login_links (token_hash, admin_id, created_at, expires_at)
SELECT $1, id, $3, $4 FROM admins WHERE id = $2 AND revoked_at IS NULL
RETURNING admin_id`
	selectAdminByID = `SELECT id, name, scope, created_at, revoked_at FROM admins WHERE id = $1`
	// useLoginLink spends a link and returns its admin in one statement:
	// two browsers opening one link race for the row lock, and only the
	// first finds used_at still empty.
	useLoginLink = `
UPDATE admin_login_links k SET used_at = $2
FROM admins a
WHERE k.token_hash = $1 AND k.used_at IS NULL AND k.expires_at > $2 AND a.id = k.admin_id AND a.revoked_at IS NULL
RETURNING a.id, a.name, a.scope, a.created_at, a.revoked_at`
)

// CreateLoginLink records a one-time sign-in link for admin adminID, known
// by the SHA-256 hash of its token, valid until expires, and returns the
// admin. ErrNotFound when there is no such admin, ErrRevoked when they are
// revoked. Spent and expired links are swept.
func (d *DB) CreateLoginLink(ctx context.Context, tokenHash []byte, adminID int64, expires time.Time) (Admin, error) {
	now := d.now()
	var a Admin
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return a, fmt.Errorf("create login link for admin %d: %w", adminID, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, deleteDeadLoginLinks, now); err != nil {
		return a, fmt.Errorf("sweep login links: %w", err)
	}
	var id int64
	err = tx.GetContext(ctx, &id, insertLoginLink, tokenHash, adminID, now, expires)
	if errors.Is(err, sql.ErrNoRows) {
		// Tell the two refusals apart for the operator.
		if err := tx.GetContext(ctx, &a, selectAdminByID, adminID); errors.Is(err, sql.ErrNoRows) {
			return a, fmt.Errorf("admin %d: %w", adminID, ErrNotFound)
		} else if err != nil {
			return a, fmt.Errorf("create login link for admin %d: %w", adminID, err)
		}
		return a, fmt.Errorf("admin %d %q: %w", adminID, a.Name, ErrRevoked)
	}
	if err != nil {
		return a, fmt.Errorf("create login link for admin %d: %w", adminID, err)
	}
	if err := tx.GetContext(ctx, &a, selectAdminByID, adminID); err != nil {
		return a, fmt.Errorf("create login link for admin %d: %w", adminID, err)
	}
	if err := tx.Commit(); err != nil {
		return a, fmt.Errorf("create login link for admin %d: %w", adminID, err)
	}
	return a, nil
}

// UseLoginLink spends the link with this hash and returns its admin;
// ErrNotFound when it is unknown, spent, expired or its admin revoked.
func (d *DB) UseLoginLink(ctx context.Context, tokenHash []byte) (Admin, error) {
	var a Admin
	err := d.db.GetContext(ctx, &a, useLoginLink, tokenHash, d.now())
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("use login link: %w", err)
	}
	return a, nil
}
