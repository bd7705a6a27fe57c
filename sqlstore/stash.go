package sqlstore

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/secret"
)

// StashService implements vocdesk.SessionStash.
type StashService struct{ db *DB }

// NewSessionStash returns the session stash on db.
func NewSessionStash(db *DB) vocdesk.SessionStash { return &StashService{db: db} }

// stashTTL is how long a stashed value waits for its one read: the
// redirect that reads it follows at once; a value nobody came back for
// is not shown later.
const stashTTL = 10 * time.Minute

// Stash implements vocdesk.SessionStash.
func (s *StashService) Stash(ctx context.Context, sessionSecret, name, value string) error {
	sealed, err := seal(sessionSecret, name, value)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		var id int64
		err := tx.queryRow(ctx, `SELECT id FROM sessions WHERE secret_hash = $1 AND expires_at > $2`,
			secret.Hash(sessionSecret), micros(tx.now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.Errorf(vocdesk.EUNAUTHORIZED, "session expired or unknown; sign in again")
		} else if err != nil {
			return fmt.Errorf("sqlstore: stash: %w", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM session_stash WHERE session_id = $1 AND name = $2`, id, name); err != nil {
			return fmt.Errorf("sqlstore: stash: %w", err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO session_stash (session_id, name, sealed, created_at) VALUES ($1, $2, $3, $4)`,
			id, name, sealed, micros(tx.now)); err != nil {
			return fmt.Errorf("sqlstore: stash: %w", err)
		}
		return nil
	})
}

// TakeStash implements vocdesk.SessionStash.
func (s *StashService) TakeStash(ctx context.Context, sessionSecret, name string) (string, error) {
	var sealed string
	var created int64
	var now time.Time
	err := s.db.inWrite(ctx, func(tx *Tx) error {
		now = tx.now
		err := tx.queryRow(ctx, `DELETE FROM session_stash WHERE name = $2
			AND session_id = (SELECT id FROM sessions WHERE secret_hash = $1) RETURNING sealed, created_at`,
			secret.Hash(sessionSecret), name).Scan(&sealed, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return fmt.Errorf("sqlstore: take stash: %w", err)
		}
		return nil
	})
	if err != nil || sealed == "" || now.Sub(fromMicros(created)) > stashTTL {
		return "", err
	}
	return unseal(sessionSecret, name, sealed)
}

// stashKey derives the sealing key from the session's cookie secret and the
// value's name, so that a value cannot be read under another name either.
func stashKey(sessionSecret, name string) cipher.AEAD {
	k := sha256.Sum256([]byte("vocdesk session stash\x00" + name + "\x00" + sessionSecret))
	b, _ := aes.NewCipher(k[:]) // a 32-byte key is always valid
	g, _ := cipher.NewGCM(b)    // AES always makes a GCM
	return g
}

func seal(sessionSecret, name, value string) (string, error) {
	g := stashKey(sessionSecret, name)
	nonce := make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("sqlstore: stash nonce: %w", err)
	}
	return base64.StdEncoding.EncodeToString(g.Seal(nonce, nonce, []byte(value), nil)), nil
}

func unseal(sessionSecret, name, sealed string) (string, error) {
	g := stashKey(sessionSecret, name)
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(b) < g.NonceSize() {
		return "", fmt.Errorf("sqlstore: stash: malformed value")
	}
	plain, err := g.Open(nil, b[:g.NonceSize()], b[g.NonceSize():], nil)
	if err != nil {
		return "", fmt.Errorf("sqlstore: stash: %w", err)
	}
	return string(plain), nil
}
