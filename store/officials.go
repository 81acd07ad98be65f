package store

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/region"
)

// Official is one validated row of an officials import.
type Official struct {
	// Line is where the row is in the file, for reports.
	Line int
	// Phone is E.164 and unique within one import.
	Phone      string
	Name, Role string
	// RoleTitle is the regional name for Role the file used ("Kuwu").
	RoleTitle   string
	VillageCode region.Code
	// Channel is "whatsapp" or "sms"; "" keeps an existing learner's
	// channel and gives a new one WhatsApp.
	Channel string
}

// RowProblem is a row that was not imported, and why.
type RowProblem struct {
	Line   int    `db:"line"`
	Reason string `db:"reason"`
}

// OfficialImport counts what an import did.
type OfficialImport struct {
	Inserted, Updated, Unchanged int
	// Rejected are the first rows the database refused, by line: a phone
	// already on an earlier line of the file, a village that is not among
	// the imported regions or is outside the scope, a phone that belongs
	// to a learner outside the scope. RejectedCount counts all of them.
	Rejected      []RowProblem
	RejectedCount int
	// Committed is false when a strict import was rolled back.
	Committed bool
}

const (
	createOfficialsStaging = `
CREATE TEMP TABLE officials_in (line integer, phone text, name text, role text, role_title text, village_code text, channel text, reason text)
ON COMMIT DROP`
	// Temporary tables are never analyzed by autovacuum; the merge joins
	// this one with learners, whatever its size.
	analyzeOfficialsStaging = `ANALYZE officials_in`
	// rejectOfficials marks the rows the database must refuse, with why.
	// The first of several rows with one phone is the one imported.
	rejectOfficials = `
UPDATE officials_in s SET reason = x.reason
FROM (
    SELECT i.line, CASE
        WHEN d.first < i.line THEN 'phone ' || i.phone || ' is also on line ' || d.first || '; only line ' || d.first || ' is imported'
        WHEN NOT pamong_within(i.village_code, $1) THEN 'village ' || i.village_code || ' is outside your region'
        WHEN r.code IS NULL THEN 'village ' || i.village_code || ' is not among the imported regions'
        ELSE 'phone ' || i.phone || ' cannot be imported in your region; ask a national admin' END AS reason
    FROM officials_in i
    JOIN (SELECT line, min(line) OVER (PARTITION BY phone) AS first FROM officials_in) d ON d.line = i.line
    LEFT JOIN regions r ON r.code = i.village_code
    LEFT JOIN learners l ON l.phone = i.phone
    WHERE d.first < i.line OR NOT pamong_within(i.village_code, $1) OR r.code IS NULL
       OR (l.id IS NOT NULL AND NOT coalesce(pamong_within(l.village_code, $1), false))
) x
WHERE s.line = x.line`
	// selectRejectedOfficials lists the first $1 refused rows and counts
	// them all.
	selectRejectedOfficials = `
SELECT line, reason, count(*) OVER () AS total FROM officials_in WHERE reason IS NOT NULL ORDER BY line LIMIT $1`
	// New officials are imported without registered_at: the engine greets
	// them by name and skips registration because name, role and village
	// are set.
	insertOfficials = `
INSERT INTO learners (phone, name, role, role_title, village_code, preferred_channel, source, created_at, updated_at)
SELECT phone, name, role, role_title, village_code, coalesce(NULLIF(channel, ''), 'whatsapp'), 'import', $1, $1 FROM officials_in
WHERE reason IS NULL
ON CONFLICT (phone) DO NOTHING`
	// Known officials get the file's name, role, village and channel;
	// their conversation, progress and opt-out are never touched.
	updateOfficials = `
UPDATE learners l SET name = i.name, role = i.role, role_title = i.role_title, village_code = i.village_code,
    preferred_channel = coalesce(NULLIF(i.channel, ''), l.preferred_channel), updated_at = $1
FROM officials_in i
WHERE l.phone = i.phone AND i.reason IS NULL
  AND coalesce(pamong_within(l.village_code, $2), false)
  AND (l.name, l.role, l.role_title, l.village_code, l.preferred_channel)
      IS DISTINCT FROM (i.name, i.role, i.role_title, i.village_code, coalesce(NULLIF(i.channel, ''), l.preferred_channel))`
)

// ImportOfficials is ImportOfficialsFrom for rows in memory, listing every
// refused row.
func (d *DB) ImportOfficials(ctx context.Context, scope region.Code, rows []Official, strict bool) (OfficialImport, error) {
	seq := func(yield func(Official, error) bool) {
		for _, o := range rows {
			if !yield(o, nil) {
				return
			}
		}
	}
	return d.ImportOfficialsFrom(ctx, scope, seq, strict, len(rows))
}

