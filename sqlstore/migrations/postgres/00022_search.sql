-- Full-text search over inquiries' subjects and messages. One document per
-- inquiry, written by Go (search_terms.go) as a tsvector literal, so no
-- text search configuration, locale or extension decides how Korean is cut:
-- English words lower-cased, Korean (and other CJK) text as overlapping
-- character bigrams plus each run's last character, so any part of a word
-- of one character or more is found through the GIN index. The tsvector has
-- no positions: queries AND terms, which GIN answers exactly, and Go checks
-- phrases on the page's texts. Internal notes' terms carry the prefix _n, so
-- customers' queries leave them out; tenancy terms (_d<developer>,
-- _c<customer>) narrow a developer's or customer's search inside the index.

-- +goose Up
CREATE TABLE inquiry_search (
    inquiry_id   BIGINT   PRIMARY KEY REFERENCES inquiries (id),
    developer_id BIGINT   NOT NULL,
    doc          TSVECTOR NOT NULL
);
CREATE INDEX inquiry_search_doc ON inquiry_search USING gin (doc);
CREATE INDEX inquiry_search_developer ON inquiry_search (developer_id, inquiry_id DESC);

-- +goose Down
DROP TABLE inquiry_search;
