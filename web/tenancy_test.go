package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
)

// TestTenancyWalk walks every route of the route table as developer B (its
// API key and a member's token) and as customer B, aiming each at developer
// A's things: A's slug, txid, customer and key in the path, the query and the
// body. A request for A's things must answer exactly like a request for
// things that do not exist, and no answer may show anything of A's (every
// name and id of A's holds "alpha"). A new route is walked as soon as it is in
// the table; the walk stops with "teach the walk" until it knows how to aim
// the route's parameters at A.
func TestTenancyWalk(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		aims := map[string]aim{
			"A": e.aimAt(e.a),
			"missing": {slug: "zulu-none", app: "zulu-app", item: "zulu-item", txid: "TX-ZULU-NONE", tid: "zulu-order",
				customer: "987654321", key: "987654322", email: "zulu@example.com", cancellation: "987654323", delivery: "987654324",
				inquiry: "987654331", attachment: "987654332", canned: "987654333", view: "987654334", recon: "987654325",
				batch: "987654326", mail: "987654335", review: "987654336", notification: "987654339", connector: "987654337",
				macro: "987654341", rule: "987654342", member: "987654343"},
		}
		callers := []struct{ name, secret string }{
			{"developer B key", e.b.key}, {"developer B member", e.b.memberToken}, {"customer B", e.b.customerToken},
		}
		walked := 0
		for _, rt := range web.Routes(e.srv) {
			if !rt.API || rt.Public || selfOnly[rt.Method+" "+rt.Path] {
				continue
			}
			walked++
			for _, c := range callers {
				if publicTarget[rt.Method+" "+rt.Path] && c.name == "customer B" {
					continue
				}
				for _, q := range append([]string{""}, walkQueries[rt.Method+" "+rt.Path]...) {
					name := c.name + " " + rt.Method + " " + rt.Path + "?" + q
					t.Run(name, func(t *testing.T) {
						e.t = t
						var got [2]string
						var status [2]int
						for i, who := range []string{"A", "missing"} {
							a := aims[who]
							target := a.fill(t, rt.Path, true) + a.query(q)
							body := ""
							if rt.Method == "POST" || rt.Method == "PUT" || rt.Method == "PATCH" {
								tmpl, ok := walkBodies[rt.Method+" "+rt.Path]
								if !ok {
									t.Fatalf("teach the walk a body for %s %s that aims at another tenant", rt.Method, rt.Path)
								}
								body = a.fill(t, tmpl, false)
							}
							header := bearer(c.secret)
							if ct, ok := walkContentTypes[rt.Method+" "+rt.Path]; ok {
								header.Set("Content-Type", ct)
							}
							res := e.do(rt.Method, target, body, header)
							status[i] = res.Code
							answer := res.Body.String()
							if echoesInput[rt.Method+" "+rt.Path] {
								// The answer names the rows it was sent; the
								// caller's own words are not a leak.
								answer = strings.ReplaceAll(answer, a.txid, "<aimed>")
							}
							got[i] = a.normalize(answer)
							if res.Code < 300 && strings.Contains(strings.ToLower(answer), "alpha") {
								t.Errorf("%s %s shows developer A's data:\n%s", rt.Method, target, res.Body)
							}
						}
						if status[0] != status[1] || got[0] != got[1] {
							t.Errorf("A's things and missing things answer differently:\nA:       %d %s\nmissing: %d %s",
								status[0], got[0], status[1], got[1])
						}
						if strings.Contains(rt.Path, "{") && status[0] != http.StatusNotFound {
							t.Errorf("%s with A's ids answers %d; want 404", rt.Path, status[0])
						}
					})
				}
			}
		}
		if walked < 60 {
			t.Errorf("walked only %d routes", walked)
		}
	})
}

// selfOnly routes act only on the caller's own credential; there is nothing
// of another tenant to aim them at.
var selfOnly = map[string]bool{"DELETE /api/v1/auth/token": true,
	// A test event goes to the caller's own endpoint: it names nothing.
	// TestWebhookTestEvent checks that it reaches that endpoint only.
	"POST /api/v1/webhook/test": true}

// publicTarget routes let a customer act on what the store shows everyone
// (a visible review, whoever's app it is), so for customers there is no
// tenant line to cross; other realms are still walked. TestReviewsAPI
// checks what customers get.
var publicTarget = map[string]bool{"POST /api/v1/reviews/{id}/helpful": true}

