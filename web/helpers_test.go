package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/ratelimit"
	"github.com/vocdesk/vocdesk/ratelimit/ratelimittest"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/web"
)

// env is a server on a real database with the store side seeded: an
// operator key, and two developers (alpha, bravo) that each have an app, an
// item, a customer who bought it, a member and a key.
type env struct {
	t     testing.TB
	db    *sqlstore.DB
	svc   vocdesk.Services
	srv   *web.Server
	logs  *bytes.Buffer
	oas   *validator
	opKey string
	a, b  tenant
}

// tenant is everything seeded for one developer. Every name and id of
// alpha's contains "alpha", so a leak shows up as that word in an answer.
type tenant struct {
	slug, app, item  string
	customerID       int64
	customerEmail    string
	customerPassword string
	customerToken    string
	txid, tid        string
	memberEmail      string
	memberPassword   string
	memberToken      string
	key              string // the developer's API key secret
	keyID            int64
	cancellationID   int64 // a pending cancellation request of the purchase
	deliveryID       int64 // a webhook delivery of the developer's
	reconID          int64 // a reconciliation report of the developer's
	desk             deskSeed
	mailID           int64 // a message in the developer's mail log
	reviewID         int64 // the customer's review of the app
	connectorID      int64 // a social connector of the developer's
}

// systemCtx acts as the CLI does: an operator with no person behind it.
func systemCtx() context.Context {
	return vocdesk.NewContextWithActor(context.Background(), vocdesk.SystemActor())
}

func newEnv(t testing.TB, db *sqlstore.DB) *env {
	t.Helper()
	return newEnvWith(t, db, web.Config{})
}

// newEnvWith is newEnv with a server configured as cfg (its logger, probe
// and limiter are the env's).
func newEnvWith(t testing.TB, db *sqlstore.DB, cfg web.Config) *env {
	t.Helper()
	e := &env{t: t, db: db, svc: sqlstore.Services(db), logs: &bytes.Buffer{}, oas: loadValidator(t)}
	var err error
	cfg.Logger = slog.New(slog.NewJSONHandler(e.logs, nil))
	cfg.Ready = db.Ping
	// Five failures per account and no refill: the limiter test must not
	// depend on how long password hashing takes on a busy machine.
	cfg.LoginLimiter = ratelimit.NewGuard(ratelimittest.Patient(5))
	e.srv, err = web.NewServer(cfg, e.svc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := systemCtx()
	e.opKey, err = e.svc.Auth.CreateAPIKey(ctx, &vocdesk.APIKey{Realm: vocdesk.RealmOperator, Name: "billing"})
	if err != nil {
		t.Fatalf("operator key: %v", err)
	}
	e.a = e.seedTenant("alpha")
	e.b = e.seedTenant("bravo")
	return e
}

// seedTenant stores one developer's world through the services, as the
// store's billing system and the CLI would.
func (e *env) seedTenant(name string) tenant {
	t := e.t
	t.Helper()
	ctx := systemCtx()
	tn := tenant{
		slug: name + "-games", app: name + "-quest", item: name + "-gems",
		customerEmail: name + ".customer@example.com", customerPassword: name + "-customer-pw-1",
		txid: "TX-" + strings.ToUpper(name) + "-0001", tid: name + "-order-1",
		memberEmail: name + ".owner@example.com", memberPassword: name + "-member-pw-1",
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s %s: %v", name, what, err)
		}
	}
	must("developer", e.svc.Developers.CreateDeveloper(ctx, &vocdesk.Developer{Slug: tn.slug, Name: "Dev " + name, Email: name + "@dev.example.com"}))
	must("app", e.svc.Developers.CreateApp(ctx, &vocdesk.App{DeveloperSlug: tn.slug, Slug: tn.app, Name: "App " + name}))
	must("item", e.svc.Developers.CreateItem(ctx, &vocdesk.Item{AppSlug: tn.app, SKU: tn.item, Name: "Gems " + name,
		Price: &vocdesk.Money{Amount: 1200, Currency: "KRW"}}))
	c := &vocdesk.Customer{Email: tn.customerEmail, Name: "Customer " + name, Phone: "010-1234-5678"}
	must("customer", e.svc.Customers.CreateCustomer(ctx, c, tn.customerPassword))
	tn.customerID = c.ID
	_, err := e.svc.Purchases.RecordPurchase(ctx, &vocdesk.Purchase{
		TxID: tn.txid, TID: tn.tid, CustomerID: c.ID, AppSlug: tn.app, ItemSKU: tn.item,
		Amount: 1200, Currency: "KRW", Method: vocdesk.MethodCard, PaidAt: time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC),
	})
	must("purchase", err)
	must("member", e.svc.Developers.CreateMember(ctx, tn.slug,
		&vocdesk.Member{Email: tn.memberEmail, Name: "Owner " + name, Role: vocdesk.RoleOwner}, tn.memberPassword))
	k := &vocdesk.APIKey{Realm: vocdesk.RealmDeveloper, DeveloperSlug: tn.slug, Name: name + " server"}
	tn.key, err = e.svc.Auth.CreateAPIKey(ctx, k)
	must("key", err)
	tn.keyID = k.ID
	tn.cancellationID, tn.deliveryID = e.seedRefunds(tn, k)
	tn.reconID = e.seedRecon(tn)
	tn.customerToken = e.token("customer", tn.customerEmail, tn.customerPassword)
	tn.memberToken = e.token("developer", tn.memberEmail, tn.memberPassword)
	tn.desk = e.seedDesk(tn)
	tn.mailID = e.seedMail(tn)
	tn.reviewID = e.seedReview(tn)
	tn.connectorID = e.seedConnector(tn)
	return tn
}

