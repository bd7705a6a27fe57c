-- The search's dictionary: every term of the inquiry_fts documents except
-- the tenancy terms, once. A prefix query ("refund", "젬") looks its terms
-- up here and asks FTS5 for those exact terms, ORed: FTS5 answers a prefix
-- by merging the doclists of all its terms over the whole index before the
-- first row, while exact terms are walked newest first and stop at the
-- page's end (search.go). Terms are only added (search.go writeSearchDoc):
-- one that no document holds any more matches nothing. Filled here from the
-- index itself, so existing databases need no reindex.

-- +goose Up
CREATE TABLE inquiry_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE temp.inquiry_fts_vocab USING fts5vocab(main, inquiry_fts, row);
INSERT INTO inquiry_terms (term) SELECT term FROM temp.inquiry_fts_vocab WHERE term NOT GLOB '_*';
DROP TABLE temp.inquiry_fts_vocab;

-- +goose Down
DROP TABLE inquiry_terms;
