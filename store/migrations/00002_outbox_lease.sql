-- +goose Up
-- A claimed row carries a lease: if the process that claimed it dies, the
-- row goes back to the queue when the lease runs out (and may be sent
-- again: the documented at-least-once window).
ALTER TABLE outbox ADD COLUMN lease_until timestamptz;
CREATE INDEX outbox_sending ON outbox (lease_until) WHERE status = 'sending';
-- The dispatcher's per-learner order check looks for unfinished earlier rows.
CREATE INDEX outbox_learner_unfinished ON outbox (learner_id, id) WHERE status IN ('queued', 'sending');

-- +goose Down
DROP INDEX outbox_learner_unfinished;
DROP INDEX outbox_sending;
ALTER TABLE outbox DROP COLUMN lease_until;
