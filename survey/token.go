// Package survey makes and reads the satisfaction survey's links and mail:
// a signed, expiring token that lets whoever holds the survey mail rate one
// inquiry, and nothing else, without signing in.
package survey

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

// A token is base64url (no padding) of 33 bytes:
//
//	version (1) | inquiry id (8, big endian) | expiry (8, Unix seconds) | MAC (16)
//
// The MAC is HMAC-SHA256, cut to 128 bits, under the server's survey key,
// over a purpose label and the first 17 bytes. The label makes the token
// single-purpose: the same key signing anything else one day cannot produce
// a token this package accepts. Nothing is stored per token: the inquiry's
// own state (resolved, rated, closed) decides what a valid token may still
// do, so a token needs no revocation list.
const (
	version   = 1
	macLen    = 16
	rawLen    = 1 + 8 + 8 + macLen
	tokenLen  = (rawLen*8 + 5) / 6 // base64url without padding: 44
	purpose   = "vocdesk inquiry-rating v1\x00"
	minKeyLen = 32
)

// ErrInvalid is every way a token can be wrong: malformed, another
// version, tampered with, signed under another key, or expired. One error,
// so that callers cannot tell a stranger more than "no".
var ErrInvalid = errors.New("survey: not a valid survey token")

// Sign returns the token for rating inquiry id until expires.
func Sign(key []byte, id int64, expires time.Time) string {
	b := make([]byte, 0, rawLen)
	b = append(b, version)
	b = binary.BigEndian.AppendUint64(b, uint64(id))
	b = binary.BigEndian.AppendUint64(b, uint64(expires.Unix()))
	b = append(b, mac(key, b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Open checks a token at now and returns the inquiry it names.
func Open(key []byte, token string, now time.Time) (int64, error) {
	if len(key) < minKeyLen || len(token) != tokenLen {
		return 0, ErrInvalid
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(b) != rawLen || b[0] != version {
		return 0, ErrInvalid
	}
	if !hmac.Equal(b[17:], mac(key, b[:17])) {
		return 0, ErrInvalid
	}
	id := int64(binary.BigEndian.Uint64(b[1:9]))
	exp := int64(binary.BigEndian.Uint64(b[9:17]))
	if id <= 0 || exp <= now.Unix() {
		return 0, ErrInvalid
	}
	return id, nil
}

func mac(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	m.Write(msg)
	return m.Sum(nil)[:macLen]
}