// ImportOfficialsFrom upserts officials by phone inside scope, in one
// transaction: the rows are streamed with COPY into a staging table as
// rows yields them (so a file of any size takes bounded memory here),
// rows the database must refuse are marked and the first listed of them
// reported, and the rest are merged with two set-based statements. With
// strict, any refused row rolls everything back. An error yielded by rows
// rolls everything back too and is returned as it is: it says what went
// wrong with the file.
func (d *DB) ImportOfficialsFrom(ctx context.Context, scope region.Code, rows iter.Seq2[Official, error], strict bool, listed int) (OfficialImport, error) {
	var res OfficialImport
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("import officials: %w", err)
	}
	defer tx.Rollback()
	staged, res, err := stageOfficials(ctx, tx, scope, rows, listed)
	if err != nil {
		return res, err
	}
	if strict && res.RejectedCount > 0 {
		return res, nil
	}
	now := d.now()
	ins, err := tx.ExecContext(ctx, insertOfficials, now)
	if err != nil {
		return res, fmt.Errorf("import officials: insert new officials: %w", err)
	}
	upd, err := tx.ExecContext(ctx, updateOfficials, now, string(scope))
	if err != nil {
		return res, fmt.Errorf("import officials: update known officials: %w", err)
	}
	n, _ := ins.RowsAffected()
	m, _ := upd.RowsAffected()
	res.Inserted, res.Updated = int(n), int(m)
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("import officials: commit: %w", err)
	}
	res.Committed = true
	res.Unchanged = staged - res.RejectedCount - res.Inserted - res.Updated
	return res, nil
}

// stageOfficials copies rows into the transaction's staging table and
// marks (and lists the first listed of) the rows the database refuses;
// it returns how many rows were staged.
func stageOfficials(ctx context.Context, tx *sqlx.Tx, scope region.Code, rows iter.Seq2[Official, error], listed int) (int, OfficialImport, error) {
	var res OfficialImport
	if _, err := tx.ExecContext(ctx, createOfficialsStaging); err != nil {
		return 0, res, fmt.Errorf("import officials: create staging table: %w", err)
	}
	staged, err := copyOfficials(ctx, tx, rows)
	if err != nil {
		return staged, res, err
	}
	if _, err := tx.ExecContext(ctx, analyzeOfficialsStaging); err != nil {
		return staged, res, fmt.Errorf("import officials: analyze staging table: %w", err)
	}
	if _, err := tx.ExecContext(ctx, rejectOfficials, string(scope)); err != nil {
		return staged, res, fmt.Errorf("import officials: check phones and villages: %w", err)
	}
	var rejected []struct {
		RowProblem
		Total int `db:"total"`
	}
	if err := tx.SelectContext(ctx, &rejected, selectRejectedOfficials, max(listed, 1)); err != nil {
		return staged, res, fmt.Errorf("import officials: list refused rows: %w", err)
	}
	for _, r := range rejected {
		res.Rejected = append(res.Rejected, r.RowProblem)
		res.RejectedCount = r.Total
	}
	return staged, res, nil
}

// copyOfficials streams rows into the staging table and counts them.
func copyOfficials(ctx context.Context, tx *sqlx.Tx, rows iter.Seq2[Official, error]) (int, error) {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("officials_in", "line", "phone", "name", "role", "role_title", "village_code", "channel"))
	if err != nil {
		return 0, fmt.Errorf("import officials: start copy: %w", err)
	}
	defer stmt.Close()
	n := 0
	for o, err := range rows {
		if err != nil {
			return n, err
		}
		if _, err := stmt.ExecContext(ctx, o.Line, o.Phone, o.Name, o.Role, o.RoleTitle, string(o.VillageCode), o.Channel); err != nil {
			return n, fmt.Errorf("import officials: copy line %d: %w", o.Line, err)
		}
		n++
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return n, fmt.Errorf("import officials: finish copy: %w", err)
	}
	if err := stmt.Close(); err != nil {
		return n, fmt.Errorf("import officials: finish copy: %w", err)
	}
	return n, nil
}

// Audience selects learners: always inside Scope, then narrowed by each
// non-empty filter (a learner must match one value of every filter given).
type Audience struct {
	Scope region.Code
	// Regions are prefixes inside Scope ("52.01", a district, a village).
	Regions []region.Code
	// Roles are names from bot.Roles.
	Roles []string
	// Statuses are not_started (no enrolment), in_progress or completed.
	Statuses []string
	// Channels are whatsapp or sms, the learner's preferred channel.
	Channels []string
	// CourseID restricts Statuses to one course; "" means any.
	CourseID string
}

