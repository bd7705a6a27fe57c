-- The inbox's sort indexes carry status, so a page filtered on several
-- statuses is chosen from the index alone (inquiry_find.go selects the
-- page's ids first and joins names to those rows only).

-- +goose Up
DROP INDEX inquiries_dev_new;
DROP INDEX inquiries_dev_wait;
DROP INDEX inquiries_dev_due;
CREATE INDEX inquiries_dev_new ON inquiries (developer_id, created_at DESC, id DESC, status);
CREATE INDEX inquiries_dev_wait ON inquiries (developer_id, wait_sort, id, status);
CREATE INDEX inquiries_dev_due ON inquiries (developer_id, due_sort, id, status);

-- +goose Down
DROP INDEX inquiries_dev_new;
DROP INDEX inquiries_dev_wait;
DROP INDEX inquiries_dev_due;
CREATE INDEX inquiries_dev_new ON inquiries (developer_id, created_at DESC, id DESC);
CREATE INDEX inquiries_dev_wait ON inquiries (developer_id, wait_sort, id);
CREATE INDEX inquiries_dev_due ON inquiries (developer_id, due_sort, id);
