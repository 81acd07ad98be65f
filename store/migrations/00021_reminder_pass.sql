-- +goose Up

-- The scheduler's pass asks, for every learner it considers, whether an
-- announcement row was queued for them today. outbox_learner (learner_id,
-- id) walks all of a learner's replies to answer that; this one holds only
-- announcement rows, so the question is one small probe (or one small
-- scan for a hash join) however long the conversations grow.
CREATE INDEX outbox_learner_announcement ON outbox (learner_id, created_at)
    WHERE announcement_id IS NOT NULL AND status <> 'cancelled';

-- Each learner's most overdue live review item, in the order DISTINCT ON
-- reads them: the pass walks it instead of sorting every live item.
CREATE INDEX review_items_live ON review_items (course_id, learner_id, due_at, quiz_id, question_id)
    WHERE retired_at IS NULL;
DROP INDEX review_items_due;

-- +goose Down
CREATE INDEX review_items_due ON review_items (learner_id, due_at) WHERE retired_at IS NULL;
DROP INDEX review_items_live;
DROP INDEX outbox_learner_announcement;
