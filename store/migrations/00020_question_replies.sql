-- +goose Up

-- What admins write back to a learner's question from the dashboard. The
-- reply leaves through the outbox like any other message; this row keeps
-- who wrote it (a name, like answered_by, so it survives the admin's
-- deletion), when, the text as they wrote it, and the first outbox row
-- that carries it, so the questions page can say where it is.
CREATE TABLE question_replies (
    id          bigserial PRIMARY KEY,
    question_id bigint NOT NULL REFERENCES learner_questions (id) ON DELETE CASCADE,
    admin_id    bigint REFERENCES admins (id) ON DELETE SET NULL,
    admin_name  text NOT NULL,
    text        text NOT NULL CHECK (text <> ''),
    channel     text NOT NULL CHECK (channel IN ('whatsapp', 'sms')),
    messages    integer NOT NULL,
    outbox_id   bigint REFERENCES outbox (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX question_replies_question ON question_replies (question_id, id);

-- +goose Down
DROP TABLE question_replies;
