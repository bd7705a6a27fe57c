package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/secret"
)

// AuthService implements vocdesk.AuthService.
type AuthService struct{ db *DB }

// NewAuthService returns the authentication service on db.
func NewAuthService(db *DB) vocdesk.AuthService { return &AuthService{db: db} }

const defaultSessionTTL = 24 * time.Hour

// keyUseGranularity is how stale an API key's last_used_at may get: writing
// it on every request would make each read a write. Uses are written
// together, at most once per this long (keyUses).
const keyUseGranularity = time.Minute

var errBadCredentials = vocdesk.Errorf(vocdesk.EUNAUTHORIZED, "wrong email or password")

// Authenticate checks an email and password in a realm. Unknown emails, and
// accounts with no password, spend the time of a real check, so timing does
// not tell which addresses have accounts.
func (s *AuthService) Authenticate(ctx context.Context, realm vocdesk.Realm, email, password string) (*vocdesk.Actor, error) {
	var q string
	switch realm {
	case vocdesk.RealmCustomer:
		q = `SELECT id, 0, 0, '', name, email, password_hash FROM customers WHERE email_key = $1`
	case vocdesk.RealmDeveloper:
		return s.authenticateMember(ctx, email, password)
	case vocdesk.RealmOperator:
		q = `SELECT 0, 0, id, '', name, email, password_hash FROM operators WHERE email_key = $1`
	default:
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "realm must be customer, developer or operator")
	}
	a := vocdesk.Actor{Realm: realm}
	var id, devID, personID int64
	var role string
	var hash sql.NullString
	err := s.db.readRow(ctx, q, []any{emailKey(email)}, func(r *sql.Row) error {
		return r.Scan(&id, &devID, &personID, &role, &a.Name, &a.Email, &hash)
	})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlstore: authenticate: %w", err)
	}
	if err != nil || !hash.Valid {
		secret.DummyVerify(password)
		return nil, errBadCredentials
	}
	ok, err := secret.VerifyPassword(hash.String, password)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: authenticate: %w", err)
	}
	if !ok {
		return nil, errBadCredentials
	}
	switch realm {
	case vocdesk.RealmCustomer:
		a.CustomerID = id
	case vocdesk.RealmOperator:
		a.OperatorID = personID
	}
	return &a, nil
}

