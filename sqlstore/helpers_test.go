package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// fixture is a small marketplace: developers A and B, one app each, and
// customers A and B, where customer A buys from developer A only.
type fixture struct {
	db        *sqlstore.DB
	devs      vocdesk.DeveloperService
	customers vocdesk.CustomerService
	purchases vocdesk.PurchaseService
	auth      vocdesk.AuthService

	devA, devB   *vocdesk.Developer
	appA, appB   *vocdesk.App
	custA, custB *vocdesk.Customer
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func newFixture(t testing.TB, db *sqlstore.DB) *fixture {
	t.Helper()
	f := &fixture{
		db:        db,
		devs:      sqlstore.NewDeveloperService(db),
		customers: sqlstore.NewCustomerService(db),
		purchases: sqlstore.NewPurchaseService(db),
		auth:      sqlstore.NewAuthService(db),
	}
	ctx := asOperator()
	f.devA = &vocdesk.Developer{Slug: "dev-a", Name: "Developer A", Email: "a@dev.example"}
	f.devB = &vocdesk.Developer{Slug: "dev-b", Name: "Developer B", Email: "b@dev.example"}
	for _, d := range []*vocdesk.Developer{f.devA, f.devB} {
		must(t, f.devs.CreateDeveloper(ctx, d))
	}
	f.appA = &vocdesk.App{DeveloperSlug: "dev-a", Slug: "app-a", Name: "App A"}
	f.appB = &vocdesk.App{DeveloperSlug: "dev-b", Slug: "app-b", Name: "App B"}
	for _, a := range []*vocdesk.App{f.appA, f.appB} {
		must(t, f.devs.CreateApp(ctx, a))
	}
	f.custA = &vocdesk.Customer{Email: "minji.kim@example.com", Name: "김민지", Phone: "010-1234-5678", Locale: "ko"}
	f.custB = &vocdesk.Customer{Email: "bob@example.com", Name: "Bob", Phone: "+1 555 0100", Locale: "en"}
	must(t, f.customers.CreateCustomer(ctx, f.custA, ""))
	must(t, f.customers.CreateCustomer(ctx, f.custB, ""))
	return f
}

func (f *fixture) purchase(txid, tid string, cust *vocdesk.Customer, app *vocdesk.App, sku string, amount int64, paid time.Time) *vocdesk.Purchase {
	return &vocdesk.Purchase{TxID: txid, TID: tid, CustomerID: cust.ID, AppSlug: app.Slug, ItemSKU: sku,
		Amount: amount, Currency: "KRW", Method: vocdesk.MethodCarrier, PaidAt: paid}
}

func (f *fixture) record(t testing.TB, p *vocdesk.Purchase) *vocdesk.Purchase {
	t.Helper()
	created, err := f.purchases.RecordPurchase(asOperator(), p)
	if err != nil || !created {
		t.Fatalf("RecordPurchase(%s) = %v, %v", p.TxID, created, err)
	}
	return p
}

func asOperator() context.Context {
	return vocdesk.NewContextWithActor(context.Background(), vocdesk.SystemActor())
}

func asDeveloper(d *vocdesk.Developer, role vocdesk.Role) context.Context {
	return vocdesk.NewContextWithActor(context.Background(),
		&vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: d.ID, MemberID: 1, Role: role, Name: string(role) + " of " + d.Slug})
}

func asCustomer(c *vocdesk.Customer) context.Context {
	return vocdesk.NewContextWithActor(context.Background(),
		&vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: c.ID, Name: c.Name})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantCode fails unless err carries the application error code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := vocdesk.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func txid(i int) string { return fmt.Sprintf("TX%08d", i) }
