-- +goose Up

-- Kemendagri administrative regions, imported from the reference CSV.
CREATE TABLE regions (
    code       text PRIMARY KEY CHECK (code ~ '^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$'),
    name       text NOT NULL CHECK (name <> ''),
    level      smallint NOT NULL GENERATED ALWAYS AS (
                   CASE length(code) WHEN 2 THEN 1 WHEN 5 THEN 2 WHEN 8 THEN 3 ELSE 4 END) STORED,
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Prefix searches ("everything in 52.01") for scopes and targeting.
CREATE INDEX regions_code_prefix ON regions (code text_pattern_ops);

-- One row per official. Conversation state that is not course progress
-- (where in registration, the last reply for ULANG) lives in conversation,
-- a small JSON document readable with psql.
CREATE TABLE learners (
    id                bigserial PRIMARY KEY,
    phone             text NOT NULL UNIQUE CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
    name              text NOT NULL DEFAULT '',
    role              text NOT NULL DEFAULT '',
    -- Not a foreign key: a village code is accepted before regions are
    -- imported, and re-importing regions must never fail on learners.
    village_code      text CHECK (village_code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$'),
    preferred_channel text NOT NULL DEFAULT 'whatsapp' CHECK (preferred_channel IN ('whatsapp', 'sms')),
    language          text NOT NULL DEFAULT 'id',
    registered_at     timestamptz,
    opted_out_at      timestamptz,
    -- How the row came to be: 'chat' (self-registered) or 'import' (by an admin).
    source            text NOT NULL DEFAULT 'chat' CHECK (source IN ('chat', 'import')),
    conversation      jsonb NOT NULL DEFAULT '{}',
    last_inbound_at   timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX learners_village_prefix ON learners (village_code text_pattern_ops);

-- Progress of one learner in one course. Positions are ids from the course
-- files, never indexes, so editing a course does not corrupt progress.
CREATE TABLE enrolments (
    learner_id     bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    course_id      text NOT NULL,
    status         text NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'completed')),
    -- pretest | lesson | lesson_end | posttest | done
    stage          text NOT NULL,
    lesson_id      text NOT NULL DEFAULT '',
    -- The question waiting for an answer, '' when none is.
    question_id    text NOT NULL DEFAULT '',
    -- The quiz being taken (pretest, a lesson id, posttest) and its attempt.
    quiz_id        text NOT NULL DEFAULT '',
    attempt        integer NOT NULL DEFAULT 0,
    lessons_done   integer NOT NULL DEFAULT 0,
    pretest_score  smallint,  -- percent
    posttest_score smallint,  -- percent, best attempt
    passed         boolean NOT NULL DEFAULT false,
    -- Per-quiz scores and the answers of the attempt in progress.
    detail         jsonb NOT NULL DEFAULT '{}',
    started_at     timestamptz NOT NULL DEFAULT now(),
    completed_at   timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (learner_id, course_id)
);
CREATE INDEX enrolments_course_status ON enrolments (course_id, status);

-- Every inbound message, applied at most once: a provider that delivers the
-- same message twice hits the unique key and nothing else happens.
CREATE TABLE inbound_messages (
    id          bigserial PRIMARY KEY,
    channel     text NOT NULL,
    provider_id text NOT NULL,
    learner_id  bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    text        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, provider_id)
);
CREATE INDEX inbound_messages_learner ON inbound_messages (learner_id, id);

-- Every scored answer. One answer per question and attempt: a repeated or
-- late answer is never scored twice.
CREATE TABLE answers (
    id          bigserial PRIMARY KEY,
    learner_id  bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    course_id   text NOT NULL,
    quiz_id     text NOT NULL,
    question_id text NOT NULL,
    attempt     integer NOT NULL,
    choice      smallint NOT NULL CHECK (choice BETWEEN 1 AND 9),
    correct     boolean NOT NULL,
    inbound_id  bigint REFERENCES inbound_messages (id) ON DELETE SET NULL,
    answered_at timestamptz NOT NULL,
    UNIQUE (learner_id, course_id, quiz_id, question_id, attempt)
);

-- The outbox: every message is a row before it is a network request.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    learner_id      bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    channel         text NOT NULL CHECK (channel IN ('whatsapp', 'sms')),
    -- The provider route (twilio, kannel, whatsmeow); chosen at send time
    -- when empty.
    provider        text NOT NULL DEFAULT '',
    to_address      text NOT NULL,
    text            text NOT NULL CHECK (text <> ''),
    -- The message before rendering, so that it can be rendered again for
    -- another channel (WhatsApp → SMS fallback).
    content         jsonb NOT NULL DEFAULT '{}',
    segments        smallint NOT NULL DEFAULT 1,
    -- 0: a reply to the learner's own message; 1: bulk (announcements).
    priority        smallint NOT NULL DEFAULT 0 CHECK (priority IN (0, 1)),
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN
                        ('queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'superseded', 'cancelled')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    provider_id     text,
    last_error      text NOT NULL DEFAULT '',
    in_reply_to     bigint REFERENCES inbound_messages (id) ON DELETE SET NULL,
    -- The message this one replaces (an SMS sent because WhatsApp did not deliver).
    fallback_of     bigint REFERENCES outbox (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    delivered_at    timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
-- The dispatcher's work queue: due rows, replies first, oldest first.
CREATE INDEX outbox_due ON outbox (priority, next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX outbox_learner ON outbox (learner_id, id);
CREATE UNIQUE INDEX outbox_provider_id ON outbox (provider, provider_id) WHERE provider_id IS NOT NULL;

-- +goose Down
DROP TABLE outbox;
DROP TABLE answers;
DROP TABLE inbound_messages;
DROP TABLE enrolments;
DROP TABLE learners;
DROP TABLE regions;