// walkQueries are the list filters that name another tenant's things.
var walkQueries = map[string][]string{
	"GET /api/v1/inquiries":                       {"app={app}", "txid={txid}", "customer_id={customer}", "q=alpha", "q=환불요청"},
	"GET /api/v1/inquiries/counts":                {"app={app}", "customer_id={customer}"},
	"GET /api/v1/me/inquiries":                    {"app={app}", "txid={txid}"},
	"GET /api/v1/escalations":                     {"app={app}"},
	"GET /api/v1/sla-policy":                      {"developer={slug}"},
	"GET /api/v1/apps":                            {"developer={slug}"},
	"GET /api/v1/purchases":                       {"txid={txid}", "tid={tid}", "customer_id={customer}", "app={app}", "q={txid}", "q={tid}", "q={email}", "q={customer}"},
	"GET /api/v1/me/purchases":                    {"app={app}"},
	"GET /api/v1/cancellation-requests":           {"txid={txid}"},
	"GET /api/v1/deliveries":                      {"txid={txid}", "tid={tid}"},
	"GET /api/v1/reconciliations/{id}/exceptions": {"category=paid_not_delivered"},
	"POST /api/v1/cancellation-batches":           {"dry_run=true"},
	"GET /api/v1/mail/messages":                   {"developer={slug}", "outcome=inquiry"},
	"GET /api/v1/reviews":                         {"app={app}", "customer_id={customer}", "q=alpha"},
	"GET /api/v1/me/reviews":                      {"app={app}"},
	"GET /api/v1/audit":                           {"developer={slug}", "q={txid}", "q=alpha", "actor=alpha", "entity=purchase", "action=inquiry", "from=2024-01-01&to=2099-12-31"},
	"GET /api/v1/reports/inquiries":               {"app={app}", "developer={slug}"},
	"GET /api/v1/reports/refunds":                 {"app={app}", "developer={slug}"},
}

// walkContentTypes are the bodies that are not JSON.
var walkContentTypes = map[string]string{"POST /api/v1/cancellation-batches": "text/csv"}

// echoesInput are routes whose answer repeats what was sent (a batch's rows
// with their TxIDs).
var echoesInput = map[string]bool{"POST /api/v1/cancellation-batches": true}

