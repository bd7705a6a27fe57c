package web_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/survey"
)

// pagePatternRE finds the page routes with a parameter in web/ui's source.
var pagePatternRE = regexp.MustCompile(`"((?:GET|POST) /[^" ]*\{[^$"]*)"`)

// pageIDs names the aim a page path's {id} stands for, by path prefix.
var pageIDs = []struct{ prefix, field string }{
	{"/attachments/", "attachment"},
	{"/console/inquiries/views/", "view"},
	{"/console/inquiries/", "inquiry"},
	{"/operator/inquiries/", "inquiry"},
	{"/my/inquiries/", "inquiry"},
	{"/console/reconciliations/", "recon"},
	{"/console/cancellation-batches/", "batch"},
	{"/console/mail/", "mail"},
	{"/operator/mail/", "mail"},
	{"/console/team/keys/", "key"},
	{"/console/team/members/", "member"},
	{"/operator/imports/", "import"},
	{"/console/reviews/", "review"},
	{"/operator/reviews/", "review"},
	{"/console/settings/canned/", "canned"},
	{"/console/settings/macros/", "macro"},
	{"/console/settings/rules/", "rule"},
	{"/console/settings/availability/", "member"},
	{"/console/webhook/deliveries/", "delivery"},
	{"/operator/cancellations/", "cancellation"},
	{"/operator/keys/", "key"},
	{"/console/notifications/", "notification"},
	{"/console/social/", "connector"},
}

// publicPages have parameters that name nobody's things.
// A visible review is on the store's public page, whoever's app it is: any
// customer may find it helpful (TestReviewsAPI checks the API's answer).
var publicPages = map[string]bool{"GET /static/{file}": true, "GET /lang/{lang}": true,
	"POST /apps/{slug}/reviews/{id}/helpful": true}

