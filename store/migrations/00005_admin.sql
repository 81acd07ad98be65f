-- +goose Up

-- Provincial, regency and national admins of the programme. An admin is
-- known by an API token of which only the SHA-256 hash is kept; scope is
-- the region code prefix they read and write inside ('' = all of
-- Indonesia, '52' = NTB, '52.01' = one regency).
CREATE TABLE admins (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (name <> ''),
    scope      text NOT NULL DEFAULT ''
               CHECK (scope = '' OR scope ~ '^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$'),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- One row per announcement; its messages are the outbox rows that point at
-- it. scope is where it was allowed to reach (the sender's scope), target
-- the filters it was composed with, the counts what was queued.
CREATE TABLE announcements (
    id           bigserial PRIMARY KEY,
    -- NULL: sent by the operator with the CLI.
    admin_id     bigint REFERENCES admins (id) ON DELETE SET NULL,
    scope        text NOT NULL,
    text         text NOT NULL CHECK (text <> ''),
    target       jsonb NOT NULL DEFAULT '{}',
    send_at      timestamptz,
    recipients   integer NOT NULL DEFAULT 0,
    messages     integer NOT NULL DEFAULT 0,
    sms_segments integer NOT NULL DEFAULT 0,
    opted_out    integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    cancelled_at timestamptz
);
CREATE INDEX announcements_scope ON announcements (scope text_pattern_ops);

-- Not a foreign key: the per-row check would double the time it takes to
-- queue an announcement to 80,000 officials, and announcements are never
-- deleted.
ALTER TABLE outbox ADD COLUMN announcement_id bigint;
-- An announcement's rows are written together, so they lie in neighbouring
-- pages: a BRIN index finds them for stats and costs next to nothing to
-- maintain, where a btree adds a tenth to the time of queuing 80,000.
CREATE INDEX outbox_announcement ON outbox USING brin (announcement_id) WITH (autosummarize = on);
-- Stats follow an announcement's messages to the SMS sent in their place.
CREATE INDEX IF NOT EXISTS outbox_fallback_of ON outbox (fallback_of) WHERE fallback_of IS NOT NULL;

-- pamong_within tells whether a region code lies inside a scope ('' is all
-- of Indonesia, and the only scope that contains a learner without a
-- village): the same rule as region.Code.Within. It is one SQL expression,
-- so the planner inlines it and a LIKE on a known prefix uses the
-- text_pattern_ops indexes.
-- +goose StatementBegin
CREATE FUNCTION pamong_within(code text, scope text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT scope = '' OR code = scope OR code LIKE scope || '.%' $$;
-- +goose StatementEnd

-- pamong_utc_offset is a village's time zone, from its province: WITA
-- (UTC+8) for Bali, Nusa Tenggara, South, East and North Kalimantan and
-- Sulawesi; WIT (UTC+9) for Maluku and Papua; WIB (UTC+7) for the rest and
-- for a learner without a village. Indonesia has no daylight saving time.
-- +goose StatementBegin
CREATE FUNCTION pamong_utc_offset(village_code text) RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE
    WHEN left(village_code, 2) IN ('51', '52', '53', '63', '64', '65', '71', '72', '73', '74', '75', '76') THEN interval '8 hours'
    WHEN left(village_code, 2) IN ('81', '82', '91', '92', '93', '94', '95', '96') THEN interval '9 hours'
    ELSE interval '7 hours' END $$;
-- +goose StatementEnd

-- pamong_next_window is when a bulk message due at t may leave for a
-- learner of that village: t itself between 08:00 and 20:00 local time,
-- else the next 08:00 local. (Local time minus 20 hours falls on the day
-- before the next 08:00, both in the evening and after midnight.)
-- +goose StatementBegin
CREATE FUNCTION pamong_next_window(t timestamptz, village_code text) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE
    WHEN ((t AT TIME ZONE 'UTC') + pamong_utc_offset(village_code))::time >= time '08:00'
     AND ((t AT TIME ZONE 'UTC') + pamong_utc_offset(village_code))::time < time '20:00' THEN t
    ELSE (date_trunc('day', (t AT TIME ZONE 'UTC') + pamong_utc_offset(village_code) - interval '20 hours')
          + interval '32 hours' - pamong_utc_offset(village_code)) AT TIME ZONE 'UTC'
    END $$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION pamong_next_window(timestamptz, text);
DROP FUNCTION pamong_utc_offset(text);
DROP FUNCTION pamong_within(text, text);
-- outbox_fallback_of is left: the fallback may have made it its own.
DROP INDEX outbox_announcement;
ALTER TABLE outbox DROP COLUMN announcement_id;
DROP TABLE announcements;
DROP TABLE admins;