// walkBodies are request bodies aimed at another tenant's things.
var walkBodies = map[string]string{
	// The desk: A's inquiry, its purchase, A's canned reply and view.
	"POST /api/v1/me/inquiries":               `{"txid":"{txid}","category":"refund","subject":"walk","body":"walk"}`,
	"POST /api/v1/me/inquiries/{id}/messages": `{"body":"walk"}`,
	"POST /api/v1/me/inquiries/{id}/rating":   `{"rating":5,"comment":"walk"}`,
	"POST /api/v1/me/inquiries/{id}/solve":    ``,
	"POST /api/v1/inquiries":                  `{"channel":"api","app":"{app}","customer_id":{customer},"category":"bug","subject":"walk","body":"walk"}`,
	"POST /api/v1/inquiries/bulk":             `{"ids":[{inquiry}],"status":"closed","add_tags":["walk"]}`,
	"PATCH /api/v1/inquiries/{id}":            `{"status":"closed","add_tags":["walk"]}`,
	"POST /api/v1/inquiries/{id}/notes":       `{"body":"walk"}`,
	"POST /api/v1/inquiries/{id}/replies":     `{"body":"walk"}`,
	"PUT /api/v1/canned-replies/{id}":         `{"name":"walk","locale":"ko","body":"walk"}`,
	"PUT /api/v1/sla-policy":                  `{"developer":"{slug}","first_response_minutes":60,"next_response_minutes":60}`,
	"POST /api/v1/developers/{slug}/notes":    `{"body":"walk"}`,
	"PUT /api/v1/escalations/deadline":        `{"days":3}`,
	"POST /api/v1/holidays":                   `{"date":"2099-12-24","name":"walk"}`,
	// Creating one's own canned reply or view names nothing of another
	// tenant's, and would conflict the second time: an invalid body keeps
	// both answers alike while the realm check is still walked.
	"POST /api/v1/canned-replies": `{"name":"walk","locale":"xx","body":"walk"}`,
	"POST /api/v1/saved-views":    `{"name":"","query":"app={app}"}`,
	// PUT bodies the walk had not sent before: they aim at nothing.
	"PUT /api/v1/reconciliation-settings":    ``,
	"PUT /api/v1/refund-policy":              ``,
	"PUT /api/v1/webhook":                    ``,
	"POST /api/v1/apps":                      `{"developer":"{slug}","slug":"walk-app","name":"Walk"}`,
	"POST /api/v1/customers":                 `{"email":"walk@example.com","name":"Walk"}`,
	"POST /api/v1/developers":                `{"slug":"walk-dev","name":"Walk","email":"walk@example.com"}`,
	"POST /api/v1/developers/{slug}/members": `{"email":"walker@example.com","name":"Walker","role":"owner","password":"walker-pw-123"}`,
	"POST /api/v1/items":                     `{"app":"{app}","sku":"walk","name":"Walk","price":"1","currency":"KRW"}`,
	"POST /api/v1/keys":                      `{"realm":"developer","developer":"{slug}","name":"walk"}`,
	"POST /api/v1/purchases": `{"txid":"TX-WALK","tid":"walk-1","customer_id":{customer},"app":"{app}","item":"{item}",` +
		`"amount":"1","currency":"KRW","method":"card","paid_at":"2024-01-01T00:00:00Z"}`,
	"POST /api/v1/cancellation-requests/{id}/approve":     ``,
	"POST /api/v1/cancellation-requests/{id}/reject":      `{"reason":"walk"}`,
	"POST /api/v1/cancellation-requests/{id}/retry":       ``,
	"POST /api/v1/purchases/{txid}/cancellation-requests": `{"amount":"1","reason":"other"}`,
	"POST /api/v1/purchases/{txid}/chargebacks":           `{"amount":"1","reason":"fraud"}`,
	"POST /api/v1/webhook/deliveries/{id}/redeliver":      ``,
	// A delivery naming A's purchase is B's own claim: stored for B, and
	// answered exactly as one naming a purchase that does not exist.
	"POST /api/v1/deliveries":                  `{"deliveries":[{"txid":"{txid}","tid":"{tid}","amount":"1200","currency":"KRW","delivered_at":"2024-05-01T09:31:00Z"}]}`,
	"POST /api/v1/purchases/{txid}/deliveries": `{"note":"walk"}`,
	"POST /api/v1/reconciliations":             ``,
	"POST /api/v1/cancellation-batches":        "txid,amount,reason\n{txid},,\n",
	// Reviews: a customer of B's reviewing A's app has not bought it.
	"POST /api/v1/me/reviews":           `{"app":"{app}","rating":1,"body":"walk"}`,
	"PUT /api/v1/me/reviews/{id}":       `{"rating":1,"body":"walk"}`,
	"PUT /api/v1/reviews/{id}/reply":    `{"body":"walk"}`,
	"POST /api/v1/reviews/{id}/reports": `{"reason":"walk"}`,
	"POST /api/v1/reviews/{id}/hide":    `{"reason":"walk"}`,
	"POST /api/v1/reviews/{id}/restore": `{"reason":"walk"}`,
	"POST /api/v1/reviews/{id}/helpful": ``,
	// A developer's polled mailbox: A's slug answers as a missing one.
	"PUT /api/v1/developers/{slug}/imap": `{"addr":"127.0.0.1:993","security":"tls","username":"walk","password":"walk-pw"}`,

	// Merge and snooze (issue 22): A's inquiry merged into A's inquiry;
	// TestMergeAPI checks B's own merged into A's.
	"POST /api/v1/inquiries/{id}/merge":         `{"into":{inquiry}}`,
	"POST /api/v1/inquiries/{id}/merge/undo":    ``,
	"POST /api/v1/inquiries/{id}/contact-merge": ``,
	"PUT /api/v1/inquiries/{id}/snooze":         `{"until_reply":true}`,
	// Notifications: marking names only the notification.
	"POST /api/v1/notifications/{id}/read": ``,
	"POST /api/v1/notifications/read":      ``,
	// The call centre and social networks: a call about A's customer and
	// purchase (operators only: 404 to B), a connector for A's app.
	"POST /api/v1/calls":             `{"customer":"{email}","app":"{app}","txid":"{txid}","category":"other","summary":"walk","consent":true}`,
	"POST /api/v1/social-connectors": `{"network":"x","name":"walk","app":"{app}"}`,
	// Macros and rules: A's macro, rule, inquiry, app and member. A new
	// macro of one's own names nothing of A's: an empty one is refused
	// alike. A rule naming A's app is refused as one naming no app.
	"POST /api/v1/macros":                 `{"name":"walk","actions":{}}`,
	"PUT /api/v1/macros/{id}":             `{"name":"walk","actions":{"add_tags":["walk"]}}`,
	"POST /api/v1/macros/{id}/apply":      `{"inquiry_ids":[{inquiry}]}`,
	"POST /api/v1/rules":                  `{"name":"walk","events":["created"],"conditions":{"apps":["{app}"]},"actions":{"add_tags":["walk"]}}`,
	"POST /api/v1/rules/dry-run":          `{"name":"walk","events":["created"],"conditions":{"apps":["{app}"]},"actions":{"add_tags":["walk"]}}`,
	"PUT /api/v1/rules/{id}":              `{"name":"walk","events":["created"],"actions":{"add_tags":["walk"]}}`,
	"PUT /api/v1/availability":            `{"member_id":{member},"availability":"away"}`,
	"PUT /api/v1/inquiries/{id}/priority": `{"priority":"urgent"}`,
}

