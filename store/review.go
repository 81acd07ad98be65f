package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/pamong-desa/pamong/bot"
)

// Spaced review in the store: wrong answers enter the schedule, and review
// answers move items, in the transaction that records them (applyReviews
// runs inside HandleInbound).

const (
	// scheduleReviewItem puts a question answered wrong into box 1, or
	// back into it when it was already scheduled or retired.
	scheduleReviewItem = `
INSERT INTO review_items (learner_id, course_id, quiz_id, question_id, box, streak, due_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, 1, 0, $5, $6, $6)
ON CONFLICT (learner_id, course_id, quiz_id, question_id) DO UPDATE SET
    box = 1, streak = 0, due_at = EXCLUDED.due_at, retired_at = NULL, updated_at = EXCLUDED.updated_at`
	lockReviewItem = `
SELECT box, streak, due_at, retired_at IS NOT NULL AS retired FROM review_items
WHERE learner_id = $1 AND course_id = $2 AND quiz_id = $3 AND question_id = $4 FOR UPDATE`
	updateReviewItem = `
UPDATE review_items SET box = $5, streak = $6, due_at = $7,
    retired_at = CASE WHEN $8 THEN coalesce(retired_at, $9) END, updated_at = $9
WHERE learner_id = $1 AND course_id = $2 AND quiz_id = $3 AND question_id = $4`
	insertReviewAnswer = `
INSERT INTO review_answers (learner_id, course_id, quiz_id, question_id, box, choice, correct, inbound_id, answered_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
)

// applyReviews schedules the questions answered wrong in a quiz or the
// post-test (the pretest measures what people knew before: nothing to
// review yet) and records review answers, moving their items.
func applyReviews(ctx context.Context, tx *sqlx.Tx, learnerID, inboundID int64, events []bot.Event, now time.Time) error {
	for _, e := range events {
		switch e := e.(type) {
		case bot.AnswerRecorded:
			if e.Correct || e.QuizID == bot.Pretest {
				continue
			}
			it := bot.NewReviewItem(e.QuizID, e.QuestionID, now)
			if _, err := tx.ExecContext(ctx, scheduleReviewItem, learnerID, e.CourseID, e.QuizID, e.QuestionID, it.Due, now); err != nil {
				return fmt.Errorf("schedule review of %s for learner %d: %w", e.QuestionID, learnerID, err)
			}
		case bot.ReviewAnswered:
			if err := recordReviewAnswer(ctx, tx, learnerID, inboundID, e, now); err != nil {
				return err
			}
		}
	}
	return nil
}

func recordReviewAnswer(ctx context.Context, tx *sqlx.Tx, learnerID, inboundID int64, e bot.ReviewAnswered, now time.Time) error {
	var row struct {
		Box     int       `db:"box"`
		Streak  int       `db:"streak"`
		Due     time.Time `db:"due_at"`
		Retired bool      `db:"retired"`
	}
	err := tx.GetContext(ctx, &row, lockReviewItem, learnerID, e.CourseID, e.QuizID, e.QuestionID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Asked from an item since removed: the answer is still kept.
		row.Box = 1
	case err != nil:
		return fmt.Errorf("load review item %s of learner %d: %w", e.QuestionID, learnerID, err)
	case !row.Retired:
		it := bot.ReviewItem{Box: row.Box, Streak: row.Streak, Due: row.Due}.Answered(e.Correct, now)
		if _, err := tx.ExecContext(ctx, updateReviewItem, learnerID, e.CourseID, e.QuizID, e.QuestionID,
			it.Box, it.Streak, it.Due, it.Retired, now); err != nil {
			return fmt.Errorf("move review item %s of learner %d: %w", e.QuestionID, learnerID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, insertReviewAnswer, learnerID, e.CourseID, e.QuizID, e.QuestionID,
		row.Box, e.Choice, e.Correct, inboundID, now); err != nil {
		return fmt.Errorf("record review answer to %s for learner %d: %w", e.QuestionID, learnerID, err)
	}
	return nil
}

// selectPendingReview finds the review question waiting for an answer: the
// latest one sent after the learner last wrote. Anything they wrote since
// ends it, so the reminders row is all the state a pending review needs.
const selectPendingReview = `
SELECT r.quiz_id, r.question_id, r.sent_at FROM reminders r JOIN learners l ON l.id = r.learner_id
WHERE r.learner_id = $1 AND r.kind = 'review' AND r.sent_at > coalesce(l.last_inbound_at, '-infinity')
ORDER BY r.day DESC LIMIT 1`

// loadPendingReview puts the pending review question, if any, into the
// state the engine is given.
func loadPendingReview(ctx context.Context, tx *sqlx.Tx, learnerID int64, st *bot.State) error {
	var r struct {
		Quiz     string    `db:"quiz_id"`
		Question string    `db:"question_id"`
		SentAt   time.Time `db:"sent_at"`
	}
	err := tx.GetContext(ctx, &r, selectPendingReview, learnerID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		st.Conversation.Review = nil
		return nil
	case err != nil:
		return fmt.Errorf("load pending review of learner %d: %w", learnerID, err)
	}
	st.Conversation.Review = &bot.PendingReview{QuizID: r.Quiz, QuestionID: r.Question, AskedAt: r.SentAt}
	return nil
}
