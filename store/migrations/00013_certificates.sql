-- +goose Up

-- Competency certificates: one per learner and course, issued in the
-- transaction that records the pass. What the certificate says about its
-- holder (name, role, village) is kept as it was at issue, so that a later
-- edit of the learner does not rewrite a certificate already printed.
CREATE TABLE certificates (
    id             bigserial PRIMARY KEY,
    -- The compact code: 11 random symbols and a check character
    -- (certificate.Parse); printed as PMG-XXXX-XXXX-XXXX.
    code           text NOT NULL UNIQUE CHECK (code ~ '^[2-9A-HJKMNP-Z]{12}$'),
    learner_id     bigint NOT NULL REFERENCES learners (id) ON DELETE RESTRICT,
    course_id      text NOT NULL,
    -- A fingerprint of the course content the learner passed.
    course_version text NOT NULL,
    course_title   text NOT NULL,
    holder_name    text NOT NULL,
    holder_role    text NOT NULL,
    village_code   text,
    pretest_score  smallint,
    -- The best post-test score; a retake that does better raises it.
    posttest_score smallint NOT NULL,
    issuer         text NOT NULL CHECK (issuer <> ''),
    issued_at      timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoked_reason text NOT NULL DEFAULT '',
    revoked_by     text NOT NULL DEFAULT '',
    updated_at     timestamptz NOT NULL,
    UNIQUE (learner_id, course_id),
    CHECK ((revoked_at IS NULL) = (revoked_reason = ''))
);
-- Admins list certificates by region.
CREATE INDEX certificates_village_prefix ON certificates (village_code text_pattern_ops);

-- Every look-up of a code by the public, by web (requester: IP address)
-- or SMS (requester: phone), kept to limit guessing: failed look-ups of
-- one requester in the last hour are counted.
CREATE TABLE certificate_lookups (
    id          bigserial PRIMARY KEY,
    channel     text NOT NULL CHECK (channel IN ('web', 'sms')),
    requester   text NOT NULL,
    -- What was asked, as far as it read as a code (cut to 64 characters).
    query       text NOT NULL,
    found       boolean NOT NULL,
    looked_up_at timestamptz NOT NULL
);
CREATE INDEX certificate_lookups_requester ON certificate_lookups (requester, looked_up_at) WHERE NOT found;

-- +goose Down
DROP TABLE certificate_lookups;
DROP TABLE certificates;
