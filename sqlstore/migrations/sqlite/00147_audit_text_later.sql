-- The audit trail's free-text index (audit_text, migration 00117) is
-- written after the entries, in batches, instead of by a trigger in each
-- entry's own statement (sqlstore/audit_text_index.go). FTS5 writes a
-- segment of its index at every transaction that adds to it and merges
-- them as they pile up, and that work fell on whichever write happened to
-- add the entry: bench/rules' inquiry creations paid 1.2-1.8 ms more at
-- p99 with two entries each than with one, and 0.4-0.5 ms without the
-- trigger. audit_text_indexed.upto is the last audit_log id in audit_text:
-- the index and the mark move in one transaction, and the reader
-- (audit_find.go) reads the entries past the mark as it reads those the
-- index lists, so a search never misses an entry waiting to be indexed.

-- +goose Up
CREATE TABLE audit_text_indexed (upto INTEGER NOT NULL);
INSERT INTO audit_text_indexed (upto) SELECT COALESCE(MAX(id), 0) FROM audit_log;
DROP TRIGGER audit_log_text;

-- +goose Down
INSERT INTO audit_text (rowid, developer, before_json, after_json)
    SELECT id, COALESCE('|' || developer_id || '|', ''), COALESCE(before_json, ''), COALESCE(after_json, '') FROM audit_log
    WHERE id > (SELECT upto FROM audit_text_indexed);
DROP TABLE audit_text_indexed;
-- +goose StatementBegin
CREATE TRIGGER audit_log_text AFTER INSERT ON audit_log BEGIN
    INSERT INTO audit_text (rowid, developer, before_json, after_json)
    VALUES (new.id, COALESCE('|' || new.developer_id || '|', ''), COALESCE(new.before_json, ''), COALESCE(new.after_json, ''));
END;
-- +goose StatementEnd