// token signs in through the API.
func (e *env) token(realm, email, password string) string {
	e.t.Helper()
	body := `{"realm":` + jsonString(realm) + `,"email":` + jsonString(email) + `,"password":` + jsonString(password) + `}`
	res := e.do("POST", "/api/v1/auth/token", body, nil)
	if res.Code != http.StatusCreated {
		e.t.Fatalf("sign in %s %s: %d %s", realm, email, res.Code, res.Body)
	}
	var tok struct{ Token string }
	if err := json.Unmarshal(res.Body.Bytes(), &tok); err != nil || tok.Token == "" {
		e.t.Fatalf("sign in: %v %s", err, res.Body)
	}
	return tok.Token
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// do sends one request through the whole server and checks the answer
// against the OpenAPI document.
func (e *env) do(method, target, body string, header http.Header) *httptest.ResponseRecorder {
	e.t.Helper()
	if header == nil {
		header = http.Header{}
	}
	if _, set := header["Content-Type"]; body != "" && !set {
		header = header.Clone()
		header.Set("Content-Type", "application/json")
	}
	res := serve(e.srv, method, target, body, header)
	e.oas.check(e.t, method, target, body, header, res)
	return res
}

// serve sends one request to h from a fixed client address.
func serve(h http.Handler, method, target, body string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.RemoteAddr = "192.0.2.1:1234"
	for k, vs := range header {
		req.Header[k] = vs
	}
	res := httptest.NewRecorder()
	h.ServeHTTP(res, req)
	return res
}

// bearer is the header of a request made with secret.
func bearer(secret string) http.Header {
	return http.Header{"Authorization": {"Bearer " + secret}}
}

// errorOf decodes an error answer and fails unless it has the contract's
// shape with a code and a message.
func errorOf(t *testing.T, res *httptest.ResponseRecorder) (code, message string) {
	t.Helper()
	var body struct {
		Error *struct{ Code, Message string }
	}
	if err := json.Unmarshal(res.Body.Bytes(), &body); err != nil || body.Error == nil || body.Error.Code == "" || body.Error.Message == "" {
		t.Fatalf("error answer without {\"error\":{\"code\",\"message\"}}: %d %s", res.Code, res.Body)
	}
	return body.Error.Code, body.Error.Message
}

// countPurchases counts every purchase in the ledger, as an operator sees it.
func (e *env) countPurchases() int {
	e.t.Helper()
	n, cursor := 0, ""
	for {
		ps, next, err := e.svc.Purchases.FindPurchases(systemCtx(), vocdesk.PurchaseFilter{Cursor: cursor, Limit: 200})
		if err != nil {
			e.t.Fatal(err)
		}
		n += len(ps)
		if next == "" {
			return n
		}
		cursor = next
	}
}