// aimAt is tn's identifiers, to aim requests at its things (a batch of its
// is seeded for the batch routes).
func (e *env) aimAt(tn tenant) aim {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return aim{slug: tn.slug, app: tn.app, item: tn.item, txid: tn.txid, tid: tn.tid,
		customer: id(tn.customerID), key: id(tn.keyID), email: tn.customerEmail,
		cancellation: id(tn.cancellationID), delivery: id(tn.deliveryID),
		inquiry: id(tn.desk.inquiryID), attachment: id(tn.desk.attachmentID),
		canned: id(tn.desk.cannedID), view: id(tn.desk.viewID),
		recon: id(tn.reconID), batch: id(e.seedBatch(tn)), mail: id(tn.mailID), review: id(tn.reviewID),
		notification: id(e.seedNotification(tn)), connector: id(tn.connectorID),
		macro: id(tn.desk.macroID), rule: id(tn.desk.ruleID), member: id(tn.desk.ownerID)}
}

// aim is one tenant's identifiers, to fill into paths, queries and bodies.
type aim struct {
	inquiry, attachment, canned, view                  string
	slug, app, item, txid, tid, customer, key, email   string
	cancellation, delivery, recon, batch, mail, review string
	notification                                       string
	connector                                          string
	macro, rule, member                                string // the desk's automation
}

// fill replaces {name} in s. In a path, {id} means the customer's id under
// /customers and the key's id under /keys.
func (a aim) fill(t *testing.T, s string, isPath bool) string {
	t.Helper()
	id := ""
	switch {
	case strings.HasPrefix(s, "/api/v1/customers/"):
		id = a.customer
	case strings.HasPrefix(s, "/api/v1/keys/"):
		id = a.key
	case strings.HasPrefix(s, "/api/v1/cancellation-requests/"):
		id = a.cancellation
	case strings.HasPrefix(s, "/api/v1/webhook/deliveries/"):
		id = a.delivery
	case strings.HasPrefix(s, "/api/v1/inquiries/"), strings.HasPrefix(s, "/api/v1/me/inquiries/"):
		id = a.inquiry
	case strings.HasPrefix(s, "/api/v1/attachments/"):
		id = a.attachment
	case strings.HasPrefix(s, "/api/v1/canned-replies/"):
		id = a.canned
	case strings.HasPrefix(s, "/api/v1/saved-views/"):
		id = a.view
	case strings.HasPrefix(s, "/api/v1/notifications/"):
		id = a.notification
	case strings.HasPrefix(s, "/api/v1/reconciliations/"):
		id = a.recon
	case strings.HasPrefix(s, "/api/v1/cancellation-batches/"):
		id = a.batch
	case strings.HasPrefix(s, "/api/v1/mail/messages/"):
		id = a.mail
	case strings.HasPrefix(s, "/api/v1/reviews/"), strings.HasPrefix(s, "/api/v1/me/reviews/"):
		id = a.review
	case strings.HasPrefix(s, "/api/v1/social-connectors/"):
		id = a.connector
	case strings.HasPrefix(s, "/api/v1/macros/"):
		id = a.macro
	case strings.HasPrefix(s, "/api/v1/rules/"):
		id = a.rule
	}
	s = strings.NewReplacer("{slug}", a.slug, "{app}", a.app, "{item}", a.item, "{txid}", a.txid, "{tid}", a.tid,
		"{customer}", a.customer, "{id}", id, "{inquiry}", a.inquiry, "{date}", "2099-12-25", "{email}", a.email, "{member}", a.member).Replace(s)
	if isPath && strings.ContainsAny(s, "{}") || strings.Contains(s, "/{") || strings.HasSuffix(s, "/") {
		t.Fatalf("teach the walk how to aim %s at another tenant", s)
	}
	return s
}

func (a aim) query(q string) string {
	if q == "" {
		return ""
	}
	return "?" + strings.NewReplacer("{slug}", a.slug, "{app}", a.app, "{txid}", a.txid, "{tid}", a.tid,
		"{customer}", a.customer, "{email}", url.QueryEscape(a.email)).Replace(q)
}

