package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/bot"
)

// enrolmentRow mirrors the enrolments table. The columns admins filter on
// are columns; the rest of the engine's progress is the detail document.
type enrolmentRow struct {
	CourseID   string `db:"course_id"`
	LessonID   string `db:"lesson_id"`
	QuestionID string `db:"question_id"`
	QuizID     string `db:"quiz_id"`
	Attempt    int    `db:"attempt"`
	Detail     []byte `db:"detail"`
}

// progressDetail is what the detail column holds.
type progressDetail struct {
	Answers      []bot.Answered       `json:"answers,omitempty"`
	Scores       map[string]bot.Score `json:"scores,omitempty"`
	Best         map[string]bot.Score `json:"best,omitempty"`
	LessonsDone  []string             `json:"lessons_done,omitempty"`
	Completed    bool                 `json:"completed,omitempty"`
	Passed       bool                 `json:"passed,omitempty"`
	BestPosttest int                  `json:"best_posttest"`
	Review       []string             `json:"review,omitempty"`
}

const selectEnrolment = `
SELECT course_id, lesson_id, question_id, quiz_id, attempt, detail
FROM enrolments WHERE learner_id = $1 AND course_id = $2`

func loadEnrolment(ctx context.Context, tx *sqlx.Tx, learnerID int64, courseID string) (*enrolmentRow, error) {
	var e enrolmentRow
	err := tx.GetContext(ctx, &e, selectEnrolment, learnerID, courseID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load progress of learner %d in %s: %w", learnerID, courseID, err)
	}
	return &e, nil
}

// toState assembles the engine's view of a learner from their rows.
func toState(lr learnerRow, enr *enrolmentRow) (bot.State, error) {
	st := bot.State{Learner: bot.Learner{
		Phone: lr.Phone, Name: lr.Name, Role: lr.Role, RoleTitle: lr.RoleTitle, VillageCode: lr.VillageCode.String,
		Channel: bot.Channel(lr.Channel), Registered: lr.Registered, OptedOut: lr.OptedOut,
	}}
	if err := json.Unmarshal(lr.Conversation, &st.Conversation); err != nil {
		// A document this version cannot read (another release wrote it)
		// must not lock the learner out: the engine resumes from progress.
		st.Conversation = bot.Conversation{}
	}
	if enr == nil {
		return st, nil
	}
	d := progressDetail{BestPosttest: -1}
	if err := json.Unmarshal(enr.Detail, &d); err != nil {
		// Unreadable detail (another release wrote it): keep the position
		// from the columns and start the scores afresh rather than refuse
		// every message of this learner.
		d = progressDetail{BestPosttest: -1}
	}
	st.Progress = &bot.Progress{
		CourseID: enr.CourseID, LessonID: enr.LessonID, QuizID: enr.QuizID, QuestionID: enr.QuestionID,
		Attempt: enr.Attempt, Answers: d.Answers, Scores: d.Scores, Best: d.Best, LessonsDone: d.LessonsDone,
		Completed: d.Completed, Passed: d.Passed, BestPosttest: d.BestPosttest, Review: d.Review,
	}
	if st.Progress.Scores == nil {
		st.Progress.Scores = map[string]bot.Score{}
	}
	return st, nil
}

const upsertEnrolment = `
INSERT INTO enrolments (learner_id, course_id, status, stage, lesson_id, question_id, quiz_id, attempt,
                        lessons_done, pretest_score, posttest_score, passed, detail, started_at, completed_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, CASE WHEN $3 = 'completed' THEN $14::timestamptz END, $14)
ON CONFLICT (learner_id, course_id) DO UPDATE SET
    status = EXCLUDED.status, stage = EXCLUDED.stage, lesson_id = EXCLUDED.lesson_id,
    question_id = EXCLUDED.question_id, quiz_id = EXCLUDED.quiz_id, attempt = EXCLUDED.attempt,
    lessons_done = EXCLUDED.lessons_done, pretest_score = EXCLUDED.pretest_score,
    posttest_score = EXCLUDED.posttest_score, passed = EXCLUDED.passed, detail = EXCLUDED.detail,
    completed_at = coalesce(enrolments.completed_at, EXCLUDED.completed_at), updated_at = EXCLUDED.updated_at`

func saveEnrolment(ctx context.Context, tx *sqlx.Tx, learnerID int64, st bot.State, now time.Time) error {
	p := st.Progress
	detail, err := json.Marshal(progressDetail{Answers: p.Answers, Scores: p.Scores, Best: p.Best, LessonsDone: p.LessonsDone,
		Completed: p.Completed, Passed: p.Passed, BestPosttest: p.BestPosttest, Review: p.Review})
	if err != nil {
		return fmt.Errorf("save progress of learner %d: %w", learnerID, err)
	}
	var pretest, posttest sql.NullInt64
	if s, ok := p.Scores[bot.Pretest]; ok {
		pretest = sql.NullInt64{Int64: int64(s.Percent()), Valid: true}
	}
	if p.BestPosttest >= 0 {
		posttest = sql.NullInt64{Int64: int64(p.BestPosttest), Valid: true}
	}
	if _, err := tx.ExecContext(ctx, upsertEnrolment, learnerID, p.CourseID, p.Status(), stageOf(st),
		p.LessonID, p.QuestionID, p.QuizID, p.Attempt, len(p.LessonsDone), pretest, posttest, p.Passed, detail, now); err != nil {
		return fmt.Errorf("save progress of learner %d: %w", learnerID, err)
	}
	return nil
}

// stageOf names where in the course a learner is, for people reading the
// table: pretest | lesson | lesson_end | posttest | done.
func stageOf(st bot.State) string {
	p := st.Progress
	switch {
	case p.Completed:
		return "done"
	case st.Conversation.Stage == bot.StageLessonEnd:
		return "lesson_end"
	case p.QuizID == bot.Pretest:
		return "pretest"
	case p.QuizID == bot.Posttest:
		return "posttest"
	}
	return "lesson"
}
