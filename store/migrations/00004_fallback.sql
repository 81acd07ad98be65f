-- +goose Up
-- The fallback sweep looks for WhatsApp messages accepted but never
-- confirmed delivered.
CREATE INDEX outbox_whatsapp_unconfirmed ON outbox (sent_at) WHERE status = 'sent' AND channel = 'whatsapp';

-- +goose Down
DROP INDEX outbox_whatsapp_unconfirmed;