// TestPageTenancyWalk is the tenancy walk of the pages (the API's is
// TestTenancyWalk), on both engines: every page route with a parameter,
// found in web/ui's source so that none is missed, is requested by
// developer B's member and customer B, aimed at developer A's things and at
// things that do not exist. Both must answer alike, and a path naming A's
// things must answer 404.
func TestPageTenancyWalk(t *testing.T) {
	var patterns []string
	files, _ := filepath.Glob("ui/*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pagePatternRE.FindAllStringSubmatch(string(src), -1) {
			if !publicPages[m[1]] {
				patterns = append(patterns, m[1])
			}
		}
	}
	sort.Strings(patterns)
	if len(patterns) < 20 {
		t.Fatalf("found only %d page routes with parameters in web/ui", len(patterns))
	}
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		srv := httptest.NewServer(e.srv)
		defer srv.Close()
		members, err := e.svc.Developers.FindMembers(systemCtx(), e.a.slug)
		if err != nil || len(members) == 0 {
			t.Fatalf("A's members: %v", err)
		}
		aims := map[string]map[string]string{
			"A": {"slug": e.a.slug, "txid": e.a.txid, "inquiry": id(e.a.desk.inquiryID), "attachment": id(e.a.desk.attachmentID),
				"recon": id(e.a.reconID), "view": id(e.a.desk.viewID), "canned": id(e.a.desk.cannedID), "delivery": id(e.a.deliveryID),
				"cancellation": id(e.a.cancellationID), "key": id(e.a.keyID), "batch": id(e.seedBatch(e.a)), "mail": id(e.a.mailID),
				// The store's imports belong to no developer: the
				// operator's realm refuses both callers before any id.
				"member": id(members[0].ID), "import": "1", "review": id(e.a.reviewID), "connector": id(e.a.connectorID),
				"macro": id(e.a.desk.macroID), "rule": id(e.a.desk.ruleID),
				// A survey link naming A's inquiry, not signed by this
				// server's key: a tampered or forged token.
				"token":        survey.Sign(bytes.Repeat([]byte{1}, 32), e.a.desk.inquiryID, time.Now().Add(time.Hour)),
				"notification": id(e.seedNotification(e.a))},
			"missing": {"slug": "zulu-none", "txid": "TX-ZULU-NONE", "inquiry": "987654331", "attachment": "987654332", "recon": "987654325",
				"view": "987654334", "canned": "987654333", "delivery": "987654324", "cancellation": "987654323", "key": "987654322",
				"batch": "987654326", "mail": "987654335", "member": "987654336", "import": "987654337", "review": "987654338",
				"notification": "987654339", "connector": "987654340", "macro": "987654341", "rule": "987654342",
				// A link this server signed, for an inquiry that does not exist.
				"token": survey.Sign(surveyKey(t, db), 987654331, time.Now().Add(time.Hour))},
		}
		callers := []struct{ name, login, home, email, password string }{
			{"developer B member", "/developer/login", "/console", e.b.memberEmail, e.b.memberPassword},
			{"customer B", "/login", "/my", e.b.customerEmail, e.b.customerPassword},
		}
		for _, c := range callers {
			cl := signedInClient(t, srv.URL, c.login, c.email, c.password)
			for _, p := range patterns {
				method, path, _ := strings.Cut(p, " ")
				t.Run(c.name+" "+p, func(t *testing.T) {
					var status [2]int
					var body [2]string
					for i, who := range []string{"A", "missing"} {
						target := fillPage(t, path, aims[who])
						res := cl.send(t, method, srv.URL, target, c.home)
						// A page may name the path it was asked for.
						escaped := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(url.QueryEscape(target)))
						status[i], body[i] = res.status, escaped.ReplaceAllString(strings.ReplaceAll(res.body, target, "<path>"), "<path>")
						if res.status < 300 && strings.Contains(strings.ToLower(res.body), "alpha") {
							t.Errorf("%s %s shows developer A's things", method, target)
						}
					}
					if status[0] != status[1] || body[0] != body[1] {
						t.Errorf("A's things and missing things answer differently: %d vs %d\n%s", status[0], status[1], firstDiff(body[0], body[1]))
					}
					// In the caller's own area, A's things are not found;
					// elsewhere the realm's refusal (a redirect to its
					// sign-in page) comes first, alike for both.
					if own := strings.HasPrefix(path, c.home+"/") || strings.HasPrefix(path, "/attachments/"); own && status[0] != http.StatusNotFound {
						t.Errorf("%s with A's ids answers %d; want 404", path, status[0])
					}
				})
			}
		}
	})
}

// firstDiff shows where two answers part, for the failure message.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return "A:       ..." + a[lo:min(len(a), i+80)] + "\nmissing: ..." + b[lo:min(len(b), i+80)]
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func fillPage(t *testing.T, path string, ids map[string]string) string {
	t.Helper()
	field := ""
	for _, p := range pageIDs {
		if strings.HasPrefix(path, p.prefix) {
			field = p.field
			break
		}
	}
	out := strings.NewReplacer("{txid}", ids["txid"], "{slug}", ids["slug"], "{action}", "approve", "{id}", ids[field], "{token}", ids["token"]).Replace(path)
	if strings.Contains(out, "{") || strings.Contains(out, "//") {
		t.Fatalf("teach the page walk how to aim %s at another tenant", path)
	}
	return out
}

type pageClient struct{ c *http.Client }

type pageAnswer struct {
	status int
	body   string // without the CSRF token, to compare answers
	raw    string
}

var pageCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signedInClient signs in through a sign-in page and keeps the cookies.
func signedInClient(t *testing.T, base, login, email, password string) *pageClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	pc := &pageClient{c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	res := pc.send(t, "POST", base, login, login, "email", email, "password", password)
	if res.status != http.StatusSeeOther {
		t.Fatalf("sign in at %s as %s: %d", login, email, res.status)
	}
	return pc
}

