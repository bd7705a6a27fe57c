-- Inquiries' search documents are written after the changes that make
-- them, in batches, instead of in each change's transaction
-- (sqlstore/search_later.go says why). A change queues its inquiry here in
-- its own transaction; the search worker writes the documents of the
-- queued rows and deletes the rows in one transaction. seq orders the
-- queue: the worker deletes the rows up to the last it read.

-- +goose Up
CREATE TABLE search_pending (
    seq INTEGER PRIMARY KEY,
    inquiry_id INTEGER NOT NULL
);

-- +goose Down
-- Documents still queued stay as they were until DB.ReindexInquiries.
DROP TABLE search_pending;
