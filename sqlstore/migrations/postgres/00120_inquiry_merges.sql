-- Merged inquiries. A merge moves the merged inquiry's thread (messages,
-- notes, attachments, mail deliveries, cancellation requests) and tags into
-- the survivor and closes the merged one as a pointer to it. The row keeps
-- what an undo needs to put both back exactly (state: the ids it moved and
-- both inquiries' workflow columns before), until undo_until; undone_at
-- marks an undone merge, which stays as history. One live merge per merged
-- inquiry: the pointer mail threading and pages follow.

-- +goose Up
CREATE TABLE inquiry_merges (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    developer_id BIGINT  NOT NULL REFERENCES developers (id),
    merged_id    BIGINT  NOT NULL REFERENCES inquiries (id),
    survivor_id  BIGINT  NOT NULL REFERENCES inquiries (id),
    merged_at    BIGINT  NOT NULL,
    undo_until   BIGINT  NOT NULL,
    undone_at    BIGINT,
    state        TEXT    NOT NULL
);
CREATE UNIQUE INDEX inquiry_merges_live ON inquiry_merges (merged_id) WHERE undone_at IS NULL;
CREATE INDEX inquiry_merges_survivor ON inquiry_merges (survivor_id) WHERE undone_at IS NULL;

-- +goose Down
DROP TABLE inquiry_merges;
