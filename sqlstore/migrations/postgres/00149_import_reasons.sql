-- The back office's purchase import report speaks the page's language:
-- each rejected row keeps its refusal's reason and the values its words
-- take (a JSON array of strings), and an import that stopped early keeps
-- how many rows it had read and its error's code, reason and values, so
-- that web/ui words them from its catalog. Rows and imports recorded
-- before keep '' and show their English error as it was stored.

-- +goose Up
ALTER TABLE purchase_import_rejects ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE purchase_import_rejects ADD COLUMN args TEXT NOT NULL DEFAULT '[]';
ALTER TABLE purchase_imports ADD COLUMN stopped_after BIGINT NOT NULL DEFAULT 0;
ALTER TABLE purchase_imports ADD COLUMN stop_code TEXT NOT NULL DEFAULT '';
ALTER TABLE purchase_imports ADD COLUMN stop_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE purchase_imports ADD COLUMN stop_args TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE purchase_imports DROP COLUMN stop_args;
ALTER TABLE purchase_imports DROP COLUMN stop_reason;
ALTER TABLE purchase_imports DROP COLUMN stop_code;
ALTER TABLE purchase_imports DROP COLUMN stopped_after;
ALTER TABLE purchase_import_rejects DROP COLUMN args;
ALTER TABLE purchase_import_rejects DROP COLUMN reason;
