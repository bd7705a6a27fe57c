package sqlstore

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/vocdesk/vocdesk"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// isUniqueViolation reports whether err is a unique-constraint violation on
// either engine.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isDeadlock reports whether PostgreSQL aborted the transaction to break a
// deadlock: concurrent imports whose batches share a txid can wait on each
// other's unique-index entries.
func isDeadlock(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "40P01"
}

// conflictOr turns a unique violation into ECONFLICT with a message for
// people, and wraps anything else as an internal error.
func conflictOr(err error, what, format string, args ...any) error {
	if isUniqueViolation(err) {
		return vocdesk.Errorf(vocdesk.ECONFLICT, format, args...)
	}
	return fmt.Errorf("sqlstore: %s: %w", what, err)
}

// because gives err its reason when it is an application error (a
// conflictOr's clash), for pages that word it in their reader's language;
// other errors pass unchanged.
func because(err error, reason string, args ...any) error {
	var e *vocdesk.Error
	if errors.As(err, &e) {
		e.Because(reason, args...)
	}
	return err
}
