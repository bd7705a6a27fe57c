package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/demo"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

func services(db *sqlstore.DB) vocdesk.Services {
	return vocdesk.Services{
		Developers: sqlstore.NewDeveloperService(db),
		Customers:  sqlstore.NewCustomerService(db),
		Purchases:  sqlstore.NewPurchaseService(db),
		Auth:       sqlstore.NewAuthService(db),
		Imports:    sqlstore.NewImportLog(db),
	}
}

// TestSeedIsIdempotent runs the demo twice on each engine: the second run
// creates nothing, the logins work, and the tenancy rules hold for the data.
// Both engines get a smaller demo than the default: hashing 200 passwords is
// most of the test's time under -race, and the size is only a parameter; the
// default sizes themselves are checked by TestDefaultSizes.
func TestSeedIsIdempotent(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		svc := services(db)
		opts := demo.Options{Customers: 30, Purchases: 300}
		wantCustomers, wantPurchases := 30, 300
		first, err := demo.Seed(ctx, svc, opts)
		if err != nil {
			t.Fatal(err)
		}
		if c := first.Created; c.Developers < 3 || c.Apps != 10 || c.Members != 16 || c.Customers != wantCustomers || c.Purchases != wantPurchases {
			t.Errorf("first run created %+v", c)
		}
		if len(first.Inquiries) != 100 || first.InquiriesStored {
			t.Errorf("%d inquiries, stored %v", len(first.Inquiries), first.InquiriesStored)
		}

		second, err := demo.Seed(ctx, svc, opts)
		if err != nil {
			t.Fatal(err)
		}
		if c := second.Created; c.Developers+c.Apps+c.Members+c.Customers+c.Purchases != 0 {
			t.Errorf("second run created %+v", c)
		}
		if second.Anchor != first.Anchor {
			t.Errorf("anchor moved: %v, then %v", first.Anchor, second.Anchor)
		}
		for i := range first.Inquiries {
			if first.Inquiries[i] != second.Inquiries[i] {
				t.Fatalf("inquiry %d differs between runs", i)
			}
		}

		sys := vocdesk.NewContextWithActor(ctx, vocdesk.SystemActor())
		all, _, err := svc.Purchases.FindPurchases(sys, vocdesk.PurchaseFilter{Limit: 200})
		if err != nil || len(all) != min(200, wantPurchases) {
			t.Fatalf("operator sees %d purchases, %v", len(all), err)
		}
		if !strings.HasPrefix(all[0].TxID, "TX20") {
			t.Errorf("txid %q", all[0].TxID)
		}

		// The first run's key was revoked by the second; the second's works.
		if _, err := svc.Auth.ActorForAPIKey(ctx, first.APIKey); err == nil {
			t.Error("the first run's demo key still works")
		}
		if a, err := svc.Auth.ActorForAPIKey(ctx, second.APIKey); err != nil || !a.IsOperator() {
			t.Errorf("demo key: %+v, %v", a, err)
		}

		// Every printed login signs in; the customer sees only their own
		// purchases, the developer only its own apps'.
		for _, l := range second.Logins {
			a, err := svc.Auth.Authenticate(ctx, l.Realm, l.Email, l.Password)
			if err != nil {
				t.Errorf("login %s (%s): %v", l.Email, l.Realm, err)
				continue
			}
			ps, _, err := svc.Purchases.FindPurchases(vocdesk.NewContextWithActor(ctx, a), vocdesk.PurchaseFilter{Limit: 200})
			if err != nil {
				t.Errorf("%s lists purchases: %v", l.Email, err)
				continue
			}
			for _, p := range ps {
				if (a.IsCustomer() && p.CustomerID != a.CustomerID) || (a.IsDeveloper() && p.DeveloperSlug != l.Developer) {
					t.Fatalf("%s sees %s of customer %d, developer %s", l.Email, p.TxID, p.CustomerID, p.DeveloperSlug)
				}
			}
			if l.Realm == vocdesk.RealmCustomer && len(ps) == 0 {
				t.Errorf("demo customer %s has no purchases", l.Email)
			}
		}
	})
}

// TestInquiriesAreBilingual checks the generated inquiry content without a
// database: both languages, every category, purchases named by txid.
func TestInquiriesAreBilingual(t *testing.T) {
	in := demo.GenerateInquiries(demo.DefaultSeed, demo.FixedAnchor)
	langs, cats := map[string]int{}, map[string]int{}
	for _, q := range in {
		langs[q.Locale]++
		cats[q.Category]++
		if strings.Contains(q.Subject+q.Body, "{") {
			t.Errorf("unfilled template: %q %q", q.Subject, q.Body)
		}
		if (q.Category == "refund" || q.Category == "not_received") && q.TxID == "" {
			t.Errorf("%s inquiry without a purchase", q.Category)
		}
	}
	if langs["ko"] == 0 || langs["en"] == 0 || len(cats) != 6 {
		t.Errorf("languages %v, categories %v", langs, cats)
	}
}

// TestDefaultSizes pins the marketplace the issue asks for: 200 customers and
// 2,000 purchases by default.
func TestDefaultSizes(t *testing.T) {
	if demo.DefaultCustomers < 200 || demo.DefaultPurchases < 2000 {
		t.Errorf("default demo has %d customers and %d purchases; want at least 200 and 2,000",
			demo.DefaultCustomers, demo.DefaultPurchases)
	}
}