// CreateSession starts a session for a, typically just after Authenticate,
// and returns its secret. Only the secret's hash is stored.
func (s *AuthService) CreateSession(ctx context.Context, a *vocdesk.Actor, ttl time.Duration) (string, *vocdesk.Session, error) {
	if a == nil || !(a.IsCustomer() || a.IsDeveloper() || a.IsOperator()) {
		return "", nil, vocdesk.Errorf(vocdesk.EINVALID, "a session needs a customer, developer or operator")
	}
	if ttl <= 0 {
		ttl = defaultSessionTTL
	}
	token := secret.NewSessionToken()
	sess := &vocdesk.Session{Actor: *a, CSRFToken: secret.RandomString(32)}
	err := s.db.inWrite(ctx, func(tx *Tx) error {
		// Expired sessions are cleared as new ones start: cheap on the expires_at
		// index, and no background job is needed.
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires_at < $1`, micros(tx.now)); err != nil {
			return fmt.Errorf("sqlstore: create session: %w", err)
		}
		sess.CreatedAt, sess.ExpiresAt = tx.now, tx.now.Add(ttl)
		err := tx.queryRow(ctx, `INSERT INTO sessions
			(secret_hash, realm, customer_id, developer_id, member_id, operator_id, role, name, email, csrf_token, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			secret.Hash(token), string(a.Realm), nullID(a.CustomerID), nullID(a.DeveloperID), nullID(a.MemberID), nullID(a.OperatorID),
			string(a.Role), a.Name, a.Email, sess.CSRFToken, micros(sess.CreatedAt), micros(sess.ExpiresAt)).Scan(&sess.ID)
		if err != nil {
			return fmt.Errorf("sqlstore: create session: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// SessionBySecret finds a live session. A member's role is read from the
// members table, not the session, so a demotion takes effect at once.
func (s *AuthService) SessionBySecret(ctx context.Context, token string) (*vocdesk.Session, error) {
	var sess vocdesk.Session
	var realm, role string
	var memberRole sql.NullString
	var cust, dev, member, op sql.NullInt64
	var created, expires int64
	err := s.db.readRow(ctx, `SELECT s.id, s.realm, s.customer_id, s.developer_id, s.member_id, s.operator_id,
		s.role, m.role, s.name, s.email, s.csrf_token, s.created_at, s.expires_at
		FROM sessions s LEFT JOIN members m ON m.id = s.member_id
		WHERE s.secret_hash = $1 AND s.expires_at > $2`, []any{secret.Hash(token), micros(s.db.now())}, func(r *sql.Row) error {
		return r.Scan(&sess.ID, &realm, &cust, &dev, &member, &op, &role, &memberRole, &sess.Actor.Name, &sess.Actor.Email,
			&sess.CSRFToken, &created, &expires)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.Errorf(vocdesk.EUNAUTHORIZED, "session expired or unknown; sign in again")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: session: %w", err)
	}
	sess.Actor.Realm = vocdesk.Realm(realm)
	sess.Actor.CustomerID, sess.Actor.DeveloperID = cust.Int64, dev.Int64
	sess.Actor.MemberID, sess.Actor.OperatorID = member.Int64, op.Int64
	sess.Actor.Role = vocdesk.Role(role)
	if memberRole.Valid {
		sess.Actor.Role = vocdesk.Role(memberRole.String)
	}
	sess.CreatedAt, sess.ExpiresAt = fromMicros(created), fromMicros(expires)
	return &sess, nil
}

// DeleteSession ends a session; an unknown secret is not an error.
func (s *AuthService) DeleteSession(ctx context.Context, token string) error {
	return s.db.inWrite(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE secret_hash = $1`, secret.Hash(token)); err != nil {
			return fmt.Errorf("sqlstore: delete session: %w", err)
		}
		return nil
	})
}

// maxMemberships bounds the memberships one email's sign-in checks: each
// costs a password hash.
const maxMemberships = 8

// authenticateMember signs a member in. One email may be a member of
// several developers (migration 00060), each membership with its own
// password: the password picks the membership, the oldest first when two
// share one.
func (s *AuthService) authenticateMember(ctx context.Context, email, password string) (*vocdesk.Actor, error) {
	type membership struct {
		a    vocdesk.Actor
		hash sql.NullString
	}
	var ms []membership
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT developer_id, id, role, name, email, password_hash FROM members
		WHERE login_key = $1 ORDER BY id LIMIT $2`, emailKey(email), maxMemberships)
	if err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("sqlstore: authenticate: %w", err)
	}
	for rows.Next() {
		m := membership{a: vocdesk.Actor{Realm: vocdesk.RealmDeveloper}}
		var role string
		if err := rows.Scan(&m.a.DeveloperID, &m.a.MemberID, &role, &m.a.Name, &m.a.Email, &m.hash); err != nil {
			rows.Close()
			tx.Rollback()
			return nil, fmt.Errorf("sqlstore: authenticate: %w", err)
		}
		m.a.Role = vocdesk.Role(role)
		ms = append(ms, m)
	}
	err = rows.Err()
	rows.Close()
	tx.Rollback()
	if err != nil {
		return nil, fmt.Errorf("sqlstore: authenticate: %w", err)
	}
	checked := false
	for _, m := range ms {
		if !m.hash.Valid {
			continue
		}
		checked = true
		ok, err := secret.VerifyPassword(m.hash.String, password)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: authenticate: %w", err)
		}
		if ok {
			return &m.a, nil
		}
	}
	if !checked {
		secret.DummyVerify(password)
	}
	return nil, errBadCredentials
}
