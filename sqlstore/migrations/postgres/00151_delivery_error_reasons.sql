-- Outgoing deliveries' failures speak the page's language: a webhook
-- attempt, a delivery's last attempt, an IMAP mailbox's last poll and a
-- social reply's last attempt keep their failure's kind (netfail: the
-- connection was refused, the name was not found, the peer answered 500)
-- and the values its words take (a JSON array of strings, each cut to 200
-- bytes, as 00149 keeps an import's) beside the English error, which the
-- API keeps answering, so that web/ui words them from its catalog. Rows
-- kept before keep '' and show their English as it was stored.

-- +goose Up
ALTER TABLE webhook_attempts ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_attempts ADD COLUMN args TEXT NOT NULL DEFAULT '[]';
ALTER TABLE webhook_deliveries ADD COLUMN last_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_deliveries ADD COLUMN last_args TEXT NOT NULL DEFAULT '[]';
ALTER TABLE imap_mailboxes ADD COLUMN last_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE imap_mailboxes ADD COLUMN last_args TEXT NOT NULL DEFAULT '[]';
ALTER TABLE social_replies ADD COLUMN last_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE social_replies ADD COLUMN last_args TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE social_replies DROP COLUMN last_args;
ALTER TABLE social_replies DROP COLUMN last_reason;
ALTER TABLE imap_mailboxes DROP COLUMN last_args;
ALTER TABLE imap_mailboxes DROP COLUMN last_reason;
ALTER TABLE webhook_deliveries DROP COLUMN last_args;
ALTER TABLE webhook_deliveries DROP COLUMN last_reason;
ALTER TABLE webhook_attempts DROP COLUMN args;
ALTER TABLE webhook_attempts DROP COLUMN reason;
