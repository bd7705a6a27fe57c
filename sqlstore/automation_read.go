package sqlstore

import (
	"context"

	"github.com/vocdesk/vocdesk"
)

// developerRead runs read for the context's developer member (or key) in a
// read transaction: the shape every lookup of macros and rules shares.
func developerRead[T any](ctx context.Context, db *DB, read func(*Tx, *vocdesk.Actor) (T, error)) (T, error) {
	var zero T
	a, err := developerActorFrom(ctx)
	if err != nil {
		return zero, err
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return zero, err
	}
	defer tx.Rollback()
	return read(tx, a)
}
