-- +goose Up
-- Two gateways can carry one channel (SMS through Twilio or Kannel): their
-- message ids live in different namespaces, so dedupe by provider too, and
-- remember the provider a learner wrote through to answer the same way.
ALTER TABLE inbound_messages ADD COLUMN provider text NOT NULL DEFAULT '';
ALTER TABLE inbound_messages DROP CONSTRAINT inbound_messages_channel_provider_id_key;
ALTER TABLE inbound_messages ADD CONSTRAINT inbound_messages_dedupe UNIQUE (channel, provider, provider_id);

-- +goose Down
ALTER TABLE inbound_messages DROP CONSTRAINT inbound_messages_dedupe;
ALTER TABLE inbound_messages ADD CONSTRAINT inbound_messages_channel_provider_id_key UNIQUE (channel, provider_id);
ALTER TABLE inbound_messages DROP COLUMN provider;
