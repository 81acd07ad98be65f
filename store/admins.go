package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/region"
)

// ErrNotFound is a row that does not exist (or, for a token, is revoked).
var ErrNotFound = errors.New("not found")

// ErrOutOfScope is a row that exists but lies outside the caller's scope.
var ErrOutOfScope = errors.New("outside the admin's region")

// Admin is a programme admin: a name, a region scope and a token hash.
type Admin struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
	// Scope is the region prefix the admin works inside; "" is all of
	// Indonesia.
	Scope     region.Code `db:"scope"`
	CreatedAt time.Time   `db:"created_at"`
	RevokedAt *time.Time  `db:"revoked_at"`
}

const insertAdmin = `
INSERT INTO admins (name, scope, token_hash, created_at) VALUES ($1, $2, $3, $4)
RETURNING id, name, scope, created_at, revoked_at`

// CreateAdmin records a new admin with the SHA-256 hash of their token.
func (d *DB) CreateAdmin(ctx context.Context, name string, scope region.Code, tokenHash []byte) (Admin, error) {
	var a Admin
	if err := d.db.GetContext(ctx, &a, insertAdmin, name, string(scope), tokenHash, d.now()); err != nil {
		return a, fmt.Errorf("create admin %q: %w", name, err)
	}
	return a, nil
}

const selectAdmins = `SELECT id, name, scope, created_at, revoked_at FROM admins ORDER BY id`

// Admins lists every admin, revoked ones included.
func (d *DB) Admins(ctx context.Context) ([]Admin, error) {
	var as []Admin
	if err := d.db.SelectContext(ctx, &as, selectAdmins); err != nil {
		return nil, fmt.Errorf("list admins: %w", err)
	}
	return as, nil
}

const selectAdminByToken = `
SELECT id, name, scope, created_at, revoked_at FROM admins WHERE token_hash = $1 AND revoked_at IS NULL`

// AdminByTokenHash finds the active admin whose token has this hash;
// ErrNotFound for an unknown or revoked token.
func (d *DB) AdminByTokenHash(ctx context.Context, tokenHash []byte) (Admin, error) {
	var a Admin
	err := d.db.GetContext(ctx, &a, selectAdminByToken, tokenHash)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("look up admin token: %w", err)
	}
	return a, nil
}

const revokeAdmin = `
UPDATE admins SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1
RETURNING id, name, scope, created_at, revoked_at`

// RevokeAdmin ends an admin's token at once; revoking twice keeps the
// first time. ErrNotFound when there is no such admin.
func (d *DB) RevokeAdmin(ctx context.Context, id int64) (Admin, error) {
	var a Admin
	err := d.db.GetContext(ctx, &a, revokeAdmin, id, d.now())
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("revoke admin %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("revoke admin %d: %w", id, err)
	}
	return a, nil
}

const missingRegions = `
SELECT c.code FROM unnest($1::text[]) WITH ORDINALITY AS c(code, n)
WHERE NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = c.code)
ORDER BY c.n`

// MissingRegions returns those of codes that are not among the imported
// regions, in the order given, with one query however many codes there
// are.
func (d *DB) MissingRegions(ctx context.Context, codes []region.Code) ([]region.Code, error) {
	in := make([]string, len(codes))
	for i, c := range codes {
		in[i] = string(c)
	}
	var missing []region.Code
	if err := d.db.SelectContext(ctx, &missing, missingRegions, pq.Array(in)); err != nil {
		return nil, fmt.Errorf("look up %d regions: %w", len(codes), err)
	}
	return missing, nil
}

const regionExists = `SELECT EXISTS (SELECT 1 FROM regions WHERE code = $1)`

// RegionExists tells whether a region code is among the imported regions.
func (d *DB) RegionExists(ctx context.Context, code region.Code) (bool, error) {
	var ok bool
	if err := d.db.GetContext(ctx, &ok, regionExists, string(code)); err != nil {
		return false, fmt.Errorf("look up region %s: %w", code, err)
	}
	return ok, nil
}
