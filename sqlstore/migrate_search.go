package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
)

// developerSearchVersion is the SQLite migration that adds the developers'
// search table. It is written in Go because the table's terms are made in
// Go (search_terms.go) and a contentless FTS5 table cannot be filled from
// the store-wide one.
const developerSearchVersion = 52

// goMigrations are the engine's migrations written in Go, alongside the
// SQL files in its folder.
func (db *DB) goMigrations() []*goose.Migration {
	if db.dialect != dialectSQLite {
		return nil
	}
	return []*goose.Migration{goose.NewGoMigration(developerSearchVersion,
		&goose.GoFunc{RunTx: addDeveloperSearch},
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `DROP TABLE inquiry_fts_dev`)
			return err
		}})}
}

// addDeveloperSearch creates inquiry_fts_dev, the search index with every
// term behind its developer's id (scopeTerm), and writes every inquiry's
// document into it, in the migration's one transaction: on a store with a
// million inquiries that holds the writer for a few minutes, once.
func addDeveloperSearch(ctx context.Context, sqlTx *sql.Tx) error {
	tx := &Tx{tx: sqlTx, dialect: dialectSQLite}
	// As inquiry_fts (00022_search.sql), without the prefix index: a
	// three-byte prefix of a scoped term is the developer's id.
	if _, err := tx.exec(ctx, `CREATE VIRTUAL TABLE inquiry_fts_dev USING fts5(
		terms, notes,
		content = '', contentless_delete = 1,
		tokenize = "unicode61 remove_diacritics 0 tokenchars '_'")`); err != nil {
		return fmt.Errorf("sqlstore: developer search table: %w", err)
	}
	for last := int64(0); ; {
		docs, ids, err := tx.searchDocs(ctx, last)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			break
		}
		for k, id := range ids {
			terms, notes := docs[k].developerFTSColumns()
			if _, err := tx.exec(ctx, `INSERT INTO inquiry_fts_dev (rowid, terms, notes) VALUES ($1, $2, $3)`, id, terms, notes); err != nil {
				return fmt.Errorf("sqlstore: developer search table: %w", err)
			}
		}
		last = ids[len(ids)-1]
	}
	if _, err := tx.exec(ctx, `INSERT INTO inquiry_fts_dev (inquiry_fts_dev) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("sqlstore: developer search table: %w", err)
	}
	return nil
}
