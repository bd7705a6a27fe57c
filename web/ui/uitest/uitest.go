// Package uitest seeds a small, realistic marketplace for the browser UI's
// tests: the handler tests of package ui and the browser tests in e2e share
// it, so a new flow starts from the same people and purchases.
package uitest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
)

// Password is every seeded account's password.
const Password = "correct-horse-battery-staple"

// Account is a person who can sign in.
type Account struct {
	ID    int64
	Email string
	Name  string
	Role  vocdesk.Role // developer members only
}

// Marketplace is what Seed creates:
//
//   - developers "hoppin" (apps hoppin-quest, hoppin-puzzle) and "nimbus"
//     (app nimbus-notes), each with an owner; hoppin also has a viewer;
//   - an operator;
//   - customer Minji with HistoryLen purchases, one a day going back from
//     Latest, cycling through the three apps; customer Jun with one
//     purchase from each developer.
type Marketplace struct {
	Svc vocdesk.Services
	DB  *sqlstore.DB
	// AllowPrivateWebhooks is the server's --allow-private-webhooks, for
	// tests whose webhook endpoint is on loopback.
	AllowPrivateWebhooks bool

	Operator                  Account
	Hoppin, Nimbus            *vocdesk.Developer
	HoppinOwner, HoppinViewer Account
	HoppinAgent               Account
	NimbusOwner               Account
	Minji, Jun                Account
	MinjiPhone                string

	// MinjiPurchases and JunPurchases are newest first, as pages list them.
	MinjiPurchases []*vocdesk.Purchase
	JunPurchases   []*vocdesk.Purchase
}

// HistoryLen is the number of Minji's purchases: more than one page.
const HistoryLen = 32

// Latest is when Minji's newest purchase was paid: 10:30 in Seoul.
var Latest = time.Date(2026, 3, 10, 1, 30, 0, 0, time.UTC)

// Services returns the SQL-backed services over db without the refunds
// and webhooks: the browser tests that need them wire them (withRefunds).
func Services(db *sqlstore.DB) vocdesk.Services {
	svc := sqlstore.Services(db)
	svc.Cancellations, svc.Webhooks = nil, nil
	return svc
}

// System is a context acting as the system operator, for seeding.
func System() context.Context {
	return vocdesk.NewContextWithActor(context.Background(), vocdesk.SystemActor())
}

