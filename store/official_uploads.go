package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/pamong-desa/pamong/region"
)

// PreviewRow is one row of an officials file as the import would apply it.
type PreviewRow struct {
	Line        int    `db:"line"`
	Phone       string `db:"phone"`
	Name        string `db:"name"`
	Role        string `db:"role"`
	VillageCode string `db:"village_code"`
	Channel     string `db:"channel"`
	// Change is new, updated or unchanged.
	Change string `db:"change"`
}

// OfficialPreview is what an import would do, counted without writing.
type OfficialPreview struct {
	New, Updated, Unchanged int
	// Rows are the first rows of the file that would be imported.
	Rows []PreviewRow
	// Rejected and RejectedCount are as in OfficialImport.
	Rejected      []RowProblem
	RejectedCount int
}

// previewOfficials classifies the staged rows the import would write with
// the very conditions of insertOfficials and updateOfficials: a phone
// unknown is new; a known one (inside the scope, or rejectOfficials would
// have refused it) is updated when a field differs.
const previewOfficials = `
SELECT i.line, i.phone, i.name, i.role, i.village_code,
       coalesce(NULLIF(i.channel, ''), l.preferred_channel, 'whatsapp') AS channel,
       CASE WHEN l.id IS NULL THEN 'new'
            WHEN (l.name, l.role, l.role_title, l.village_code, l.preferred_channel)
                 IS DISTINCT FROM (i.name, i.role, i.role_title, i.village_code, coalesce(NULLIF(i.channel, ''), l.preferred_channel))
            THEN 'updated' ELSE 'unchanged' END AS change
FROM officials_in i LEFT JOIN learners l ON l.phone = i.phone
WHERE i.reason IS NULL`

const countPreview = `SELECT change, count(*) AS n FROM (` + previewOfficials + `) p GROUP BY change`

const samplePreview = previewOfficials + ` ORDER BY i.line LIMIT $1`

// PreviewOfficialsFrom does everything ImportOfficialsFrom does short of
// writing: the same staging and the same checks, in a transaction that is
// rolled back. It counts the rows that would be new, updated and
// unchanged and returns the first sample of them.
func (d *DB) PreviewOfficialsFrom(ctx context.Context, scope region.Code, rows iter.Seq2[Official, error], listed, sample int) (OfficialPreview, error) {
	var p OfficialPreview
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return p, fmt.Errorf("preview officials: %w", err)
	}
	defer tx.Rollback()
	_, res, err := stageOfficials(ctx, tx, scope, rows, listed)
	if err != nil {
		return p, err
	}
	p.Rejected, p.RejectedCount = res.Rejected, res.RejectedCount
	var counts []struct {
		Change string `db:"change"`
		N      int    `db:"n"`
	}
	if err := tx.SelectContext(ctx, &counts, countPreview); err != nil {
		return p, fmt.Errorf("preview officials: count changes: %w", err)
	}
	for _, c := range counts {
		switch c.Change {
		case "new":
			p.New = c.N
		case "updated":
			p.Updated = c.N
		default:
			p.Unchanged = c.N
		}
	}
	if err := tx.SelectContext(ctx, &p.Rows, samplePreview, sample); err != nil {
		return p, fmt.Errorf("preview officials: first rows: %w", err)
	}
	return p, nil
}

// OfficialUpload is an officials file held between preview and import.
type OfficialUpload struct {
	AdminID  int64  `db:"admin_id"`
	Filename string `db:"filename"`
	Content  []byte `db:"content"`
	SHA256   []byte `db:"content_sha256"`
}

const (
	deleteExpiredUploads = `DELETE FROM official_uploads WHERE expires_at <= $1`
	insertOfficialUpload = `
INSERT INTO official_uploads (id_hash, admin_id, filename, content, content_sha256, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`
	// takeOfficialUpload hands an upload out once: the DELETE makes a
	// second "Import" of the same preview (a double click, a replayed
	// form) find nothing.
	takeOfficialUpload = `
DELETE FROM official_uploads WHERE id_hash = $1 AND admin_id = $2 AND expires_at > $3
RETURNING admin_id, filename, content, content_sha256`
)

// HoldOfficialUpload keeps an uploaded file for admin adminID until
// expires, known by the hash of a random id; expired uploads are swept.
func (d *DB) HoldOfficialUpload(ctx context.Context, idHash []byte, adminID int64, u OfficialUpload, expires time.Time) error {
	now := d.now()
	if _, err := d.db.ExecContext(ctx, deleteExpiredUploads, now); err != nil {
		return fmt.Errorf("sweep expired officials uploads: %w", err)
	}
	if _, err := d.db.ExecContext(ctx, insertOfficialUpload, idHash, adminID, u.Filename, u.Content, u.SHA256, now, expires); err != nil {
		return fmt.Errorf("hold officials upload of admin %d: %w", adminID, err)
	}
	return nil
}

// TakeOfficialUpload removes and returns admin adminID's live upload with
// this id hash; ErrNotFound when there is none (taken, expired, another
// admin's).
func (d *DB) TakeOfficialUpload(ctx context.Context, idHash []byte, adminID int64) (OfficialUpload, error) {
	var u OfficialUpload
	err := d.db.GetContext(ctx, &u, takeOfficialUpload, idHash, adminID, d.now())
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("officials upload: %w", ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("take officials upload of admin %d: %w", adminID, err)
	}
	return u, nil
}
