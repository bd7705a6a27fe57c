package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
)

// mailRawCutsVersion is the migration that adds mail_raw.cuts, the notes
// of the attachments cut out of a stored raw message (mail_raw_cut.go). It
// is written in Go, on both engines, for its Down: a raw message stored
// cut is made whole again before the notes go, which takes base64 written
// as encodeLines writes it, not SQL.
const mailRawCutsVersion = 146

func mailRawCutsMigration(dialect string) *goose.Migration {
	return goose.NewGoMigration(mailRawCutsVersion,
		&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `ALTER TABLE mail_raw ADD COLUMN cuts TEXT NOT NULL DEFAULT ''`)
			return err
		}},
		&goose.GoFunc{RunTx: func(ctx context.Context, sqlTx *sql.Tx) error {
			return uncutMailRaw(ctx, &Tx{tx: sqlTx, dialect: dialect})
		}})
}

// uncutMailRaw restores every raw message stored cut, a hundred at a time,
// and drops mail_raw.cuts.
func uncutMailRaw(ctx context.Context, tx *Tx) error {
	for last := int64(0); ; {
		type cutRow struct {
			id   int64
			raw  []byte
			cuts string
		}
		var list []cutRow
		rows, err := tx.query(ctx, `SELECT mail_id, raw, cuts FROM mail_raw WHERE cuts <> '' AND mail_id > $1
			ORDER BY mail_id LIMIT 100`, last)
		if err != nil {
			return fmt.Errorf("sqlstore: uncut raw mail: %w", err)
		}
		for rows.Next() {
			var r cutRow
			if err := rows.Scan(&r.id, &r.raw, &r.cuts); err != nil {
				rows.Close()
				return fmt.Errorf("sqlstore: uncut raw mail: %w", err)
			}
			list = append(list, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: uncut raw mail: %w", err)
		}
		if len(list) == 0 {
			break
		}
		for _, r := range list {
			raw, err := tx.restoreRaw(ctx, r.raw, r.cuts)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE mail_raw SET raw = $1, cuts = '' WHERE mail_id = $2`, raw, r.id); err != nil {
				return fmt.Errorf("sqlstore: uncut raw mail: %w", err)
			}
		}
		last = list[len(list)-1].id
	}
	_, err := tx.exec(ctx, `ALTER TABLE mail_raw DROP COLUMN cuts`)
	return err
}
