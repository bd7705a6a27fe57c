-- Free text over the audit trail's before/after JSON, indexed (issue 21:
-- a developer's owner searching its whole history read every entry of the
-- developer). audit_text is a contentless FTS5 table with the trigram
-- tokenizer: each entry's developer ("|42|", so that as a phrase it is
-- that developer and no other; empty for none), before and after, rowid =
-- audit_log.id. The reader (sqlstore/audit_find.go) asks it for the
-- entries holding every trigram of what was typed, as a phrase (a
-- substring), within the developer for a developer's reader, and keeps its
-- LIKE over the JSON to decide: the index only narrows, the answer stays
-- exactly the substring match it was. Text under three characters has no
-- trigram and is searched as before, over what the other filters leave.
--
-- The entry's text is written by a trigger, in the statement (so the
-- transaction) that appends the entry: audit_log is append-only, so
-- nothing is ever updated or removed here.

-- +goose Up
CREATE VIRTUAL TABLE audit_text USING fts5(developer, before_json, after_json, content='', tokenize='trigram');

-- +goose StatementBegin
CREATE TRIGGER audit_log_text AFTER INSERT ON audit_log BEGIN
    INSERT INTO audit_text (rowid, developer, before_json, after_json)
    VALUES (new.id, COALESCE('|' || new.developer_id || '|', ''), COALESCE(new.before_json, ''), COALESCE(new.after_json, ''));
END;
-- +goose StatementEnd

INSERT INTO audit_text (rowid, developer, before_json, after_json)
    SELECT id, COALESCE('|' || developer_id || '|', ''), COALESCE(before_json, ''), COALESCE(after_json, '') FROM audit_log;

-- +goose Down
DROP TRIGGER audit_log_text;
DROP TABLE audit_text;
