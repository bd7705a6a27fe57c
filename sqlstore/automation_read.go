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

// deskSideRead runs read in a read transaction for what the desk's side
// keeps about inquiry id (its snooze, its social thread): the inquiry must
// be the actor's to see (inquiryFor: another developer's is ENOTFOUND), and
// customers, who never learn of these, get the zero value without a read.
func deskSideRead[T any](ctx context.Context, db *DB, id int64, read func(*Tx) (T, error)) (T, error) {
	var zero T
	a, err := actorFrom(ctx)
	if err != nil {
		return zero, err
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return zero, err
	}
	defer tx.Rollback()
	if _, err := tx.inquiryFor(ctx, a, id, false); err != nil || a.IsCustomer() {
		return zero, err
	}
	return read(tx)
}
