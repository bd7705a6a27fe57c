-- A reconciliation report's unreadable rows speak the page's language:
-- each kept row keeps its problem's reason and the values its words take
-- (a JSON array of strings, each cut to 200 bytes, as 00149 keeps an
-- import's), so that web/ui words them from its catalog. Rows kept before
-- keep '' and show their English message as it was stored.

-- +goose Up
ALTER TABLE recon_errors ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE recon_errors ADD COLUMN args TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE recon_errors DROP COLUMN args;
ALTER TABLE recon_errors DROP COLUMN reason;
