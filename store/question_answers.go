package store

import (
	"context"
	"fmt"

	"github.com/pamong-desa/pamong/region"
)

// The scope is checked in the same statement: a question outside it
// reports whether it exists at all, so the caller can tell 403 from 404.
// Marking twice keeps the first time and marker.
const markQuestionAnswered = `
WITH q AS (
    SELECT q.id, pamong_within(l.village_code, $2) AS inside
    FROM learner_questions q JOIN learners l ON l.id = q.learner_id WHERE q.id = $1
), u AS (
    UPDATE learner_questions SET answered_at = coalesce(answered_at, $3),
           answered_by = CASE WHEN answered_at IS NULL THEN $4 ELSE answered_by END
    WHERE id = (SELECT id FROM q WHERE inside)
    RETURNING id
)
SELECT (SELECT count(*) FROM q) AS found, (SELECT count(*) FROM u) AS updated`

// MarkQuestionAnswered records that an admin of scope answered question
// id. ErrNotFound when there is no such question, ErrOutOfScope when its
// learner lies outside scope.
func (d *DB) MarkQuestionAnswered(ctx context.Context, scope region.Code, id int64, by string) error {
	var r struct {
		Found   int `db:"found"`
		Updated int `db:"updated"`
	}
	if err := d.db.GetContext(ctx, &r, markQuestionAnswered, id, string(scope), d.now(), by); err != nil {
		return fmt.Errorf("mark question %d answered: %w", id, err)
	}
	switch {
	case r.Found == 0:
		return fmt.Errorf("question %d: %w", id, ErrNotFound)
	case r.Updated == 0:
		return fmt.Errorf("question %d: %w", id, ErrOutOfScope)
	}
	return nil
}
