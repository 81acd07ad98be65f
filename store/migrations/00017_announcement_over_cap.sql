-- +goose Up
-- What the sender of an announcement chose for the part WhatsApp's hourly
-- cap cannot carry: 'wait' for WhatsApp capacity (free, slow) or 'spill' it
-- to SMS (fast, paid, and priced in the preview). The dispatcher reads it
-- with each claimed row.
ALTER TABLE announcements ADD COLUMN over_cap text NOT NULL DEFAULT 'wait'
    CHECK (over_cap IN ('wait', 'spill'));

-- +goose Down
ALTER TABLE announcements DROP COLUMN over_cap;
