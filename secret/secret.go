// Package secret hashes passwords and makes and hashes random tokens.
//
// Passwords are hashed with argon2id into a PHC-style string that carries
// its own parameters and salt, so parameters can be raised later without
// breaking stored hashes. Tokens (sessions, API keys) are random strings from
// crypto/rand; only their SHA-256 is stored, which is enough because they
// carry far more entropy than a password and need no slow hash.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's minimum recommendation (19 MiB, 2 passes, one
// lane), a few tens of milliseconds on a small server.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id hash of password, encoded as
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("secret: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformedHash is returned for a stored hash that is not one of ours.
var ErrMalformedHash = errors.New("secret: malformed password hash")

// VerifyPassword reports whether password matches the encoded hash,
// comparing in constant time. A malformed hash never matches.
func VerifyPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrMalformedHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<22 || t > 64 {
		return false, ErrMalformedHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return false, ErrMalformedHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 128 {
		return false, ErrMalformedHash
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when there is no account, so that a sign-in
// with an unknown email takes as long as one with a wrong password.
var dummyHash = fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
	argon2.Version, argonMemory, argonTime, argonThreads,
	b64.EncodeToString(make([]byte, argonSaltLen)), b64.EncodeToString(make([]byte, argonKeyLen)))

// DummyVerify spends the time of one VerifyPassword and always fails.
func DummyVerify(password string) {
	_, _ = VerifyPassword(dummyHash, password)
}

const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// RandomString returns n characters drawn uniformly from [a-zA-Z0-9] with
// crypto/rand: about 5.95 bits each, so 32 characters carry 190 bits.
func RandomString(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/2)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic("secret: crypto/rand failed: " + err.Error()) // never on supported platforms
		}
		for _, c := range buf {
			// 248 = 4*62: rejecting the top values keeps the choice uniform.
			if c < 248 && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// Hash returns the hex SHA-256 of a token: what is stored and looked up.
func Hash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// SessionPrefix starts every session token, so a leaked one is recognisable
// (secret scanners) and cannot be mistaken for an API key.
const SessionPrefix = "vds_"

// NewSessionToken returns a new session token: "vds_" and 43 random characters.
func NewSessionToken() string { return SessionPrefix + RandomString(43) }

// APIKeyPrefix starts every API key.
const APIKeyPrefix = "vdk_live_"

// NewAPIKey returns a new API key "vdk_live_<8>_<32>" and its visible
// prefix "vdk_live_<8>", which is stored in clear so people can tell keys
// apart; the 32 characters after it are the secret.
func NewAPIKey() (key, prefix string) {
	prefix = APIKeyPrefix + RandomString(8)
	return prefix + "_" + RandomString(32), prefix
}

// APIKeyPrefixOf returns the visible prefix of a key in the API key format,
// or "" when key is not one.
func APIKeyPrefixOf(key string) string {
	if !strings.HasPrefix(key, APIKeyPrefix) || len(key) != len(APIKeyPrefix)+8+1+32 || key[len(APIKeyPrefix)+8] != '_' {
		return ""
	}
	return key[:len(APIKeyPrefix)+8]
}
