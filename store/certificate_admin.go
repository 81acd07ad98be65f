package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/certificate"
	"github.com/pamong-desa/pamong/region"
)

// CertificateFilter selects certificates for an admin: always inside
// Scope (by the holder's village on the certificate), then narrowed.
type CertificateFilter struct {
	Scope region.Code
	// Regions are prefixes inside Scope.
	Regions []region.Code
	// Status is "valid", "revoked" or "" for both.
	Status        string
	Limit, Offset int
}

const selectCertificates = certificateColumns + `
WHERE pamong_within(c.village_code, $1)
  AND (cardinality($2::text[]) = 0 OR c.village_code LIKE ANY ($2::text[]))
  AND ($3 = '' OR ($3 = 'revoked') = (c.revoked_at IS NOT NULL))
ORDER BY c.issued_at DESC, c.id DESC
LIMIT $4 OFFSET $5`

const countCertificates = `
SELECT count(*) FROM certificates c
WHERE pamong_within(c.village_code, $1)
  AND (cardinality($2::text[]) = 0 OR c.village_code LIKE ANY ($2::text[]))
  AND ($3 = '' OR ($3 = 'revoked') = (c.revoked_at IS NOT NULL))`

// Certificates lists the certificates f selects, newest first, and how
// many there are in all.
func (d *DB) Certificates(ctx context.Context, f CertificateFilter) ([]Certificate, int, error) {
	patterns := f.patterns()
	var rows []Certificate
	if err := d.db.SelectContext(ctx, &rows, selectCertificates, string(f.Scope), pq.Array(patterns), f.Status, f.Limit, f.Offset); err != nil {
		return nil, 0, fmt.Errorf("list certificates in %q: %w", f.Scope, err)
	}
	var total int
	if err := d.db.GetContext(ctx, &total, countCertificates, string(f.Scope), pq.Array(patterns), f.Status); err != nil {
		return nil, 0, fmt.Errorf("count certificates in %q: %w", f.Scope, err)
	}
	return rows, total, nil
}

// selectCertificatesAfter is selectCertificates for an export: the page
// after the cursor ($4, $5) in the same newest-first order, found through
// certificates_issued_id instead of counted past with OFFSET, so the last
// page of 80,000 costs what the first does. $4 NULL is the first page.
const selectCertificatesAfter = certificateColumns + `
WHERE pamong_within(c.village_code, $1)
  AND (cardinality($2::text[]) = 0 OR c.village_code LIKE ANY ($2::text[]))
  AND ($3 = '' OR ($3 = 'revoked') = (c.revoked_at IS NOT NULL))
  AND ($4::timestamptz IS NULL OR (c.issued_at, c.id) < ($4, $5))
ORDER BY c.issued_at DESC, c.id DESC
LIMIT $6`

// CertificatesAfter lists up to limit certificates f selects that come
// after the certificate (issuedAt, id) in newest-first order; a nil
// issuedAt starts at the newest. It counts nothing: it is for walking all
// of them.
func (d *DB) CertificatesAfter(ctx context.Context, f CertificateFilter, issuedAt *time.Time, id int64, limit int) ([]Certificate, error) {
	var rows []Certificate
	if err := d.db.SelectContext(ctx, &rows, selectCertificatesAfter, string(f.Scope), pq.Array(f.patterns()), f.Status, issuedAt, id, limit); err != nil {
		return nil, fmt.Errorf("list certificates in %q: %w", f.Scope, err)
	}
	return rows, nil
}

// patterns are the LIKE patterns of f.Regions.
func (f CertificateFilter) patterns() []string {
	patterns := make([]string, len(f.Regions))
	for i, r := range f.Regions {
		patterns[i] = string(r)
		if r.Level() != region.Village {
			patterns[i] += ".%"
		}
	}
	return patterns
}

// ErrAlreadyRevoked is a certificate revoked before: the first revocation
// (its date, reason and who) stands.
var ErrAlreadyRevoked = errors.New("certificate already revoked")

const revokeCertificate = `
UPDATE certificates SET revoked_at = $4, revoked_reason = $2, revoked_by = $3, updated_at = $4
WHERE code = $1 AND pamong_within(village_code, $5) AND revoked_at IS NULL
RETURNING id`

// RevokeCertificate revokes the certificate with this code inside scope,
// saying why and who: from the next look-up on, every door shows it
// revoked. A certificate outside scope is ErrOutOfScope; an unknown code
// ErrCertificateNotFound.
func (d *DB) RevokeCertificate(ctx context.Context, scope region.Code, code certificate.Code, reason, by string) (Certificate, error) {
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return Certificate{}, fmt.Errorf("revoke certificate %s: begin: %w", code, err)
	}
	defer tx.Rollback()
	var id int64
	err = tx.GetContext(ctx, &id, revokeCertificate, string(code), reason, by, d.now(), string(scope))
	if errors.Is(err, sql.ErrNoRows) {
		// Say why: unknown, outside the scope, or revoked already.
		c, err := certificateByCode(ctx, tx, code)
		switch {
		case err != nil:
			return c, err
		case !region.Code(c.VillageCode).Within(scope):
			return Certificate{}, fmt.Errorf("certificate %s: %w", code, ErrOutOfScope)
		case c.Revoked():
			return c, fmt.Errorf("certificate %s, on %s by %s: %w", code, certificate.Day(*c.RevokedAt), c.RevokedBy, ErrAlreadyRevoked)
		}
		return c, fmt.Errorf("revoke certificate %s: not revoked", code)
	}
	if err != nil {
		return Certificate{}, fmt.Errorf("revoke certificate %s: %w", code, err)
	}
	c, err := certificateByCode(ctx, tx, code)
	if err != nil {
		return c, err
	}
	if err := tx.Commit(); err != nil {
		return c, fmt.Errorf("revoke certificate %s: commit: %w", code, err)
	}
	return c, nil
}
