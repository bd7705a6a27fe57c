-- A developer's inbox of some statuses sorted by longest waiting or SLA due
-- first, as inquiries_dev_status_new serves the newest: one walk per status,
-- merged in the sort's order, reading only the rows it keeps
-- (inboxShapeOf). From inquiries_dev_wait and _due, which carry status but
-- after the sort key, a page chose its ids from the index and then probed
-- the primary key once per row: 214 buffers against 64 for "new and open,
-- longest waiting" at a million inquiries. Those two stay for the
-- unfiltered sorts, which walk them once.

-- +goose Up
CREATE INDEX inquiries_dev_status_wait ON inquiries (developer_id, status, wait_sort, id);
CREATE INDEX inquiries_dev_status_due ON inquiries (developer_id, status, due_sort, id);

-- +goose Down
DROP INDEX inquiries_dev_status_due;
DROP INDEX inquiries_dev_status_wait;
