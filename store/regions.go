package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/region"
)

// RegionImport counts what an import did.
type RegionImport struct {
	Inserted, Updated, Unchanged int
}

const (
	createRegionsStaging = `CREATE TEMP TABLE regions_in (code text, name text) ON COMMIT DROP`
	upsertRegions        = `
WITH up AS (
    INSERT INTO regions (code, name)
    SELECT code, name FROM regions_in
    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
    WHERE regions.name IS DISTINCT FROM EXCLUDED.name
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated FROM up`
)

// ImportRegions upserts regions in one transaction: rows are streamed with
// COPY into a staging table and merged with one statement, so a 90,000-row
// reference file takes about a second and a re-import of the same file
// changes nothing. Regions absent from rows are kept (learners may refer to
// them). source names the file, for `pamong regions status`.
func (d *DB) ImportRegions(ctx context.Context, rows []region.Region, source string) (RegionImport, error) {
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return RegionImport{}, fmt.Errorf("import regions: %w", err)
	}
	defer tx.Rollback()
	res, err := importRegions(ctx, tx, rows, source, false)
	if err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("import regions: commit: %w", err)
	}
	return res, nil
}

// migrationLock is the advisory lock goose holds while it migrates; seeding
// takes it too, so that of several processes starting together on an empty
// database exactly one imports and the others find the rows.
const migrationLock = `SELECT pg_advisory_xact_lock(4097083626)`

// SeedRegions imports the rows load returns when the regions table is empty,
// and returns how many it imported (0 when there were regions already, in
// which case load is not called: decompressing 90,000 rows on every start
// would be waste).
func (d *DB) SeedRegions(ctx context.Context, source string, load func() ([]region.Region, error)) (int, error) {
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("seed regions: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, migrationLock); err != nil {
		return 0, fmt.Errorf("seed regions: take the migration lock: %w", err)
	}
	var exist bool
	if err := tx.GetContext(ctx, &exist, regionsExist); err != nil {
		return 0, fmt.Errorf("seed regions: %w", err)
	}
	if exist {
		return 0, nil
	}
	rows, err := load()
	if err != nil {
		return 0, fmt.Errorf("seed regions: %w", err)
	}
	res, err := importRegions(ctx, tx, rows, source, true)
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("seed regions: commit: %w", err)
	}
	return res.Inserted, nil
}

const insertRegionImport = `
INSERT INTO region_imports (source, embedded, rows, inserted, updated, imported_at)
VALUES ($1, $2, $3, $4, $5, $6)`

func importRegions(ctx context.Context, tx *sqlx.Tx, rows []region.Region, source string, embedded bool) (RegionImport, error) {
	var res RegionImport
	if _, err := tx.ExecContext(ctx, createRegionsStaging); err != nil {
		return res, fmt.Errorf("import regions: create staging table: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("regions_in", "code", "name"))
	if err != nil {
		return res, fmt.Errorf("import regions: start copy: %w", err)
	}
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, string(r.Code), r.Name); err != nil {
			stmt.Close()
			return res, fmt.Errorf("import regions: copy %s: %w", r.Code, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		stmt.Close()
		return res, fmt.Errorf("import regions: finish copy: %w", err)
	}
	if err := stmt.Close(); err != nil {
		return res, fmt.Errorf("import regions: finish copy: %w", err)
	}
	if err := tx.QueryRowxContext(ctx, upsertRegions).Scan(&res.Inserted, &res.Updated); err != nil {
		return res, fmt.Errorf("import regions: merge: %w", err)
	}
	res.Unchanged = len(rows) - res.Inserted - res.Updated
	if _, err := tx.ExecContext(ctx, insertRegionImport, source, embedded, len(rows), res.Inserted, res.Updated, time.Now()); err != nil {
		return res, fmt.Errorf("import regions: record the source: %w", err)
	}
	return res, nil
}

const selectRegionPath = `SELECT code, name FROM regions WHERE code = ANY($1) ORDER BY length(code)`

// RegionPath returns the named regions from the province down to code, or
// nil when code is unknown.
func (d *DB) RegionPath(ctx context.Context, code region.Code) ([]region.Region, error) {
	codes := []string{string(code)}
	for _, a := range code.Ancestors() {
		codes = append(codes, string(a))
	}
	var path []region.Region
	if err := d.db.SelectContext(ctx, &path, selectRegionPath, pq.Array(codes)); err != nil {
		return nil, fmt.Errorf("look up region %s: %w", code, err)
	}
	if len(path) == 0 || path[len(path)-1].Code != code {
		return nil, nil
	}
	return path, nil
}

const countRegions = `SELECT count(*) FROM regions`

// CountRegions tells how many regions are imported.
func (d *DB) CountRegions(ctx context.Context) (int, error) {
	var n int
	if err := d.db.GetContext(ctx, &n, countRegions); err != nil {
		return 0, fmt.Errorf("count regions: %w", err)
	}
	return n, nil
}

// RegionStatus is what `pamong regions status` reports.
type RegionStatus struct {
	Provinces, Regencies, Districts, Villages, Kelurahan int
	// Last is the latest import; nil when the table was filled some other way.
	Last *RegionImportRecord
}

// RegionImportRecord is one import of region codes.
type RegionImportRecord struct {
	Source     string    `db:"source"`
	Embedded   bool      `db:"embedded"`
	Rows       int       `db:"rows"`
	Inserted   int       `db:"inserted"`
	Updated    int       `db:"updated"`
	ImportedAt time.Time `db:"imported_at"`
}

const (
	countRegionsPerLevel = `
SELECT count(*) FILTER (WHERE level = 1) AS provinces,
       count(*) FILTER (WHERE level = 2) AS regencies,
       count(*) FILTER (WHERE level = 3) AS districts,
       count(*) FILTER (WHERE level = 4) AS villages,
       count(*) FILTER (WHERE level = 4 AND substr(code, 10, 1) = '1') AS kelurahan
FROM regions`
	selectLastRegionImport = `
SELECT source, embedded, rows, inserted, updated, imported_at
FROM region_imports ORDER BY id DESC LIMIT 1`
)

// RegionStatus counts the regions per level and tells where they came from.
func (d *DB) RegionStatus(ctx context.Context) (RegionStatus, error) {
	var st RegionStatus
	if err := d.db.QueryRowxContext(ctx, countRegionsPerLevel).Scan(&st.Provinces, &st.Regencies, &st.Districts, &st.Villages, &st.Kelurahan); err != nil {
		return st, fmt.Errorf("count regions: %w", err)
	}
	var last RegionImportRecord
	switch err := d.db.GetContext(ctx, &last, selectLastRegionImport); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return st, fmt.Errorf("read the last region import: %w", err)
	default:
		st.Last = &last
	}
	return st, nil
}