// send GETs target, or POSTs it a form with the CSRF token of the page at
// tokenPage (and a body field, which every post with a text field reads).
func (pc *pageClient) send(t *testing.T, method, base, target, tokenPage string, fields ...string) pageAnswer {
	t.Helper()
	var req *http.Request
	if method == "GET" {
		req, _ = http.NewRequest("GET", base+target, nil)
	} else {
		page := pc.send(t, "GET", base, tokenPage, "")
		m := pageCSRF.FindStringSubmatch(page.raw)
		if m == nil {
			t.Fatalf("no CSRF token on %s", tokenPage)
		}
		form := url.Values{"csrf": {m[1]}, "body": {"walk"}, "note": {"walk"}, "rating": {"5"}, "name": {"walk"}, "locale": {"ko"}, "role": {"viewer"}, "reason": {"walk"}}
		for i := 0; i+1 < len(fields); i += 2 {
			form.Set(fields[i], fields[i+1])
		}
		req, _ = http.NewRequest("POST", base+target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", "en")
	res, err := pc.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return pageAnswer{res.StatusCode, pageCSRF.ReplaceAllString(string(b), ""), string(b)}
}

// surveyKey is the key this database's server signs survey links with.
func surveyKey(t *testing.T, db *sqlstore.DB) []byte {
	t.Helper()
	k, err := db.ServerKey(t.Context(), "inquiry-survey")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestAuditPageTenancy: developer B's owner reads B's trail on the console
// and in its export, and nothing of A's whatever the query says; the
// back office's page is not theirs; a forged survey link is a missing page.
func TestAuditPageTenancy(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		srv := httptest.NewServer(e.srv)
		defer srv.Close()
		b := signedInClient(t, srv.URL, "/developer/login", e.b.memberEmail, e.b.memberPassword)
		for _, target := range []string{"/console/audit", "/console/audit?developer=" + e.a.slug, "/console/audit?entity=purchase",
			"/console/audit.csv", "/console/audit.csv?developer=" + e.a.slug + "&actor=system"} {
			res := b.send(t, "GET", srv.URL, target, "")
			if res.status != http.StatusOK || !strings.Contains(res.raw, e.b.slug) {
				t.Errorf("%s: %d, B's entries missing", target, res.status)
			}
			// The page names its own address (the language links).
			shown := strings.ReplaceAll(res.raw, strings.ReplaceAll(target, "&", "&amp;"), "<path>")
			shown = regexp.MustCompile(`(?i)`+regexp.QuoteMeta(url.QueryEscape(target))).ReplaceAllString(shown, "<path>")
			if strings.Contains(strings.ToLower(shown), "alpha") {
				i := strings.Index(strings.ToLower(shown), "alpha")
				t.Errorf("%s shows developer A's entries: %s", target, shown[max(0, i-200):min(len(shown), i+100)])
			}
		}
		if res := b.send(t, "GET", srv.URL, "/console/audit?q="+e.a.txid, ""); !strings.Contains(res.raw, "No entries match.") {
			t.Errorf("a search for A's txid finds entries")
		}
		if res := b.send(t, "GET", srv.URL, "/operator/audit", ""); res.status != http.StatusSeeOther {
			t.Errorf("the back office's trail answers a developer %d", res.status)
		}
		cust := signedInClient(t, srv.URL, "/login", e.b.customerEmail, e.b.customerPassword)
		for _, target := range []string{"/console/audit", "/operator/audit.csv"} {
			if res := cust.send(t, "GET", srv.URL, target, ""); res.status != http.StatusSeeOther {
				t.Errorf("%s answers a customer %d", target, res.status)
			}
		}
		forged := survey.Sign(bytes.Repeat([]byte{1}, 32), e.a.desk.inquiryID, time.Now().Add(time.Hour))
		if res := cust.send(t, "GET", srv.URL, "/rate/"+forged, ""); res.status != http.StatusNotFound || strings.Contains(strings.ToLower(res.raw), "alpha") {
			t.Errorf("a forged survey link answers %d", res.status)
		}
	})
}
