package sqlstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// explainSQLiteOpen turns SQLite's "unable to open database file (14)" into
// a message a person can act on: the file it tried, and the folder that is
// missing or is not a folder. SQLite creates the file but never its folder.
func explainSQLiteOpen(dsn string, err error) error {
	path, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//"), "?")
	path = strings.TrimPrefix(path, "file:")
	dir := filepath.Dir(path)
	// Is any folder on the way missing? (The first that exists tells
	// whether it is a folder at all.)
	missing := false
	for d := dir; ; d = filepath.Dir(d) {
		st, serr := os.Stat(d)
		if serr == nil {
			if !st.IsDir() {
				return fmt.Errorf("sqlstore: cannot open the SQLite database %s: %s is not a directory: %w", path, d, err)
			}
			break
		}
		if !errors.Is(serr, fs.ErrNotExist) {
			break
		}
		missing = true
		if filepath.Dir(d) == d {
			break
		}
	}
	if missing {
		return fmt.Errorf("sqlstore: cannot open the SQLite database %s: the directory %s does not exist (SQLite creates the file, not its directory): %w", path, dir, err)
	}
	return fmt.Errorf("sqlstore: cannot open the SQLite database %s: %w", path, err)
}
