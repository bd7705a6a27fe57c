package web_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// scenario is one API call and what must come back, in the style of
// pocketbase's ApiScenario. url and body may hold ${...} placeholders for the
// seeded data (see expand). Scenarios of one table run in order on one
// database, so later ones may rely on what earlier ones created.
type scenario struct {
	name    string
	method  string
	url     string
	body    string
	as      string // who calls: op, devA, devB, memberA, custA, custB, none, or a raw "Bearer ..." header
	header  http.Header
	status  int
	code    string   // the error code, for error answers
	want    []string // substrings of the body
	notWant []string // substrings the body must not hold
	// unchanged: the purchase count must not change (nothing half-written).
	unchanged bool
	after     func(t *testing.T, e *env, res *httptest.ResponseRecorder)
	// prepare fills in what earlier scenarios produced (a token, an id).
	prepare func(sc *scenario)
}

// runScenarios runs the table on every engine, in turn: the tables'
// closures keep what earlier scenarios made (a token, a key) in variables
// both engines' runs share.
func runScenarios(t *testing.T, table []scenario) {
	sqlstoretest.EnginesInTurn(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		for _, sc := range table {
			sc.run(t, e)
		}
	})
}

func (sc scenario) run(t *testing.T, e *env) {
	t.Helper()
	if sc.prepare != nil {
		sc.prepare(&sc)
	}
	name := sc.name
	if name == "" {
		name = sc.method + " " + sc.url
	}
	t.Run(name, func(t *testing.T) {
		e.t = t
		header := http.Header{}
		for k, vs := range sc.header {
			header[k] = vs
		}
		if secret := e.secret(sc.as); secret != "" {
			header.Set("Authorization", secret)
		}
		before := -1
		if sc.unchanged {
			before = e.countPurchases()
		}
		res := e.do(sc.method, e.expand(sc.url), e.expand(sc.body), header)
		body := res.Body.String()
		if res.Code != sc.status {
			t.Fatalf("status %d; want %d\n%s", res.Code, sc.status, body)
		}
		if res.Code >= 400 {
			code, _ := errorOf(t, res)
			if sc.code != "" && code != sc.code {
				t.Errorf("error code %q; want %q\n%s", code, sc.code, body)
			}
		}
		for _, w := range sc.want {
			if w = e.expand(w); !strings.Contains(body, w) {
				t.Errorf("body lacks %q\n%s", w, body)
			}
		}
		for _, w := range sc.notWant {
			if w = e.expand(w); strings.Contains(body, w) {
				t.Errorf("body holds %q\n%s", w, body)
			}
		}
		if before >= 0 {
			if after := e.countPurchases(); after != before {
				t.Errorf("%d purchases before, %d after a failed request", before, after)
			}
		}
		if sc.after != nil {
			sc.after(t, e, res)
		}
	})
}

// secret maps a scenario's caller to its Authorization header.
func (e *env) secret(as string) string {
	switch as {
	case "", "none":
		return ""
	case "op":
		return "Bearer " + e.opKey
	case "devA":
		return "Bearer " + e.a.key
	case "devB":
		return "Bearer " + e.b.key
	case "memberA":
		return "Bearer " + e.a.memberToken
	case "memberB":
		return "Bearer " + e.b.memberToken
	case "custA":
		return "Bearer " + e.a.customerToken
	case "custB":
		return "Bearer " + e.b.customerToken
	}
	return as
}

// expand fills ${A.slug}-style placeholders with the seeded values.
func (e *env) expand(s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var pairs []string
	for prefix, tn := range map[string]tenant{"A": e.a, "B": e.b} {
		pairs = append(pairs,
			"${"+prefix+".slug}", tn.slug,
			"${"+prefix+".app}", tn.app,
			"${"+prefix+".item}", tn.item,
			"${"+prefix+".customer}", strconv.FormatInt(tn.customerID, 10),
			"${"+prefix+".txid}", tn.txid,
			"${"+prefix+".tid}", tn.tid,
			"${"+prefix+".keyid}", strconv.FormatInt(tn.keyID, 10),
			"${"+prefix+".email}", tn.customerEmail,
		)
		pairs = append(pairs, tn.desk.pairs(prefix)...)
		pairs = append(pairs, "${"+prefix+".review}", strconv.FormatInt(tn.reviewID, 10))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}
