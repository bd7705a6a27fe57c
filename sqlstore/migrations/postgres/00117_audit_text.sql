-- Free text over the audit trail's before/after JSON, indexed (issue 21:
-- a developer's owner searching its whole history read every entry of the
-- developer, 547 ms p95 in bench/audit). Trigram GIN indexes (pg_trgm) on
-- exactly the expressions the reader (sqlstore/audit_find.go) matches with
-- LIKE, so the planner narrows to the entries holding the text's trigrams
-- and rechecks each: the answer stays exactly the substring match it was.
-- The index is part of audit_log, written with each entry.
--
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension since
-- PostgreSQL 13: the database's owner may create it. It goes in schema
-- public when that exists (so it outlives any one schema: vocdesk may run
-- in one, its tests each in their own), else in vocdesk's schema; an
-- existing pg_trgm is used where it is. When it cannot be created the
-- migration stops with a message that says what to do.

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE
    ext text;
BEGIN
    SELECT n.nspname INTO ext FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF ext IS NULL THEN
        ext := CASE WHEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN 'public' ELSE current_schema() END;
        BEGIN
            EXECUTE format('CREATE EXTENSION pg_trgm SCHEMA %I', ext);
        EXCEPTION WHEN OTHERS THEN
            -- Another migration (a parallel test) may have created it meanwhile.
            SELECT n.nspname INTO ext FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                WHERE e.extname = 'pg_trgm';
            IF ext IS NULL THEN
                RAISE EXCEPTION 'vocdesk migration 00117 needs the PostgreSQL extension pg_trgm and could not create it: %', SQLERRM
                    USING HINT = 'Install PostgreSQL''s contrib extensions (pg_trgm) on the server and run vocdesk as the database''s owner, or have a superuser run CREATE EXTENSION pg_trgm in this database; then migrate again.';
            END IF;
        END;
    END IF;
    EXECUTE format('CREATE INDEX audit_log_before_trgm ON audit_log USING gin (LOWER(COALESCE(before_json, %L)) %I.gin_trgm_ops)', '', ext);
    EXECUTE format('CREATE INDEX audit_log_after_trgm ON audit_log USING gin (LOWER(COALESCE(after_json, %L)) %I.gin_trgm_ops)', '', ext);
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- pg_trgm stays: other databases' objects or schemas may use it.
DROP INDEX audit_log_after_trgm;
DROP INDEX audit_log_before_trgm;
