-- +goose Up

-- One clock for the opt-out (issue 13, finding 3). The guard used to compare
-- an outbox row's created_at (the writer's clock) with opted_out_at (SQL
-- now() on one path, the store's clock on another): a skew between them let
-- a reply written before the opt-out pass as the confirmation, or held back
-- a reply written after it. The outbox ids order the rows instead: when a
-- learner opts out, opt_out_outbox_id takes the next value of the outbox id
-- sequence, so every row of theirs written before has a smaller id and the
-- confirmation written in the same transaction (and every later reply) a
-- larger one. Replies are written under the learner's row lock, as the
-- opt-out is, so no reply of theirs can take a smaller id and commit later;
-- the only rows written outside that lock are bulk rows, which never go to
-- an opted-out learner anyway. An SMS fallback copy is judged by the id of
-- the WhatsApp row it replaces (coalesce(fallback_of, id), its place in the
-- send order). Opting back in clears it; opting out again takes a new one.
ALTER TABLE learners ADD COLUMN opt_out_outbox_id bigint;

-- A trigger, not each writer, sets it: every way a learner comes to be
-- opted out (the engine's BERHENTI, a provider's STOP report, an operator's
-- UPDATE in psql) gets it, and only a change of opted_out_at between NULL
-- and a time costs anything.
-- +goose StatementBegin
CREATE FUNCTION pamong_mark_opt_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.opt_out_outbox_id := CASE WHEN NEW.opted_out_at IS NOT NULL
                                  THEN nextval(pg_get_serial_sequence('outbox', 'id')) END;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER learners_opt_out_insert BEFORE INSERT ON learners
    FOR EACH ROW WHEN (NEW.opted_out_at IS NOT NULL) EXECUTE FUNCTION pamong_mark_opt_out();
CREATE TRIGGER learners_opt_out_update BEFORE UPDATE OF opted_out_at ON learners
    FOR EACH ROW WHEN ((OLD.opted_out_at IS NULL) <> (NEW.opted_out_at IS NULL)) EXECUTE FUNCTION pamong_mark_opt_out();

-- Learners already opted out: their first reply written at or after the
-- opt-out is the confirmation; without one, nothing written so far may go.
UPDATE learners l SET opt_out_outbox_id = coalesce(
    (SELECT min(o.id) FROM outbox o
     WHERE o.learner_id = l.id AND o.priority = 0 AND o.fallback_of IS NULL AND o.created_at >= l.opted_out_at),
    nextval(pg_get_serial_sequence('outbox', 'id')))
WHERE l.opted_out_at IS NOT NULL;

-- outbox_unwanted is the one "never leaves" rule (issue 13, finding 4),
-- for the claim, the retry, the quiet-hours sweep and the fallback: it
-- returns why a message must not leave, or no row when it may. Nothing
-- goes to a learner who opted out but the replies written with or after
-- the opt-out (the confirmation), and nothing of a cancelled announcement.
-- A set-returning SQL function of one SELECT, so the planner inlines it
-- where it is used (EXISTS (SELECT FROM outbox_unwanted(...))): two index
-- probes, as the four hand-written copies cost.
-- +goose StatementBegin
CREATE FUNCTION outbox_unwanted(learner_id bigint, send_key bigint, priority smallint, announcement_id bigint)
RETURNS SETOF text LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT 'learner opted out' FROM learners l
    WHERE l.id = $1 AND l.opt_out_outbox_id IS NOT NULL AND ($3 = 1 OR $2 < l.opt_out_outbox_id)
    UNION ALL
    SELECT 'announcement cancelled' FROM announcements a
    WHERE $4 IS NOT NULL AND a.id = $4 AND a.cancelled_at IS NOT NULL
$$;
-- +goose StatementEnd

-- An announcement's message before rendering, kept once for the WhatsApp →
-- SMS fallback to render again, instead of in each of its 60,000 WhatsApp
-- rows (a fifth of the bytes written when queuing it).
ALTER TABLE announcements ADD COLUMN content jsonb NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE announcements DROP COLUMN content;
DROP FUNCTION outbox_unwanted(bigint, bigint, smallint, bigint);
DROP TRIGGER learners_opt_out_update ON learners;
DROP TRIGGER learners_opt_out_insert ON learners;
DROP FUNCTION pamong_mark_opt_out();
ALTER TABLE learners DROP COLUMN opt_out_outbox_id;