// Seed fills db with the marketplace. It fails the test on any error.
func Seed(tb testing.TB, db *sqlstore.DB) *Marketplace {
	tb.Helper()
	m := &Marketplace{Svc: Services(db), DB: db}
	ctx := System()
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("uitest: seed: %v", err)
		}
	}
	svc := m.Svc

	op := &vocdesk.Operator{Email: "ops@store.test", Name: "Store Ops"}
	must(svc.Developers.CreateOperator(ctx, op, Password))
	m.Operator = Account{ID: op.ID, Email: op.Email, Name: op.Name}

	m.Hoppin = &vocdesk.Developer{Slug: "hoppin", Name: "Hoppin Games", Email: "cs@hoppin.test"}
	m.Nimbus = &vocdesk.Developer{Slug: "nimbus", Name: "Nimbus Labs", Email: "help@nimbus.test"}
	must(svc.Developers.CreateDeveloper(ctx, m.Hoppin))
	must(svc.Developers.CreateDeveloper(ctx, m.Nimbus))

	apps := []*vocdesk.App{
		{DeveloperSlug: "hoppin", Slug: "hoppin-quest", Name: "호핀 퀘스트"},
		{DeveloperSlug: "hoppin", Slug: "hoppin-puzzle", Name: "Hoppin Puzzle"},
		{DeveloperSlug: "nimbus", Slug: "nimbus-notes", Name: "Nimbus Notes"},
	}
	for _, a := range apps {
		must(svc.Developers.CreateApp(ctx, a))
	}
	items := []*vocdesk.Item{
		{AppSlug: "hoppin-quest", SKU: "gems-100", Name: "보석 100개"},
		{AppSlug: "hoppin-puzzle", SKU: "hint-pack", Name: "Hint pack"},
		{AppSlug: "nimbus-notes", SKU: "pro-month", Name: "Pro (1 month)"},
	}
	for _, it := range items {
		must(svc.Developers.CreateItem(ctx, it))
	}

	member := func(dev string, email, name string, role vocdesk.Role) Account {
		mb := &vocdesk.Member{Email: email, Name: name, Role: role}
		must(svc.Developers.CreateMember(ctx, dev, mb, Password))
		return Account{ID: mb.ID, Email: email, Name: name, Role: role}
	}
	m.HoppinOwner = member("hoppin", "owner@hoppin.test", "박지훈", vocdesk.RoleOwner)
	m.HoppinViewer = member("hoppin", "viewer@hoppin.test", "Vera Viewer", vocdesk.RoleViewer)
	m.HoppinAgent = member("hoppin", "agent@hoppin.test", "Alex Agent", vocdesk.RoleAgent)
	m.NimbusOwner = member("nimbus", "owner@nimbus.test", "Nora Nimbus", vocdesk.RoleOwner)

	customer := func(email, name, phone string) Account {
		c := &vocdesk.Customer{Email: email, Name: name, Phone: phone}
		must(svc.Customers.CreateCustomer(ctx, c, Password))
		return Account{ID: c.ID, Email: email, Name: name}
	}
	m.MinjiPhone = "010-1234-5678"
	m.Minji = customer("minji.kim@example.com", "김민지", m.MinjiPhone)
	// Jun's name carries markup: every page must show it as text.
	m.Jun = customer("jun@example.com", "Jun <b>Park</b>", "010-9876-5432")

	methods := []vocdesk.Method{vocdesk.MethodCarrier, vocdesk.MethodCard, vocdesk.MethodCash, vocdesk.MethodGift}
	amounts := []int64{1200, 3300, 5500, 11000}
	var batch []*vocdesk.Purchase
	for i := 0; i < HistoryLen; i++ {
		it := items[i%len(items)]
		p := &vocdesk.Purchase{
			TxID:       fmt.Sprintf("TX2026MJ%04d", i),
			TID:        fmt.Sprintf("%s-%04d", it.AppSlug, i),
			CustomerID: m.Minji.ID,
			AppSlug:    it.AppSlug,
			ItemSKU:    it.SKU,
			Amount:     amounts[i%len(amounts)],
			Currency:   "KRW",
			Method:     methods[i%len(methods)],
			PaidAt:     Latest.Add(-time.Duration(i) * 24 * time.Hour),
		}
		batch = append(batch, p)
	}
	// One purchase in US dollars, to show minor units.
	batch[5].Currency, batch[5].Amount = "USD", 99
	m.MinjiPurchases = batch
	m.JunPurchases = []*vocdesk.Purchase{
		{TxID: "TX2026JUN0001", TID: "hoppin-quest-jun-1", CustomerID: m.Jun.ID, AppSlug: "hoppin-quest", ItemSKU: "gems-100",
			Amount: 5500, Currency: "KRW", Method: vocdesk.MethodCard, PaidAt: Latest.Add(2 * time.Hour)},
		{TxID: "TX2026JUN0002", TID: "nimbus-notes-jun-1", CustomerID: m.Jun.ID, AppSlug: "nimbus-notes", ItemSKU: "pro-month",
			Amount: 4900, Currency: "KRW", Method: vocdesk.MethodCarrier, PaidAt: Latest.Add(time.Hour)},
	}
	all := append(append([]*vocdesk.Purchase{}, batch...), m.JunPurchases...)
	errs, err := svc.Purchases.ImportPurchases(ctx, all)
	must(err)
	for i, e := range errs {
		if e != nil {
			tb.Fatalf("uitest: seed purchase %s: %v", all[i].TxID, e)
		}
	}
	// Read them back, so the fixtures carry what the ledger stored (names,
	// status), as the pages will show it.
	for _, list := range [][]*vocdesk.Purchase{m.MinjiPurchases, m.JunPurchases} {
		for i, p := range list {
			stored, err := svc.Purchases.FindPurchaseByTxID(ctx, p.TxID)
			must(err)
			list[i] = stored
		}
	}
	seedDesk(tb, m)
	return m
}

// Canned replies of hoppin, one per language: the desk's tests insert them.
const (
	CannedRefundEN = "Refund accepted"
	CannedRefundKO = "환불 접수 안내"
)

// seedDesk gives hoppin its canned replies. Inquiries are left to each
// test, which creates the ones its flow needs.
func seedDesk(tb testing.TB, m *Marketplace) {
	tb.Helper()
	ctx := As(m.MemberActor(m.Hoppin, m.HoppinOwner))
	for _, c := range []*vocdesk.CannedReply{
		{Name: CannedRefundEN, Locale: "en", Body: "Hello {{customer.name}},\n\nwe have received your refund request for {{purchase.item}} ({{purchase.amount}}, TxID {{purchase.txid}}). The refund goes back to your original payment method within 3 business days.\n\n{{agent.name}}, {{app.name}} support"},
		{Name: CannedRefundKO, Locale: "ko", Body: "{{customer.name}}님, 안녕하세요.\n\n{{purchase.item}}({{purchase.amount}}, 거래번호 {{purchase.txid}}) 환불 요청이 접수되었습니다. 영업일 기준 3일 안에 결제하신 수단으로 환불됩니다.\n\n{{app.name}} 고객지원 {{agent.name}} 드림"},
	} {
		if err := m.Svc.Desk.CreateCannedReply(ctx, c); err != nil {
			tb.Fatalf("uitest: seed canned reply: %v", err)
		}
	}
}

// MemberActor is the actor of a developer's member, for calling services
// as that member in tests.
func (m *Marketplace) MemberActor(d *vocdesk.Developer, a Account) *vocdesk.Actor {
	return &vocdesk.Actor{Realm: vocdesk.RealmDeveloper, DeveloperID: d.ID, MemberID: a.ID, Role: a.Role, Name: a.Name, Email: a.Email}
}

// CustomerActor is the actor of a customer.
func (m *Marketplace) CustomerActor(a Account) *vocdesk.Actor {
	return &vocdesk.Actor{Realm: vocdesk.RealmCustomer, CustomerID: a.ID, Name: a.Name, Email: a.Email}
}

// As returns a context acting as a, for calling services directly in tests.
func As(a *vocdesk.Actor) context.Context {
	return vocdesk.NewContextWithActor(context.Background(), a)
}