var timeRE = regexp.MustCompile(`"\d{4}-\d\d-\d\dT[^"]*"`)

// normalize makes the two answers comparable byte for byte: times are
// hidden (keys record when they were last used), and in an error message the
// aimed-at identifiers are, since a message may name what it could not find.
func (a aim) normalize(body string) string {
	body = timeRE.ReplaceAllString(body, `"<time>"`)
	var e struct {
		Error *struct{ Code, Message string }
	}
	if json.Unmarshal([]byte(body), &e) != nil || e.Error == nil {
		return body
	}
	msg := e.Error.Message
	for _, v := range []string{a.email, a.slug, a.app, a.item, a.txid, a.tid, a.customer, a.key, a.cancellation, a.delivery, a.inquiry, a.attachment, a.canned, a.view, a.recon, a.mail, a.review, a.macro, a.rule, a.member} {
		msg = strings.ReplaceAll(msg, v, "<aimed>")
	}
	return e.Error.Code + ": " + msg
}

// TestAuditTenancy: the audit trail is the store's to read whole; a
// developer's owner (and its admin API key) reads its own organisation's
// entries only, without the store's internal ones about it; an agent is
// refused; a customer finds no such route.
func TestAuditTenancy(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		// The store's internal note on developer A.
		res := e.do("POST", "/api/v1/developers/"+e.a.slug+"/notes", `{"body":"watch alpha closely"}`, bearer(e.opKey))
		if res.Code != http.StatusCreated {
			t.Fatalf("note: %d %s", res.Code, res.Body)
		}
		type list struct {
			Items []struct {
				Developer string
				Action    string
				Actor     struct{ Kind, Name string }
				After     json.RawMessage
			}
			NextCursor string `json:"next_cursor"`
		}
		read := func(secret, q string, want int) list {
			t.Helper()
			res := e.do("GET", "/api/v1/audit"+q, "", bearer(secret))
			if res.Code != want {
				t.Fatalf("GET /api/v1/audit%s: %d %s", q, res.Code, res.Body)
			}
			var l list
			if want == http.StatusOK {
				if err := json.Unmarshal(res.Body.Bytes(), &l); err != nil {
					t.Fatal(err)
				}
			}
			return l
		}
		all := read(e.opKey, "?limit=200", http.StatusOK)
		devs := map[string]bool{}
		for _, it := range all.Items {
			devs[it.Developer] = true
		}
		if !devs[e.a.slug] || !devs[e.b.slug] || !devs[""] {
			t.Fatalf("operators see entries of %v", devs)
		}
		if l := read(e.opKey, "?developer="+e.a.slug+"&action=developer_note", http.StatusOK); len(l.Items) != 1 {
			t.Fatalf("operator's note entries: %+v", l.Items)
		}
		for _, secret := range []string{e.a.memberToken, e.a.key} {
			mine := read(secret, "?limit=200", http.StatusOK)
			if len(mine.Items) == 0 {
				t.Fatal("developer A reads no entries of its own")
			}
			for _, it := range mine.Items {
				if it.Developer != e.a.slug || strings.HasPrefix(it.Action, "developer_note.") || it.Action == "inquiry.escalated" {
					t.Errorf("developer A reads %s of %q", it.Action, it.Developer)
				}
			}
			if l := read(secret, "?developer="+e.b.slug, http.StatusOK); len(l.Items) != len(mine.Items) {
				t.Errorf("developer= widened A's view: %d entries, not %d", len(l.Items), len(mine.Items))
			}
			if l := read(secret, "?q=bravo", http.StatusOK); len(l.Items) != 0 {
				t.Errorf("a search for B's words finds %d entries", len(l.Items))
			}
		}
		// An agent of A is refused; customers find no such route.
		ctx := systemCtx()
		agent := &vocdesk.Member{Email: "agent@alpha.example.com", Name: "Agent", Role: vocdesk.RoleAgent}
		if err := e.svc.Developers.CreateMember(ctx, e.a.slug, agent, "alpha-agent-pw-1"); err != nil {
			t.Fatal(err)
		}
		read(e.token("developer", agent.Email, "alpha-agent-pw-1"), "", http.StatusForbidden)
		read(e.a.customerToken, "", http.StatusNotFound)
		read(e.opKey, "?from=tomorrow", http.StatusBadRequest)
		read(e.opKey, "?actor=developer:x", http.StatusBadRequest)
		read(e.opKey, "?cursor=nope", http.StatusBadRequest)
	})
}