// args are the parameters $1…$6 of audienceWhere.
func (a Audience) args() []any {
	patterns := make([]string, len(a.Regions))
	for i, r := range a.Regions {
		// Region codes are digits and dots: nothing to escape for LIKE.
		patterns[i] = string(r)
		if r.Level() != region.Village {
			patterns[i] += ".%"
		}
	}
	return []any{string(a.Scope), pq.Array(patterns), pq.Array(nonNil(a.Roles)), pq.Array(nonNil(a.Statuses)),
		pq.Array(nonNil(a.Channels)), a.CourseID}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// audienceWhere is the condition on learners l that an Audience stands for;
// its parameters are $1…$6 as Audience.args returns them. The scope comes
// first and is a prefix match the learners_village_prefix index answers.
const audienceWhere = `
pamong_within(l.village_code, $1)
AND (cardinality($2::text[]) = 0 OR l.village_code LIKE ANY ($2::text[]))
AND (cardinality($3::text[]) = 0 OR l.role = ANY ($3::text[]))
AND (cardinality($5::text[]) = 0 OR l.preferred_channel = ANY ($5::text[]))
AND (cardinality($4::text[]) = 0
     OR ('not_started' = ANY ($4::text[])
         AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.learner_id = l.id AND ($6 = '' OR e.course_id = $6)))
     OR EXISTS (SELECT 1 FROM enrolments e
                WHERE e.learner_id = l.id AND ($6 = '' OR e.course_id = $6) AND e.status = ANY ($4::text[])))`

// OfficialRow is a learner as an admin sees them in a list.
type OfficialRow struct {
	ID          int64  `db:"id"`
	Phone       string `db:"phone"`
	Name        string `db:"name"`
	Role        string `db:"role"`
	VillageCode string `db:"village_code"`
	Channel     string `db:"preferred_channel"`
	Source      string `db:"source"`
	Registered  bool   `db:"registered"`
	OptedOut    bool   `db:"opted_out"`
	// CourseStatus is not_started, in_progress or completed (the latest
	// enrolment, or the course's when the audience names one).
	CourseStatus string `db:"course_status"`
	Total        int    `db:"total"`
}

const selectOfficials = `
SELECT l.id, l.phone, l.name, l.role, coalesce(l.village_code, '') AS village_code, l.preferred_channel, l.source,
       l.registered_at IS NOT NULL AS registered, l.opted_out_at IS NOT NULL AS opted_out,
       coalesce((SELECT e.status FROM enrolments e WHERE e.learner_id = l.id AND ($6 = '' OR e.course_id = $6)
                 ORDER BY e.updated_at DESC LIMIT 1), 'not_started') AS course_status,
       count(*) OVER () AS total
FROM learners l
WHERE ` + audienceWhere + `
ORDER BY l.village_code NULLS FIRST, l.name, l.id
LIMIT $7 OFFSET $8`

// Officials lists the learners of an audience, opted-out ones included,
// ordered by village and name, with the total count of the audience.
func (d *DB) Officials(ctx context.Context, a Audience, limit, offset int) ([]OfficialRow, int, error) {
	var rows []OfficialRow
	args := append(a.args(), limit, offset)
	if err := d.db.SelectContext(ctx, &rows, selectOfficials, args...); err != nil {
		return nil, 0, fmt.Errorf("list officials in %q: %w", a.Scope, err)
	}
	total := 0
	if len(rows) > 0 {
		total = rows[0].Total
	} else if offset > 0 {
		// Past the end: count without a page.
		var err error
		if total, err = d.countAudience(ctx, a); err != nil {
			return nil, 0, err
		}
	}
	return rows, total, nil
}

const countAudience = `SELECT count(*) FROM learners l WHERE ` + audienceWhere

func (d *DB) countAudience(ctx context.Context, a Audience) (int, error) {
	var n int
	if err := d.db.GetContext(ctx, &n, countAudience, a.args()...); err != nil {
		return 0, fmt.Errorf("count officials in %q: %w", a.Scope, err)
	}
	return n, nil
}

// String describes an audience for logs and errors.
func (a Audience) String() string {
	var parts []string
	if a.Scope == "" {
		parts = append(parts, "scope=national")
	} else {
		parts = append(parts, "scope="+string(a.Scope))
	}
	add := func(name string, vs []string) {
		if len(vs) > 0 {
			parts = append(parts, name+"="+strings.Join(vs, "|"))
		}
	}
	regions := make([]string, len(a.Regions))
	for i, r := range a.Regions {
		regions[i] = string(r)
	}
	add("regions", regions)
	add("roles", a.Roles)
	add("status", a.Statuses)
	add("channels", a.Channels)
	return strings.Join(parts, " ")
}
