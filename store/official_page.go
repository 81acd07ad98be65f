package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pamong-desa/pamong/bot"
	"github.com/pamong-desa/pamong/region"
)

// OfficialDetail is everything the dashboard shows about one official.
type OfficialDetail struct {
	OfficialHit
	RoleTitle    string       `db:"role_title"`
	Source       string       `db:"source"`
	RegisteredAt sql.NullTime `db:"registered_at"`
	OptedOutAt   sql.NullTime `db:"opted_out_at"`
	CreatedAt    time.Time    `db:"created_at"`
	// The enrolment (of the course asked for, or the latest); CourseID ""
	// when there is none.
	CourseID      string        `db:"course_id"`
	CourseStatus  string        `db:"course_status"`
	CourseStage   string        `db:"course_stage"`
	PretestScore  sql.NullInt64 `db:"pretest_score"`
	PosttestScore sql.NullInt64 `db:"posttest_score"`
	Passed        bool          `db:"passed"`
	// Scores and Best are the last and the best finished attempt of each
	// quiz (pretest, lesson ids, posttest), from the engine's progress.
	Scores, Best map[string]bot.Score
	// LessonsDone are the finished lessons in the order they were done.
	LessonsDone []string
	// CertificateCode is the valid certificate of the course, "" if none;
	// CertificateRevoked a revoked one when there is no valid one.
	CertificateCode    string `db:"certificate_code"`
	CertificateRevoked string `db:"certificate_revoked"`
	// LastMessage is the newest message either way; zero At when none.
	LastMessage LastMessage
}

// LastMessage is the newest message between the programme and an official.
type LastMessage struct {
	At time.Time `db:"at"`
	// Direction is "in" (from the official) or "out".
	Direction string `db:"direction"`
	Channel   string `db:"channel"`
	// Status is the outbox status of an outbound message.
	Status string `db:"status"`
}

type officialDetailRow struct {
	OfficialDetail
	Detail  []byte `db:"detail"`
	InScope bool   `db:"in_scope"`
}

// selectOfficialDetail reads the learner whatever their region and says
// whether they are inside the scope, so that the caller can tell "not
// there" (404) from "not yours" (403); nothing else of an out-of-scope
// learner leaves this method.
const selectOfficialDetail = `
SELECT l.id, l.name, l.phone, l.role, l.role_title, coalesce(l.village_code, '') AS village_code,
       coalesce(v.name, '') AS village_name, l.preferred_channel, l.opted_out_at IS NOT NULL AS opted_out,
       ` + stageExpr + ` AS stage,
       l.source, l.registered_at, l.opted_out_at, l.created_at,
       coalesce(e.course_id, '') AS course_id, coalesce(e.status, '') AS course_status, coalesce(e.stage, '') AS course_stage,
       e.pretest_score, e.posttest_score, coalesce(e.passed, false) AS passed, coalesce(e.detail, '{}') AS detail,
       coalesce(c.code, '') AS certificate_code,
       coalesce((SELECT r.code FROM certificates r WHERE r.learner_id = l.id AND r.course_id = e.course_id
                 AND r.revoked_at IS NOT NULL AND c.code IS NULL LIMIT 1), '') AS certificate_revoked,
       coalesce(pamong_within(l.village_code, $3), false) AS in_scope
FROM learners l
LEFT JOIN regions v ON v.code = l.village_code
` + officialProgressJoins + `
WHERE l.id = $1`

// selectLastMessage is the newer of the last inbound and the last
// outbound message; both are one index probe (learner, id).
const selectLastMessage = `
SELECT at, direction, channel, status FROM (
    (SELECT received_at AS at, 'in' AS direction, channel, '' AS status
     FROM inbound_messages WHERE learner_id = $1 ORDER BY id DESC LIMIT 1)
    UNION ALL
    (SELECT created_at, 'out', channel, status
     FROM outbox WHERE learner_id = $1 ORDER BY id DESC LIMIT 1)
) m ORDER BY at DESC LIMIT 1`

// OfficialDetail reads official id for an admin of scope, with their
// progress in course ("" the latest enrolment). ErrNotFound when there is
// no such learner, ErrOutOfScope when they live outside scope.
func (d *DB) OfficialDetail(ctx context.Context, scope region.Code, course string, id int64) (OfficialDetail, error) {
	var r officialDetailRow
	err := d.db.GetContext(ctx, &r, selectOfficialDetail, id, course, string(scope))
	if errors.Is(err, sql.ErrNoRows) {
		return OfficialDetail{}, fmt.Errorf("official %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return OfficialDetail{}, fmt.Errorf("read official %d: %w", id, err)
	}
	if !r.InScope {
		return OfficialDetail{}, fmt.Errorf("official %d: %w", id, ErrOutOfScope)
	}
	o := r.OfficialDetail
	var pd progressDetail
	if err := json.Unmarshal(r.Detail, &pd); err == nil {
		// Unreadable detail (another release wrote it) shows no per-lesson
		// scores rather than no page.
		o.Scores, o.Best, o.LessonsDone = pd.Scores, pd.Best, pd.LessonsDone
	}
	err = d.db.GetContext(ctx, &o.LastMessage, selectLastMessage, id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return OfficialDetail{}, fmt.Errorf("read the last message of official %d: %w", id, err)
	}
	return o, nil
}
