package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// ledger creates the customers and records the purchases. When the newest
// demo purchase is already in the ledger, an earlier run completed (the
// purchases go in as one batch, after every customer), and there is nothing
// to do: a re-run costs no password hashing at all.
func (s *seeder) ledger(ctx context.Context, cs []customer, ps []purchase) error {
	last := ps[len(ps)-1]
	if _, err := s.svc.Purchases.FindPurchaseByTxID(ctx, last.TxID); err == nil {
		s.res.Existing.Customers += len(cs)
		s.res.Existing.Purchases += len(ps)
		s.opts.Logf("%d customers and %d purchases already there", len(cs), len(ps))
		return nil
	} else if vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
		return err
	}

	ids := make([]int64, len(cs))
	err := parallel(ctx, len(cs), s.opts.Workers, func(i int) error {
		c := &vocdesk.Customer{Name: cs[i].Name, Email: cs[i].Email, Phone: cs[i].Phone, Locale: cs[i].Locale}
		err := s.svc.Customers.CreateCustomer(ctx, c, s.opts.Password)
		switch vocdesk.ErrorCode(err) {
		case "":
			ids[i] = c.ID
			s.count(true, func(c *Counts) *int { return &c.Customers })
			return nil
		case vocdesk.ECONFLICT:
			// There from an interrupted run. CustomerService has no lookup
			// by email, and signing in is the one way to learn the id.
			a, err := s.svc.Auth.Authenticate(ctx, vocdesk.RealmCustomer, cs[i].Email, s.opts.Password)
			if err != nil {
				// Someone changed the password: leave that customer's
				// purchases out rather than fail the demo.
				s.opts.Logf("customer %s exists but its demo password no longer works; skipping its purchases", cs[i].Email)
				return nil
			}
			ids[i] = a.CustomerID
			s.count(false, func(c *Counts) *int { return &c.Customers })
			return nil
		}
		return fmt.Errorf("customer %s: %w", cs[i].Email, err)
	})
	if err != nil {
		return fmt.Errorf("customers: %w", err)
	}
	s.opts.Logf("%d customers", len(cs))

	batch := make([]*vocdesk.Purchase, 0, len(ps))
	for _, p := range ps {
		if ids[p.Customer] == 0 {
			continue
		}
		batch = append(batch, &vocdesk.Purchase{
			TxID: p.TxID, TID: p.TID, CustomerID: ids[p.Customer],
			AppSlug: p.App.Slug, ItemSKU: p.Item.SKU,
			Amount: p.Amount, Currency: p.Currency, Method: p.Method, PaidAt: p.PaidAt,
		})
	}
	// One batch, one transaction: either every purchase is in or none, which
	// is what makes the "newest purchase present" check above sound.
	errs, err := s.svc.Purchases.ImportPurchases(ctx, batch)
	if err != nil {
		return fmt.Errorf("purchases: %w", err)
	}
	var rejected []string
	for i, e := range errs {
		if e != nil {
			rejected = append(rejected, fmt.Sprintf("%s: %s", batch[i].TxID, vocdesk.ErrorMessage(e)))
		}
	}
	if len(rejected) > 0 {
		return fmt.Errorf("purchases: %d rejected, first: %s", len(rejected), strings.Join(rejected[:min(3, len(rejected))], "; "))
	}
	s.res.Created.Purchases += len(batch)
	s.opts.Logf("%d purchases", len(batch))
	return nil
}

// insertInquiries is the hook for the desk issue: the inquiries' content is
// generated now, and stored only through a real InquiryService.
func (s *seeder) insertInquiries(ctx context.Context) error {
	if s.opts.InsertInquiries == nil && s.svc.Inquiries != nil && s.svc.Desk != nil {
		if err := s.desk(ctx); err != nil {
			return err
		}
		s.res.InquiriesStored = true
		return nil
	}
	if s.opts.InsertInquiries == nil {
		s.opts.Logf("%d inquiries generated; not stored (no InquiryService yet)", len(s.res.Inquiries))
		return nil
	}
	if err := s.opts.InsertInquiries(ctx, s.res.Inquiries); err != nil {
		return err
	}
	s.res.InquiriesStored = true
	return nil
}

// apiKeyName names the demo's operator key; each run revokes the previous
// one, since a key's secret is shown only once and cannot be printed again.
const apiKeyName = "demo"

func (s *seeder) apiKey(ctx context.Context) error {
	keys, err := s.svc.Auth.FindAPIKeys(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, k := range keys {
		if k.Name == apiKeyName && k.Realm == vocdesk.RealmOperator && k.RevokedAt == nil {
			errs = append(errs, s.svc.Auth.RevokeAPIKey(ctx, k.ID))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	s.res.APIKey, err = s.svc.Auth.CreateAPIKey(ctx, &vocdesk.APIKey{Realm: vocdesk.RealmOperator, Name: apiKeyName})
	return err
}

func (s *seeder) logins(cs []customer) []Login {
	var ls []Login
	for _, c := range cs[:2] {
		ls = append(ls, Login{Realm: vocdesk.RealmCustomer, Name: c.Name, Email: c.Email, Password: s.opts.Password, Path: "/login"})
	}
	for i := range studios {
		st := &studios[i]
		for j, role := range roles {
			ls = append(ls, Login{Realm: vocdesk.RealmDeveloper, Role: role, Developer: st.Slug, Name: st.Members[j].Name,
				Email: memberEmail(st, role), Password: s.opts.Password, Path: "/developer/login"})
		}
	}
	return append(ls, Login{Realm: vocdesk.RealmOperator, Name: operatorLogin.Name, Email: operatorLogin.Email, Password: s.opts.Password, Path: "/operator/login"})
}
