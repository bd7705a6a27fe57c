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
		return []*goose.Migration{mailRawCutsMigration(db.dialect)}
	}
	return []*goose.Migration{mailRawCutsMigration(db.dialect), goose.NewGoMigration(developerSearchVersion,
		&goose.GoFunc{RunTx: addDeveloperSearch},
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `DROP TABLE inquiry_fts_dev`)
			return err
		}}),
		goose.NewGoMigration(asciiSearchVersion,
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return rebuildSearch(ctx, tx, asciiTokenizer) }},
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return rebuildSearch(ctx, tx, unicodeTokenizer) }}),
	}
}

// asciiSearchVersion is the SQLite migration that rebuilds both search
// tables with FTS5's ascii tokenizer.
//
// The documents are terms made in Go (search_terms.go): lower-case letters
// and digits, and '_' in the tenancy and developer terms, separated by
// spaces. unicode61 cut them into the same tokens as ascii does (with
// '_' a token character, any non-ASCII byte is one), but classified every
// character through Unicode's tables to do it: that was a fifth of the
// single writer's time per stored mail (bench/mail). Queries are made of
// the same Go terms, so what matches is unchanged.
const asciiSearchVersion = 138

const (
	asciiTokenizer   = `ascii tokenchars '_'`
	unicodeTokenizer = `unicode61 remove_diacritics 0 tokenchars '_'`
)

// rebuildSearch makes both search tables again with tokenizer and writes
// every inquiry's document into them, in the migration's one transaction
// (on a store with a million inquiries a few minutes, once).
func rebuildSearch(ctx context.Context, sqlTx *sql.Tx, tokenizer string) error {
	tx := &Tx{tx: sqlTx, dialect: dialectSQLite}
	for _, q := range []string{
		`DROP TABLE inquiry_fts`,
		`DROP TABLE inquiry_fts_dev`,
		// As 00022_search.sql and addDeveloperSearch.
		`CREATE VIRTUAL TABLE inquiry_fts USING fts5(terms, notes, content = '', contentless_delete = 1,
			tokenize = "` + tokenizer + `", prefix = '3')`,
		`CREATE VIRTUAL TABLE inquiry_fts_dev USING fts5(terms, notes, content = '', contentless_delete = 1,
			tokenize = "` + tokenizer + `")`,
	} {
		if _, err := tx.exec(ctx, q); err != nil {
			return fmt.Errorf("sqlstore: rebuild search tables: %w", err)
		}
	}
	err := eachSearchDoc(ctx, tx, func(id int64, doc *searchDoc) error {
		r, err := doc.render()
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO inquiry_fts (rowid, terms, notes) VALUES ($1, $2, $3)`, id, r.terms, r.notes); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO inquiry_fts_dev (rowid, terms, notes) VALUES ($1, $2, $3)`, id, r.devTerms, r.devNotes)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlstore: rebuild search tables: %w", err)
	}
	for _, table := range []string{"inquiry_fts", "inquiry_fts_dev"} {
		if _, err := tx.exec(ctx, `INSERT INTO `+table+` (`+table+`) VALUES ('optimize')`); err != nil {
			return fmt.Errorf("sqlstore: rebuild search tables: %w", err)
		}
	}
	return nil
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
		tokenize = "`+unicodeTokenizer+`")`); err != nil {
		return fmt.Errorf("sqlstore: developer search table: %w", err)
	}
	err := eachSearchDoc(ctx, tx, func(id int64, doc *searchDoc) error {
		terms, notes := doc.developerFTSColumns()
		_, err := tx.exec(ctx, `INSERT INTO inquiry_fts_dev (rowid, terms, notes) VALUES ($1, $2, $3)`, id, terms, notes)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlstore: developer search table: %w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO inquiry_fts_dev (inquiry_fts_dev) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("sqlstore: developer search table: %w", err)
	}
	return nil
}

// eachSearchDoc calls fn with every inquiry's search document, in id order.
func eachSearchDoc(ctx context.Context, tx *Tx, fn func(id int64, doc *searchDoc) error) error {
	for last := int64(0); ; {
		docs, ids, err := tx.searchDocs(ctx, last)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		for k, id := range ids {
			if err := fn(id, docs[k]); err != nil {
				return err
			}
		}
		last = ids[len(ids)-1]
	}
}
