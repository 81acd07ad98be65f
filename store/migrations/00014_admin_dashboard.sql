-- +goose Up

-- Browser sessions of the admins' dashboard (/admin/). The cookie carries a
-- random id of which only the SHA-256 hash is kept, so a leaked table does
-- not sign anyone in. A session is valid while it has not expired and its
-- admin is not revoked: the check joins admins, so revoking an admin ends
-- every session at once.
CREATE TABLE admin_sessions (
    id_hash    bytea PRIMARY KEY CHECK (length(id_hash) = 32),
    admin_id   bigint NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    -- The token every changing form must send back (double submit is not
    -- enough when a sibling subdomain can set cookies).
    csrf       text NOT NULL CHECK (csrf <> ''),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX admin_sessions_admin ON admin_sessions (admin_id);
CREATE INDEX admin_sessions_expires ON admin_sessions (expires_at);

-- An admin marks a learner's question answered from the dashboard; who did
-- is kept as a name, like a certificate's revoker, so it survives the
-- admin's deletion.
ALTER TABLE learner_questions ADD COLUMN answered_at timestamptz,
                              ADD COLUMN answered_by text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE learner_questions DROP COLUMN answered_by, DROP COLUMN answered_at;
DROP TABLE admin_sessions;
