package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vocdesk/vocdesk"
)

// CustomerService implements vocdesk.CustomerService.
type CustomerService struct{ db *DB }

// NewCustomerService returns the customer service on db.
func NewCustomerService(db *DB) vocdesk.CustomerService { return &CustomerService{db: db} }

// CreateCustomer registers a store account. Operators only.
func (s *CustomerService) CreateCustomer(ctx context.Context, c *vocdesk.Customer, password string) error {
	a, err := operatorFrom(ctx)
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Locale != "" && c.Locale != "ko" && c.Locale != "en" {
		return vocdesk.Errorf(vocdesk.EINVALID, "locale must be ko or en")
	}
	hash, err := hashOptional(password) // before the write lock: argon2 is slow
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `INSERT INTO customers (email, email_key, name, phone, locale, password_hash, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			c.Email, emailKey(c.Email), c.Name, c.Phone, c.Locale, hash, micros(tx.now)).Scan(&c.ID)
		if err != nil {
			return conflictOr(err, "create customer", "a customer with email %s already exists", c.Email)
		}
		c.CreatedAt = tx.now
		return tx.audit(ctx, a, change{action: "customer.created", entity: "customer", entityID: c.ID, after: c})
	})
}

// FindCustomerByID returns a customer the actor may see; developer viewers
// get the contacts masked.
func (s *CustomerService) FindCustomerByID(ctx context.Context, id int64) (*vocdesk.Customer, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var cs conds
	cs.add("c.id = ?", id)
	scopeCustomers(&cs, a)
	// One statement: on PostgreSQL outside a transaction, without the
	// BEGIN and ROLLBACK round trips (the any-id search looks up the
	// customer of every page, bench/ledger part d).
	tx, err := s.db.beginReadOne(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var c vocdesk.Customer
	var created int64
	err = tx.queryRow(ctx, `SELECT c.id, c.email, c.name, c.phone, c.locale, c.created_at FROM customers c`+cs.where(), cs.args...).
		Scan(&c.ID, &c.Email, &c.Name, &c.Phone, &c.Locale, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("customer")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: find customer: %w", err)
	}
	c.CreatedAt = fromMicros(created)
	if masksContacts(a) {
		return c.Masked(), nil
	}
	return &c, nil
}
