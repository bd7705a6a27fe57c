-- SQLite's search keeps a dictionary of its terms to answer prefix queries
-- with exact terms (sqlite/00041_search_terms.sql). PostgreSQL's GIN index
-- answers a prefix (:*) from its own ordered entry tree, so it needs none;
-- this migration keeps the two folders' numbers in step.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
