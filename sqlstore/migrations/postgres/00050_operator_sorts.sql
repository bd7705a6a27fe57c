-- The store operator's list of every inquiry, sorted by longest waiting or
-- by SLA due first: without these a page sorted all the store's inquiries
-- (60 ms at a million on SQLite, more on PostgreSQL). They carry status, as
-- the developers' sort indexes do (00023), so "new and open, longest
-- waiting" is chosen from the index alone.

-- +goose Up
CREATE INDEX inquiries_wait ON inquiries (wait_sort, id, status);
CREATE INDEX inquiries_due ON inquiries (due_sort, id, status);

-- +goose Down
DROP INDEX inquiries_due;
DROP INDEX inquiries_wait;
