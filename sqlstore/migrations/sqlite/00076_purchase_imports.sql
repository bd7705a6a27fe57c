-- The back office's purchase imports: each upload's counts, and the rows it
-- refused (at most vocdesk.MaxImportRejectsKept of them), for the report
-- the operator downloads.

-- +goose Up
CREATE TABLE purchase_imports (
    id         INTEGER PRIMARY KEY,
    file_name      TEXT   NOT NULL,
    header         TEXT   NOT NULL,
    row_count      BIGINT NOT NULL,
    stored_count   BIGINT NOT NULL,
    rejected_count BIGINT NOT NULL,
    elapsed_us     BIGINT NOT NULL,
    error          TEXT   NOT NULL DEFAULT '',
    created_by     TEXT   NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE purchase_import_rejects (
    import_id BIGINT NOT NULL REFERENCES purchase_imports (id) ON DELETE CASCADE,
    seq       BIGINT NOT NULL,
    line      BIGINT NOT NULL,
    error     TEXT   NOT NULL,
    record    TEXT   NOT NULL,
    PRIMARY KEY (import_id, seq)
);

-- +goose Down
DROP TABLE purchase_import_rejects;
DROP TABLE purchase_imports;
