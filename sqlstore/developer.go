package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/secret"
)

// DeveloperService implements vocdesk.DeveloperService.
type DeveloperService struct{ db *DB }

// NewDeveloperService returns the developer service on db.
func NewDeveloperService(db *DB) vocdesk.DeveloperService { return &DeveloperService{db: db} }

// CreateDeveloper registers a seller organisation. Operators only.
func (s *DeveloperService) CreateDeveloper(ctx context.Context, d *vocdesk.Developer) error {
	a, err := operatorFrom(ctx)
	if err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `INSERT INTO developers (slug, name, email, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			d.Slug, d.Name, d.Email, micros(tx.now)).Scan(&d.ID)
		if err != nil {
			return conflictOr(err, "create developer", "developer %q already exists", d.Slug)
		}
		d.CreatedAt = tx.now
		return tx.audit(ctx, a, change{action: "developer.created", entity: "developer", entityID: d.ID, developerID: d.ID, after: d})
	})
}

// FindDeveloperBySlug returns a developer the actor may see.
func (s *DeveloperService) FindDeveloperBySlug(ctx context.Context, slug string) (*vocdesk.Developer, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var c conds
	scopeDevelopers(&c, a, "d")
	c.add("d.slug = ?", slug)
	list, err := s.findDevelopers(ctx, &c)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, vocdesk.NotFound("developer")
	}
	return list[0], nil
}

// FindDevelopers lists the developers the actor may see, by slug.
func (s *DeveloperService) FindDevelopers(ctx context.Context) ([]*vocdesk.Developer, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var c conds
	scopeDevelopers(&c, a, "d")
	return s.findDevelopers(ctx, &c)
}

func (s *DeveloperService) findDevelopers(ctx context.Context, c *conds) ([]*vocdesk.Developer, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT d.id, d.slug, d.name, d.email, d.created_at FROM developers d`+c.where()+` ORDER BY d.slug`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find developers: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.Developer
	for rows.Next() {
		var d vocdesk.Developer
		var created int64
		if err := rows.Scan(&d.ID, &d.Slug, &d.Name, &d.Email, &created); err != nil {
			return nil, fmt.Errorf("sqlstore: find developers: %w", err)
		}
		d.CreatedAt = fromMicros(created)
		list = append(list, &d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find developers: %w", err)
	}
	return list, nil
}

// developerBySlug resolves a developer inside a transaction, unscoped: the
// caller has already decided the actor may act on it.
func (tx *Tx) developerBySlug(ctx context.Context, slug string) (*vocdesk.Developer, error) {
	var d vocdesk.Developer
	var created int64
	err := tx.queryRow(ctx, `SELECT id, slug, name, email, created_at FROM developers WHERE slug = $1`, slug).
		Scan(&d.ID, &d.Slug, &d.Name, &d.Email, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("developer")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: developer by slug: %w", err)
	}
	d.CreatedAt = fromMicros(created)
	return &d, nil
}

// CreateApp registers an app for a developer. Operators only.
func (s *DeveloperService) CreateApp(ctx context.Context, app *vocdesk.App) error {
	a, err := operatorFrom(ctx)
	if err != nil {
		return err
	}
	if err := app.Validate(); err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		var (
			slug string
			err  error
		)
		if app.DeveloperSlug != "" {
			err = tx.queryRow(ctx, `SELECT id, slug FROM developers WHERE slug = $1`, app.DeveloperSlug).Scan(&app.DeveloperID, &slug)
		} else {
			err = tx.queryRow(ctx, `SELECT id, slug FROM developers WHERE id = $1`, app.DeveloperID).Scan(&app.DeveloperID, &slug)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.Errorf(vocdesk.EINVALID, "unknown developer %q", app.DeveloperSlug)
		} else if err != nil {
			return fmt.Errorf("sqlstore: create app: %w", err)
		}
		app.DeveloperSlug = slug
		err = tx.queryRow(ctx, `INSERT INTO apps (developer_id, slug, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			app.DeveloperID, app.Slug, app.Name, micros(tx.now)).Scan(&app.ID)
		if err != nil {
			return conflictOr(err, "create app", "app %q already exists", app.Slug)
		}
		app.CreatedAt = tx.now
		return tx.audit(ctx, a, change{action: "app.created", entity: "app", entityID: app.ID, developerID: app.DeveloperID, after: app})
	})
}

// FindApps lists the apps the actor may see, by slug.
func (s *DeveloperService) FindApps(ctx context.Context, f vocdesk.AppFilter) ([]*vocdesk.App, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var c conds
	scopeApps(&c, a, "a")
	if f.DeveloperSlug != "" {
		c.add("d.slug = ?", f.DeveloperSlug)
	}
	if f.Slug != "" {
		c.add("a.slug = ?", f.Slug)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT a.id, a.developer_id, d.slug, a.slug, a.name, a.created_at
		FROM apps a JOIN developers d ON d.id = a.developer_id`+c.where()+` ORDER BY a.slug LIMIT `+c.next(limit), c.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find apps: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.App
	for rows.Next() {
		var app vocdesk.App
		var created int64
		if err := rows.Scan(&app.ID, &app.DeveloperID, &app.DeveloperSlug, &app.Slug, &app.Name, &created); err != nil {
			return nil, fmt.Errorf("sqlstore: find apps: %w", err)
		}
		app.CreatedAt = fromMicros(created)
		list = append(list, &app)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find apps: %w", err)
	}
	return list, nil
}

// CreateItem registers an item of an app, or updates its name and list
// price when the SKU exists. Operators only.
func (s *DeveloperService) CreateItem(ctx context.Context, it *vocdesk.Item) error {
	a, err := operatorFrom(ctx)
	if err != nil {
		return err
	}
	switch {
	case it.AppSlug == "" && it.AppID == 0:
		return vocdesk.Errorf(vocdesk.EINVALID, "app is required")
	case len(it.SKU) > 128:
		return vocdesk.Errorf(vocdesk.EINVALID, "sku is at most 128 characters")
	case strings.TrimSpace(it.Name) == "":
		return vocdesk.Errorf(vocdesk.EINVALID, "name is required")
	}
	var price, currency any
	if it.Price != nil {
		if _, ok := vocdesk.CurrencyExponent(it.Price.Currency); !ok {
			return vocdesk.Errorf(vocdesk.EINVALID, "unknown currency %q", it.Price.Currency)
		}
		if it.Price.Amount < 0 {
			return vocdesk.Errorf(vocdesk.EINVALID, "price must not be negative")
		}
		price, currency = it.Price.Amount, it.Price.Currency
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		var (
			devID int64
			err   error
		)
		if it.AppSlug != "" {
			err = tx.queryRow(ctx, `SELECT id, slug, developer_id FROM apps WHERE slug = $1`, it.AppSlug).Scan(&it.AppID, &it.AppSlug, &devID)
		} else {
			err = tx.queryRow(ctx, `SELECT id, slug, developer_id FROM apps WHERE id = $1`, it.AppID).Scan(&it.AppID, &it.AppSlug, &devID)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return vocdesk.Errorf(vocdesk.EINVALID, "unknown app %q", it.AppSlug)
		} else if err != nil {
			return fmt.Errorf("sqlstore: create item: %w", err)
		}

		before, err := tx.itemBySKU(ctx, it.AppID, it.SKU)
		if err != nil && vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
			return err
		}
		action := "item.created"
		if before != nil {
			action = "item.updated"
			before.AppSlug = it.AppSlug
			it.ID, it.CreatedAt = before.ID, before.CreatedAt
			_, err = tx.exec(ctx, `UPDATE items SET name = $1, price_amount = $2, price_currency = $3 WHERE id = $4`,
				it.Name, price, currency, it.ID)
		} else {
			it.CreatedAt = tx.now
			err = tx.queryRow(ctx, `INSERT INTO items (app_id, sku, name, price_amount, price_currency, created_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
				it.AppID, it.SKU, it.Name, price, currency, micros(tx.now)).Scan(&it.ID)
		}
		if err != nil {
			return conflictOr(err, "create item", "item %q of app %q already exists", it.SKU, it.AppSlug)
		}
		var b any
		if before != nil {
			b = before
		}
		return tx.audit(ctx, a, change{action: action, entity: "item", entityID: it.ID, developerID: devID, before: b, after: it})
	})
}

// itemBySKU reads an item, or ENOTFOUND.
func (tx *Tx) itemBySKU(ctx context.Context, appID int64, sku string) (*vocdesk.Item, error) {
	var it vocdesk.Item
	var amount sql.NullInt64
	var currency sql.NullString
	var created int64
	err := tx.queryRow(ctx, `SELECT id, app_id, sku, name, price_amount, price_currency, created_at FROM items WHERE app_id = $1 AND sku = $2`,
		appID, sku).Scan(&it.ID, &it.AppID, &it.SKU, &it.Name, &amount, &currency, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("item")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: item: %w", err)
	}
	if amount.Valid {
		it.Price = &vocdesk.Money{Amount: amount.Int64, Currency: currency.String}
	}
	it.CreatedAt = fromMicros(created)
	return &it, nil
}

// CreateMember adds a person to a developer organisation: operators, or the
// developer's own owners and admins. Only an owner (or an operator) may make
// another owner, so an admin cannot raise anyone above themself.
func (s *DeveloperService) CreateMember(ctx context.Context, developerSlug string, m *vocdesk.Member, password string) error {
	a, err := actorFrom(ctx)
	if err != nil {
		return err
	}
	switch {
	case !vocdesk.ValidEmail(m.Email):
		return vocdesk.Errorf(vocdesk.EINVALID, "email is not a valid address").Because("member_email")
	case strings.TrimSpace(m.Name) == "":
		return vocdesk.Errorf(vocdesk.EINVALID, "name is required").Because("member_name")
	case !m.Role.Valid():
		return vocdesk.Errorf(vocdesk.EINVALID, "role must be one of owner, admin, agent, viewer").Because("member_role")
	}
	if !a.IsOperator() && !a.IsDeveloper() {
		return errNotFound
	}
	// Hash before the transaction: argon2 takes tens of milliseconds, and on
	// SQLite the write lock would be held all that time.
	hash, err := hashOptional(password)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		dev, err := tx.developerBySlug(ctx, developerSlug)
		if err != nil {
			return err
		}
		min := vocdesk.RoleAdmin
		if m.Role == vocdesk.RoleOwner {
			min = vocdesk.RoleOwner
		}
		if err := canManage(a, dev.ID, min); err != nil {
			if err == errNotFound {
				return vocdesk.NotFound("developer")
			}
			return err
		}
		m.DeveloperID = dev.ID
		// email_key is unique per developer (migration 00060): the conflict
		// below can only be with this developer's own member, so it tells
		// nothing about other organisations.
		err = tx.queryRow(ctx, `INSERT INTO members (developer_id, email, email_key, login_key, name, role, password_hash, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			dev.ID, m.Email, memberKey(dev.ID, m.Email), emailKey(m.Email), m.Name, string(m.Role), hash, micros(tx.now)).Scan(&m.ID)
		if err != nil {
			return because(conflictOr(err, "create member", "this developer already has a member with email %s", m.Email), "member_taken", m.Email)
		}
		m.CreatedAt = tx.now
		return tx.audit(ctx, a, change{action: "member.created", entity: "member", entityID: m.ID, developerID: dev.ID, after: m})
	})
}

// FindMembers lists the members of a developer the actor may see.
func (s *DeveloperService) FindMembers(ctx context.Context, developerSlug string) ([]*vocdesk.Member, error) {
	a, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var c conds
	scopeDevelopers(&c, a, "d")
	c.add("d.slug = ?", developerSlug)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var devID int64
	err = tx.queryRow(ctx, `SELECT d.id FROM developers d`+c.where(), c.args...).Scan(&devID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vocdesk.NotFound("developer")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: find members: %w", err)
	}
	rows, err := tx.query(ctx, `SELECT id, developer_id, email, name, role, created_at FROM members WHERE developer_id = $1 ORDER BY login_key`, devID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find members: %w", err)
	}
	defer rows.Close()
	var list []*vocdesk.Member
	for rows.Next() {
		var m vocdesk.Member
		var role string
		var created int64
		if err := rows.Scan(&m.ID, &m.DeveloperID, &m.Email, &m.Name, &role, &created); err != nil {
			return nil, fmt.Errorf("sqlstore: find members: %w", err)
		}
		m.Role, m.CreatedAt = vocdesk.Role(role), fromMicros(created)
		list = append(list, &m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find members: %w", err)
	}
	return list, nil
}

// CreateOperator adds a store operator. Operators only (and the CLI, which
// acts as the system).
func (s *DeveloperService) CreateOperator(ctx context.Context, o *vocdesk.Operator, password string) error {
	a, err := operatorFrom(ctx)
	if err != nil {
		return err
	}
	switch {
	case !vocdesk.ValidEmail(o.Email):
		return vocdesk.Errorf(vocdesk.EINVALID, "email is not a valid address")
	case strings.TrimSpace(o.Name) == "":
		return vocdesk.Errorf(vocdesk.EINVALID, "name is required")
	}
	hash, err := hashOptional(password)
	if err != nil {
		return err
	}
	return s.db.inWrite(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `INSERT INTO operators (email, email_key, name, password_hash, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			o.Email, emailKey(o.Email), o.Name, hash, micros(tx.now)).Scan(&o.ID)
		if err != nil {
			return conflictOr(err, "create operator", "an operator with email %s already exists", o.Email)
		}
		o.CreatedAt = tx.now
		return tx.audit(ctx, a, change{action: "operator.created", entity: "operator", entityID: o.ID, after: o})
	})
}

// emailKey is the form of an address that uniqueness and sign-in compare:
// lower-cased here in Go, so both engines agree (SQLite's lower() knows only
// ASCII).
func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// memberKey is a member's uniqueness key: unique per developer, so the same
// person may be a member of two developers.
func memberKey(developerID int64, email string) string {
	return strconv.FormatInt(developerID, 10) + " " + emailKey(email)
}

// hashOptional hashes a password; an empty one is stored as NULL, an
// account that cannot sign in until a password is set.
func hashOptional(password string) (any, error) {
	if password == "" {
		return nil, nil
	}
	if len(password) < 8 || len(password) > 1024 {
		return nil, vocdesk.Errorf(vocdesk.EINVALID, "password must be 8 to 1024 characters")
	}
	h, err := secret.HashPassword(password)
	if err != nil {
		return nil, err
	}
	return h, nil
}
