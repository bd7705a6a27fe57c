-- Full-text search over inquiries' subjects and messages. One document per
-- inquiry (rowid = inquiry id), written by Go (search_terms.go): English
-- words lower-cased, Korean (and other CJK) text as overlapping character
-- bigrams plus each run's last character, so that any part of a word of one
-- character or more is found through the index. terms holds the subject and
-- the messages customers see, notes the internal notes; both carry tenancy
-- tokens (_d<developer>, _c<customer>) that user text cannot produce, so a
-- developer's or customer's search is narrowed inside the index. prefix='3'
-- indexes three-byte prefixes: one Hangul syllable, for one-character
-- queries.

-- +goose Up
CREATE VIRTUAL TABLE inquiry_fts USING fts5(
    terms, notes,
    content = '', contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'",
    prefix = '3'
);

-- +goose Down
DROP TABLE inquiry_fts;
