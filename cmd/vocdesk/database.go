package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// openDatabase opens and migrates the database named by dsn. Every command
// migrates first, so a fresh file or schema is always usable.
func openDatabase(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	return db, nil
}

// errNoDatabase is the error of a command that needs an existing database
// pointed at an SQLite file that does not exist.
type errNoDatabase struct{ path string }

func (e errNoDatabase) Error() string {
	return fmt.Sprintf("no database at %s: give --db (or VOCDESK_DB) naming the server's database", e.path)
}

// openExistingDatabase is openDatabase for commands that act on what is
// already stored (key create, list, revoke): an SQLite file that does not
// exist is an error, not a new empty database in the working directory,
// which would only lead to "unknown developer" and a stray vocdesk.db.
func openExistingDatabase(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	if p, ok := sqlitePath(dsn); ok {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return nil, errNoDatabase{p}
		}
	}
	return openDatabase(ctx, dsn)
}

// openExit is the exit status of a failed open: 2 for a database that is
// not there (the command line is wrong), 1 for anything else.
func openExit(err error) int {
	var nd errNoDatabase
	if errors.As(err, &nd) {
		return 2
	}
	return 1
}

// sqlitePath is the file of an SQLite DSN, as sqlstore.Open reads it.
func sqlitePath(dsn string) (string, bool) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return "", false
	}
	p := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
	p, _, _ = strings.Cut(p, "?")
	return p, p != ""
}

// systemContext is ctx acting as the system: the CLI's own operator actor,
// with no person behind it.
func systemContext(ctx context.Context) context.Context {
	return vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
}

// redactDSN hides a PostgreSQL password before a DSN is printed or logged.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	return u.Redacted()
}

// errorText is what a person sees of err: the message of an application
// error, or the whole chain for anything else (the CLI's user is the
// operator, who may see internals).
func errorText(err error) string {
	if code := vocdesk.ErrorCode(err); code != vocdesk.EINTERNAL {
		return vocdesk.ErrorMessage(err)
	}
	return err.Error()
}

// exitFor is the exit status for a failed service call: 2 when the input was
// wrong (bad value, unknown developer), 1 for everything else.
func exitFor(err error) int {
	switch vocdesk.ErrorCode(err) {
	case vocdesk.EINVALID, vocdesk.ENOTFOUND, vocdesk.ECONFLICT, vocdesk.EUNPROCESSABLE:
		return 2
	}
	return 1
}
