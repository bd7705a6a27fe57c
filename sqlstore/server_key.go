package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// ServerKey returns the server's 32-byte secret named name (migration
// 00115): made from crypto/rand by the first process that asks, and the
// same for every process on the database ever after, so that what one
// process signs (a survey link) another accepts after a restart or behind
// a load balancer. Two processes asking first at once both insert; the
// primary key keeps one and both read it back.
func (db *DB) ServerKey(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh) // crypto/rand.Read never fails on supported platforms
	var stored string
	err := db.inWrite(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO server_keys (name, secret, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO NOTHING`, name, base64.StdEncoding.EncodeToString(fresh), micros(tx.now)); err != nil {
			return err
		}
		return tx.queryRow(ctx, `SELECT secret FROM server_keys WHERE name = $1`, name).Scan(&stored)
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: server key %s: %w", name, err)
	}
	key, err := base64.StdEncoding.DecodeString(stored)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("sqlstore: server key %s is damaged", name)
	}
	return key, nil
}
