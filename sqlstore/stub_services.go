package sqlstore

import (
	"context"
	"time"

	"github.com/vocdesk/vocdesk"
)

// This file holds the services until their real implementations land; the
// constructors and types are the API other packages code against.

func notYet() error { return vocdesk.Errorf(vocdesk.EINTERNAL, "not implemented yet") }

// DeveloperService implements vocdesk.DeveloperService.
type DeveloperService struct{ db *DB }

// NewDeveloperService returns the developer service on db.
func NewDeveloperService(db *DB) vocdesk.DeveloperService { return &DeveloperService{db: db} }

func (s *DeveloperService) CreateDeveloper(ctx context.Context, d *vocdesk.Developer) error {
	return notYet()
}
func (s *DeveloperService) FindDeveloperBySlug(ctx context.Context, slug string) (*vocdesk.Developer, error) {
	return nil, notYet()
}
func (s *DeveloperService) FindDevelopers(ctx context.Context) ([]*vocdesk.Developer, error) {
	return nil, notYet()
}
func (s *DeveloperService) CreateApp(ctx context.Context, a *vocdesk.App) error { return notYet() }
func (s *DeveloperService) FindApps(ctx context.Context, f vocdesk.AppFilter) ([]*vocdesk.App, error) {
	return nil, notYet()
}
func (s *DeveloperService) CreateItem(ctx context.Context, it *vocdesk.Item) error { return notYet() }
func (s *DeveloperService) CreateMember(ctx context.Context, developerSlug string, m *vocdesk.Member, password string) error {
	return notYet()
}
func (s *DeveloperService) FindMembers(ctx context.Context, developerSlug string) ([]*vocdesk.Member, error) {
	return nil, notYet()
}
func (s *DeveloperService) CreateOperator(ctx context.Context, o *vocdesk.Operator, password string) error {
	return notYet()
}

// CustomerService implements vocdesk.CustomerService.
type CustomerService struct{ db *DB }

// NewCustomerService returns the customer service on db.
func NewCustomerService(db *DB) vocdesk.CustomerService { return &CustomerService{db: db} }

func (s *CustomerService) CreateCustomer(ctx context.Context, c *vocdesk.Customer, password string) error {
	return notYet()
}
func (s *CustomerService) FindCustomerByID(ctx context.Context, id int64) (*vocdesk.Customer, error) {
	return nil, notYet()
}

// PurchaseService implements vocdesk.PurchaseService.
type PurchaseService struct{ db *DB }

// NewPurchaseService returns the purchase ledger on db.
func NewPurchaseService(db *DB) vocdesk.PurchaseService { return &PurchaseService{db: db} }

func (s *PurchaseService) RecordPurchase(ctx context.Context, p *vocdesk.Purchase) (bool, error) {
	return false, notYet()
}
func (s *PurchaseService) ImportPurchases(ctx context.Context, batch []*vocdesk.Purchase) ([]error, error) {
	return nil, notYet()
}
func (s *PurchaseService) FindPurchaseByTxID(ctx context.Context, txid string) (*vocdesk.Purchase, error) {
	return nil, notYet()
}
func (s *PurchaseService) FindPurchases(ctx context.Context, f vocdesk.PurchaseFilter) ([]*vocdesk.Purchase, string, error) {
	return nil, "", notYet()
}

// AuthService implements vocdesk.AuthService.
type AuthService struct{ db *DB }

// NewAuthService returns the authentication service on db.
func NewAuthService(db *DB) vocdesk.AuthService { return &AuthService{db: db} }

func (s *AuthService) Authenticate(ctx context.Context, realm vocdesk.Realm, email, password string) (*vocdesk.Actor, error) {
	return nil, notYet()
}
func (s *AuthService) CreateSession(ctx context.Context, a *vocdesk.Actor, ttl time.Duration) (string, *vocdesk.Session, error) {
	return "", nil, notYet()
}
func (s *AuthService) SessionBySecret(ctx context.Context, secret string) (*vocdesk.Session, error) {
	return nil, notYet()
}
func (s *AuthService) DeleteSession(ctx context.Context, secret string) error { return notYet() }
func (s *AuthService) CreateAPIKey(ctx context.Context, k *vocdesk.APIKey) (string, error) {
	return "", notYet()
}
func (s *AuthService) ActorForAPIKey(ctx context.Context, secret string) (*vocdesk.Actor, error) {
	return nil, notYet()
}
func (s *AuthService) FindAPIKeys(ctx context.Context) ([]*vocdesk.APIKey, error) {
	return nil, notYet()
}
func (s *AuthService) RevokeAPIKey(ctx context.Context, id int64) error { return notYet() }
