-- An inquiry carries its priority: the inbox shows it on every row, and
-- reads it with the row as it reads the tags (migration 00054) instead of
-- probing inquiry_priorities once per row. inquiry_priorities stays, the
-- few inquiries whose priority was ever set, for the inbox's priority
-- filter: the set of one priority's inquiries, read once by its index,
-- that the walk of the sort's covering index checks each entry against.
-- Every write of a priority writes both in one transaction (setPriority,
-- the rules' batch); the table's CHECK guards the value. The column has
-- no CHECK of its own so that adding it, with a constant default, does not
-- read the whole table.

-- +goose Up
ALTER TABLE inquiries ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';
UPDATE inquiries SET priority = p.priority FROM inquiry_priorities p
WHERE p.inquiry_id = inquiries.id AND p.priority <> 'normal';
CREATE INDEX inquiry_priorities_filter ON inquiry_priorities (priority, developer_id, inquiry_id);

-- +goose Down
DROP INDEX inquiry_priorities_filter;
ALTER TABLE inquiries DROP COLUMN priority;
