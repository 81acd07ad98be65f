-- +goose Up
-- The claim checks, for each candidate row, whether its learner has an
-- earlier unfinished row in send order: an SMS copy takes the place of the
-- WhatsApp message it replaces (coalesce(fallback_of, id)). Keyed on that
-- order, the check is one index probe instead of a walk over every
-- unfinished row of the learner, and finding a learner's first unfinished
-- row (its head) is one probe too.
CREATE INDEX outbox_learner_order ON outbox (learner_id, (coalesce(fallback_of, id)), id)
    WHERE status IN ('queued', 'sending');
-- Replaced by outbox_learner_order, whose leading column serves the same
-- look-ups.
DROP INDEX outbox_learner_unfinished;

-- +goose Down
CREATE INDEX outbox_learner_unfinished ON outbox (learner_id, id) WHERE status IN ('queued', 'sending');
DROP INDEX outbox_learner_order;
