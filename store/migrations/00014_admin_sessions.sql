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

-- +goose Down
DROP TABLE admin_sessions;
