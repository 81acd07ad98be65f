package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/pamong-desa/pamong/region"
)

// The stages of an official in a course, furthest first in stageExpr. Each
// requires the one before it, as the overview's funnel does, so the list
// filtered by a stage and the funnel bar of that stage agree.
const (
	StageNotRegistered = "not_registered"
	StageRegistered    = "registered"
	StagePretest       = "pretest"
	StageLessons       = "lessons"
	StagePassed        = "passed"
	StageCertified     = "certified"
)

// Stages lists the stages in course order.
var Stages = []string{StageNotRegistered, StageRegistered, StagePretest, StageLessons, StagePassed, StageCertified}

// OfficialQuery is a search of officials inside Scope, one page at a time.
type OfficialQuery struct {
	Scope region.Code
	// Text matches a name or a village name as a substring, in any case.
	// "" with Digits and Code also "" is everyone.
	Text string
	// Digits match anywhere in a phone number ("" matches none).
	Digits string
	// Code matches a region code prefix: officials in that region.
	Code region.Code
	// Stage is one of Stages; "" is any.
	Stage string
	// CourseID is the course the stage is of; "" is the latest enrolment.
	CourseID string
	// AfterName and AfterID are the last row of the previous page (the
	// keyset cursor); AfterID 0 is the first page.
	AfterName string
	AfterID   int64
	Limit     int
}

// OfficialHit is one row of the officials search.
type OfficialHit struct {
	ID          int64  `db:"id"`
	Name        string `db:"name"`
	Phone       string `db:"phone"`
	Role        string `db:"role"`
	VillageCode string `db:"village_code"`
	VillageName string `db:"village_name"`
	Channel     string `db:"preferred_channel"`
	OptedOut    bool   `db:"opted_out"`
	Stage       string `db:"stage"`
}

// stageExpr is the stage of learner l with enrolment e (of the course, or
// their latest) and valid certificate c.
const stageExpr = `CASE
    WHEN l.registered_at IS NULL THEN 'not_registered'
    WHEN e.passed AND e.lessons_done > 0 AND e.pretest_score IS NOT NULL AND c.certified THEN 'certified'
    WHEN e.passed AND e.lessons_done > 0 AND e.pretest_score IS NOT NULL THEN 'passed'
    WHEN e.lessons_done > 0 AND e.pretest_score IS NOT NULL THEN 'lessons'
    WHEN e.pretest_score IS NOT NULL THEN 'pretest'
    ELSE 'registered' END`

// officialProgressJoins give each learner l their enrolment e in course $2
// (their latest when $2 is empty) and whether it earned a valid
// certificate c.
const officialProgressJoins = `
LEFT JOIN LATERAL (SELECT e.course_id, e.pretest_score, e.posttest_score, e.lessons_done, e.passed, e.status, e.stage, e.detail
                   FROM enrolments e WHERE e.learner_id = l.id AND ($2 = '' OR e.course_id = $2)
                   ORDER BY e.updated_at DESC LIMIT 1) e ON true
LEFT JOIN LATERAL (SELECT true AS certified, c.code FROM certificates c
                   WHERE c.learner_id = l.id AND c.course_id = e.course_id AND c.revoked_at IS NULL LIMIT 1) c ON true`

// searchOfficials walks learners in (name, id) order from the cursor, so a
// page costs the same at the end of 80,000 officials as at the start; the
// lateral joins run only for the rows the walk reaches. $3 is a lowered
// LIKE pattern for names and village names, $4 one for phones, $5 a region
// code (each ” when not asked for), $10 true when nothing was asked for.
const searchOfficials = `
SELECT * FROM (
    SELECT l.id, l.name, l.phone, l.role, coalesce(l.village_code, '') AS village_code,
           coalesce(v.name, '') AS village_name, l.preferred_channel, l.opted_out_at IS NOT NULL AS opted_out,
           ` + stageExpr + ` AS stage
    FROM learners l
    LEFT JOIN regions v ON v.code = l.village_code
    ` + officialProgressJoins + `
    WHERE pamong_within(l.village_code, $1)
      AND (l.name, l.id) > ($6, $7)
      AND ($10 OR ($3 <> '' AND (lower(l.name) LIKE $3 OR lower(v.name) LIKE $3))
           OR ($4 <> '' AND l.phone LIKE $4) OR ($5 <> '' AND pamong_within(l.village_code, $5)))
) s
WHERE $8 = '' OR s.stage = $8
ORDER BY s.name, s.id
LIMIT $9`

// SearchOfficials returns the page of officials after the cursor that
// match q, inside its scope only.
func (d *DB) SearchOfficials(ctx context.Context, q OfficialQuery) ([]OfficialHit, error) {
	var rows []OfficialHit
	name, digits := "", ""
	if q.Text != "" {
		name = "%" + likeEscaper.Replace(strings.ToLower(q.Text)) + "%"
	}
	if q.Digits != "" {
		digits = "%" + q.Digits + "%"
	}
	err := d.db.SelectContext(ctx, &rows, searchOfficials, string(q.Scope), q.CourseID, name, digits, string(q.Code),
		q.AfterName, q.AfterID, q.Stage, q.Limit, q.Text == "" && q.Digits == "" && q.Code == "")
	if err != nil {
		return nil, fmt.Errorf("search officials in %q for %q: %w", q.Scope, q.Text, err)
	}
	return rows, nil
}

// likeEscaper escapes LIKE's wildcards (and its escape character) in text
// typed by a person, so "50%" finds "50%" and not everything.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)
