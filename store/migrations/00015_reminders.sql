-- +goose Up

-- Spaced review: every quiz or post-test question a learner answered wrong,
-- in a Leitner box (1..4: due after 1, 3, 7, 21 days). Two right answers in
-- a row retire it; the row stays for the statistics.
CREATE TABLE review_items (
    learner_id  bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    course_id   text NOT NULL,
    quiz_id     text NOT NULL,
    question_id text NOT NULL,
    box         smallint NOT NULL DEFAULT 1 CHECK (box BETWEEN 1 AND 4),
    streak      smallint NOT NULL DEFAULT 0 CHECK (streak >= 0),
    due_at      timestamptz NOT NULL,
    retired_at  timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (learner_id, course_id, quiz_id, question_id)
);
-- The scheduler looks for each learner's most overdue live item.
CREATE INDEX review_items_due ON review_items (learner_id, due_at) WHERE retired_at IS NULL;

-- Review answers, apart from quiz answers: they never change a lesson or
-- post-test score. box is the box the item was in when asked.
CREATE TABLE review_answers (
    id          bigserial PRIMARY KEY,
    learner_id  bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    course_id   text NOT NULL,
    quiz_id     text NOT NULL,
    question_id text NOT NULL,
    box         smallint NOT NULL,
    choice      smallint NOT NULL CHECK (choice BETWEEN 1 AND 9),
    correct     boolean NOT NULL,
    inbound_id  bigint REFERENCES inbound_messages (id) ON DELETE SET NULL,
    answered_at timestamptz NOT NULL
);
CREATE INDEX review_answers_learner ON review_answers (learner_id, answered_at);

-- One bot-initiated decision per learner and local day. The key makes the
-- decision idempotent: a second scheduler, or the same one after a
-- restart, finds the day taken and sends nothing.
CREATE TABLE reminders (
    learner_id  bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    day         date NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('nudge', 'review')),
    -- The wording of a nudge (1..), so the next one uses another.
    variant     smallint NOT NULL DEFAULT 0,
    quiz_id     text NOT NULL DEFAULT '',
    question_id text NOT NULL DEFAULT '',
    sent_at     timestamptz NOT NULL,
    PRIMARY KEY (learner_id, day)
);

-- +goose Down
DROP TABLE reminders;
DROP TABLE review_answers;
DROP TABLE review_items;
