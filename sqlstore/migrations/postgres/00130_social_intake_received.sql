-- The sweep that forgets old webhook-ids (PurgeWebhookIDs) deletes by
-- arrival time; without this index each run would read the whole table.

-- +goose Up
CREATE INDEX social_intake_received ON social_intake (received_at);

-- +goose Down
DROP INDEX social_intake_received;
