-- +goose Up

-- The officials list of the dashboard pages by (name, id) with a keyset
-- cursor; this index lets the planner walk names in order and stop after a
-- page instead of sorting the whole scope.
CREATE INDEX learners_name_id ON learners (name, id);

-- The certificate export walks certificates newest first by keyset
-- (issued_at, id) instead of OFFSET, which re-read every earlier page.
CREATE INDEX certificates_issued_id ON certificates (issued_at, id);

-- An officials CSV uploaded to the dashboard waits here between its
-- preview and the admin's "Import": the import then commits exactly the
-- bytes that were previewed (content_sha256 is checked again), only for
-- the admin who uploaded them, once, and not after expires_at. The id is
-- random and only its hash is kept, like a session's.
CREATE TABLE official_uploads (
    id_hash        bytea PRIMARY KEY CHECK (length(id_hash) = 32),
    admin_id       bigint NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    filename       text NOT NULL DEFAULT '',
    content        bytea NOT NULL,
    content_sha256 bytea NOT NULL CHECK (length(content_sha256) = 32),
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL
);
CREATE INDEX official_uploads_expires ON official_uploads (expires_at);

-- One-time sign-in links that `pamong admin login-link ID` prints: only
-- the token's hash is kept, a link works once (used_at) and briefly, and a
-- revoked admin's links stop working with their sessions (the check joins
-- admins).
CREATE TABLE admin_login_links (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    admin_id   bigint NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX admin_login_links_expires ON admin_login_links (expires_at);

-- The overview's numbers per village, computed by 'pamong serve' every few
-- minutes (store.RefreshDashboardRollup): the overview of 80,000 officials
-- then sums about 2,400 rows instead of joining 80,000 learners with their
-- enrolments and certificates on every view. The numbers are those of
-- computed_at, which the page shows; village_code '' holds learners
-- without a village (only the national scope contains them).
CREATE TABLE dashboard_rollup (
    course_id    text NOT NULL,
    village_code text NOT NULL,
    officials    integer NOT NULL,
    imported     integer NOT NULL,
    registered   integer NOT NULL,
    pretest      integer NOT NULL,
    lesson       integer NOT NULL,
    passed       integer NOT NULL,
    certified    integer NOT NULL,
    active       integer NOT NULL,
    gain_sum     bigint NOT NULL,
    gained       integer NOT NULL,
    PRIMARY KEY (course_id, village_code)
);
CREATE TABLE dashboard_traffic_rollup (
    course_id    text NOT NULL,
    village_code text NOT NULL,
    channel      text NOT NULL,
    messages     integer NOT NULL,
    delivered    integer NOT NULL,
    sent         integer NOT NULL,
    failed       integer NOT NULL,
    pending      integer NOT NULL,
    superseded   integer NOT NULL,
    PRIMARY KEY (course_id, village_code, channel)
);
CREATE TABLE dashboard_rollup_runs (
    course_id   text PRIMARY KEY,
    computed_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE dashboard_rollup_runs;
DROP TABLE dashboard_traffic_rollup;
DROP TABLE dashboard_rollup;
DROP TABLE admin_login_links;
DROP TABLE official_uploads;
DROP INDEX certificates_issued_id;
DROP INDEX learners_name_id;
