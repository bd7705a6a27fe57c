package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/secret"
)

// Developer API keys act with the admin role: they are issued by operators
// to a developer's own server, which manages the developer's integration
// (webhooks, cancellation requests) on its behalf.
const developerKeyRole = vocdesk.RoleAdmin

// CreateAPIKey stores a new key and returns its secret, shown once.
// Operators (the CLI acts as the system operator) make keys of either realm;
// a developer's signed-in owners and admins make developer keys of their
// own developer. A key never makes keys: one that leaked must not be able
// to outlive its revocation through keys it made.
func (s *AuthService) CreateAPIKey(ctx context.Context, k *vocdesk.APIKey) (string, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return "", err
	}
	if a.IsDeveloper() {
		if err := ownKeyFor(a, k); err != nil {
			return "", err
		}
	} else if !a.IsOperator() {
		return "", errNotFound
	}
	switch k.Realm {
	case vocdesk.RealmOperator:
		k.DeveloperID, k.DeveloperSlug = 0, ""
	case vocdesk.RealmDeveloper:
		if k.DeveloperSlug == "" && k.DeveloperID == 0 {
			return "", vocdesk.Errorf(vocdesk.EINVALID, "developer is required for a developer key")
		}
	default:
		return "", vocdesk.Errorf(vocdesk.EINVALID, "realm must be operator or developer")
	}
	if len(k.Name) > 200 {
		return "", vocdesk.Errorf(vocdesk.EINVALID, "name is at most 200 characters")
	}
	// The secret is made before the write lock is taken; it is only
	// returned if the transaction commits.
	key, prefix := secret.NewAPIKey()
	err = s.db.inWrite(ctx, func(tx *Tx) error {
		var (
			dev any
			err error
		)
		if k.Realm == vocdesk.RealmDeveloper {
			named := k.DeveloperSlug
			if k.DeveloperSlug != "" && !a.IsDeveloper() {
				err = tx.queryRow(ctx, `SELECT id, slug FROM developers WHERE slug = $1`, k.DeveloperSlug).Scan(&k.DeveloperID, &k.DeveloperSlug)
			} else {
				err = tx.queryRow(ctx, `SELECT id, slug FROM developers WHERE id = $1`, k.DeveloperID).Scan(&k.DeveloperID, &k.DeveloperSlug)
			}
			if err == nil && named != "" && named != k.DeveloperSlug {
				// A member naming another developer: as unknown as a slug
				// that does not exist.
				k.DeveloperSlug, err = named, sql.ErrNoRows
			}
			if errors.Is(err, sql.ErrNoRows) {
				return vocdesk.Errorf(vocdesk.EINVALID, "unknown developer %q", k.DeveloperSlug)
			} else if err != nil {
				return fmt.Errorf("sqlstore: create api key: %w", err)
			}
			dev = k.DeveloperID
		}
		k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt = prefix, tx.now, nil, nil
		err = tx.queryRow(ctx, `INSERT INTO api_keys (realm, developer_id, name, prefix, secret_hash, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			string(k.Realm), dev, k.Name, prefix, secret.Hash(key), micros(tx.now)).Scan(&k.ID)
		if err != nil {
			return conflictOr(err, "create api key", "key prefix collision; try again")
		}
		return tx.audit(ctx, a, change{action: "api_key.created", entity: "api_key", entityID: k.ID, developerID: k.DeveloperID, after: k})
	})
	if err != nil {
		return "", err
	}
	return key, nil
}

// ownKeyFor checks a developer member's request for a key: their own
// developer's (a slug naming another answers as an unknown one does), made
// by an owner or admin signed in as a person.
func ownKeyFor(a *vocdesk.Actor, k *vocdesk.APIKey) error {
	if a.KeyID != 0 {
		return vocdesk.Errorf(vocdesk.EFORBIDDEN, "an API key cannot create API keys; an owner or admin creates them in the console")
	}
	if k.Realm != vocdesk.RealmDeveloper {
		return vocdesk.Errorf(vocdesk.EINVALID, "realm must be developer")
	}
	if err := canManage(a, a.DeveloperID, vocdesk.RoleAdmin); err != nil {
		return err
	}
	k.DeveloperID = a.DeveloperID // a slug, if any, is checked against it
	return nil
}

// ActorForAPIKey resolves a key's secret to the actor it acts as.
func (s *AuthService) ActorForAPIKey(ctx context.Context, key string) (*vocdesk.Actor, error) {
	unauthorized := vocdesk.Errorf(vocdesk.EUNAUTHORIZED, "unknown or revoked API key")
	prefix := secret.APIKeyPrefixOf(key)
	if prefix == "" {
		return nil, unauthorized
	}
	var id int64
	var realm, name string
	var dev sql.NullInt64
	var devSlug sql.NullString
	var lastUsed, revoked sql.NullInt64
	err := s.db.readRow(ctx, `SELECT k.id, k.realm, k.developer_id, d.slug, k.name, k.last_used_at, k.revoked_at
		FROM api_keys k LEFT JOIN developers d ON d.id = k.developer_id
		WHERE k.secret_hash = $1 AND k.prefix = $2`, []any{secret.Hash(key), prefix}, func(r *sql.Row) error {
		return r.Scan(&id, &realm, &dev, &devSlug, &name, &lastUsed, &revoked)
	})
	if errors.Is(err, sql.ErrNoRows) || (err == nil && revoked.Valid) {
		return nil, unauthorized
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: api key: %w", err)
	}
	now := s.db.now()
	if !lastUsed.Valid || now.Sub(fromMicros(lastUsed.Int64)) >= keyUseGranularity {
		if err := s.db.writeKeyUses(ctx, s.db.keyUses.use(id, now)); err != nil {
			return nil, err
		}
	}
	if name == "" {
		name = "API key " + prefix
	}
	a := &vocdesk.Actor{Realm: vocdesk.Realm(realm), KeyID: id, Name: name}
	if a.Realm == vocdesk.RealmDeveloper {
		a.DeveloperID, a.Role = dev.Int64, developerKeyRole
	}
	return a, nil
}

// FindAPIKeys lists the keys the actor may see: all for operators, a
// developer's own for its members, none for customers.
func (s *AuthService) FindAPIKeys(ctx context.Context) ([]*vocdesk.APIKey, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var c conds
	switch {
	case a.IsOperator():
	case a.IsDeveloper():
		c.add("k.developer_id = ?", a.DeveloperID)
	default:
		return []*vocdesk.APIKey{}, nil
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT k.id, k.realm, k.developer_id, d.slug, k.name, k.prefix, k.created_at, k.last_used_at, k.revoked_at
		FROM api_keys k LEFT JOIN developers d ON d.id = k.developer_id`+c.where()+` ORDER BY k.id`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find api keys: %w", err)
	}
	defer rows.Close()
	list := []*vocdesk.APIKey{}
	for rows.Next() {
		var k vocdesk.APIKey
		var realm string
		var dev, lastUsed, revoked sql.NullInt64
		var devSlug sql.NullString
		var created int64
		if err := rows.Scan(&k.ID, &realm, &dev, &devSlug, &k.Name, &k.Prefix, &created, &lastUsed, &revoked); err != nil {
			return nil, fmt.Errorf("sqlstore: find api keys: %w", err)
		}
		k.Realm, k.DeveloperID, k.DeveloperSlug = vocdesk.Realm(realm), dev.Int64, devSlug.String
		k.CreatedAt, k.LastUsedAt, k.RevokedAt = fromMicros(created), nullMicros(lastUsed), nullMicros(revoked)
		list = append(list, &k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find api keys: %w", err)
	}
	return list, nil
}

// RevokeAPIKey revokes a key: operators any, a developer's owners and admins
// their own. Revoking twice is not an error.
func (s *AuthService) RevokeAPIKey(ctx context.Context, id int64) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		var dev, revoked sql.NullInt64
		var prefix string
		err := tx.queryRow(ctx, `SELECT developer_id, prefix, revoked_at FROM api_keys WHERE id = $1`, id).Scan(&dev, &prefix, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.NotFound("API key")
		} else if err != nil {
			return fmt.Errorf("sqlstore: revoke api key: %w", err)
		}
		if !a.IsOperator() && !dev.Valid {
			return vocdesk.NotFound("API key") // an operator key is beyond any developer
		}
		if err := canManage(a, dev.Int64, vocdesk.RoleAdmin); err != nil {
			if err == errNotFound {
				return vocdesk.NotFound("API key")
			}
			return err
		}
		if revoked.Valid {
			return nil
		}
		if _, err := tx.exec(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE id = $2`, micros(tx.now), id); err != nil {
			return fmt.Errorf("sqlstore: revoke api key: %w", err)
		}
		type keyState struct {
			Prefix    string `json:"prefix"`
			RevokedAt *int64 `json:"revoked_at"`
		}
		at := micros(tx.now)
		return tx.audit(ctx, a, change{action: "api_key.revoked", entity: "api_key", entityID: id, developerID: dev.Int64,
			before: keyState{Prefix: prefix}, after: keyState{Prefix: prefix, RevokedAt: &at}})
	})
}
