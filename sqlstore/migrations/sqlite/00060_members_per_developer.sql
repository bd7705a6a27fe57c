-- A member is unique within its developer, not across developers (issue 16,
-- finding 6): adding a member whose email another developer's member has
-- answered 409 naming it, an oracle for other organisations' staff. A
-- person in two organisations is two members.
--
-- email_key was the lower-cased email and UNIQUE across all members. SQLite
-- cannot drop a column's UNIQUE constraint without rebuilding the table
-- (and every table that references it), so on both engines email_key keeps
-- its constraint and now holds the developer's id and the lower-cased
-- email ("17 ana@example.com"), unique per developer; login_key holds the
-- lower-cased email that sign-in looks up.

-- +goose Up
ALTER TABLE members ADD COLUMN login_key TEXT NOT NULL DEFAULT '';
UPDATE members SET login_key = email_key, email_key = CAST(developer_id AS TEXT) || ' ' || email_key;
CREATE INDEX members_login ON members (login_key);

-- +goose Down
DROP INDEX members_login;
UPDATE members SET email_key = login_key;
ALTER TABLE members DROP COLUMN login_key;
