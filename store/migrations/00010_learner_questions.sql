-- +goose Up

-- What learners write to a person in the middle of the course ("Maaf pak,
-- saya kurang paham pertanyaannya"): kept for the admins of their region,
-- who read them through the API. Written in the transaction that handles
-- the message, so a question is kept exactly when it was answered.
CREATE TABLE learner_questions (
    id          bigserial PRIMARY KEY,
    learner_id  bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    inbound_id  bigint REFERENCES inbound_messages (id) ON DELETE SET NULL,
    course_id   text NOT NULL DEFAULT '',
    -- The question waiting for an answer when it was asked, '' when none.
    quiz_id     text NOT NULL DEFAULT '',
    question_id text NOT NULL DEFAULT '',
    -- Where the learner was, as they saw it: "Pelajaran 1 dari 6,
    -- pertanyaan 2: Kepala Desa dipilih oleh siapa?".
    context     text NOT NULL DEFAULT '',
    text        text NOT NULL CHECK (text <> ''),
    asked_at    timestamptz NOT NULL
);
-- The newest first, and a learner's own.
CREATE INDEX learner_questions_learner ON learner_questions (learner_id, id);

-- +goose Down
DROP TABLE learner_questions;
