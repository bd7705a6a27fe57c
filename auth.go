package vocdesk

import (
	"context"
	"time"
)

// APIKey is a long-lived credential for an integration: the store's billing
// system (operator realm) or a developer's server (developer realm). Only a
// hash of the secret is stored; Prefix is the visible start of the secret, so
// people can tell keys apart.
type APIKey struct {
	ID            int64      `json:"id"`
	Realm         Realm      `json:"realm"`
	DeveloperID   int64      `json:"-"`
	DeveloperSlug string     `json:"developer,omitempty"`
	Name          string     `json:"name"`
	Prefix        string     `json:"prefix"`
	CreatedAt     time.Time  `json:"created_at"`
	LastUsedAt    *time.Time `json:"last_used_at,omitempty"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
}

// Session is a signed-in browser or an API token: both are server-side
// records found by the hash of a random secret.
type Session struct {
	ID        int64
	Actor     Actor
	CSRFToken string // for forms; the secret itself never leaves the cookie
	CreatedAt time.Time
	ExpiresAt time.Time
}

// AuthService checks credentials and keeps sessions and API keys.
type AuthService interface {
	// Authenticate checks an email and password in a realm. A wrong email and
	// a wrong password fail alike, with EUNAUTHORIZED.
	Authenticate(ctx context.Context, realm Realm, email, password string) (*Actor, error)
	// CreateSession starts a session (or an API token) for a and returns its
	// secret, shown once.
	CreateSession(ctx context.Context, a *Actor, ttl time.Duration) (secret string, s *Session, err error)
	// SessionBySecret finds a live session; EUNAUTHORIZED when none.
	SessionBySecret(ctx context.Context, secret string) (*Session, error)
	// DeleteSession ends a session (logout).
	DeleteSession(ctx context.Context, secret string) error

	// CreateAPIKey stores a new key and returns its secret, shown once.
	// Operators only, or the system (CLI).
	CreateAPIKey(ctx context.Context, k *APIKey) (secret string, err error)
	// ActorForAPIKey resolves a key's secret; EUNAUTHORIZED when unknown or revoked.
	ActorForAPIKey(ctx context.Context, secret string) (*Actor, error)
	// FindAPIKeys lists the keys the actor may see.
	FindAPIKeys(ctx context.Context) ([]*APIKey, error)
	// RevokeAPIKey revokes a key the actor may see.
	RevokeAPIKey(ctx context.Context, id int64) error
}

// SystemActor is the actor of the CLI and of start-up tasks: an operator with
// no person behind it.
func SystemActor() *Actor { return &Actor{Realm: RealmOperator, Name: "system"} }
