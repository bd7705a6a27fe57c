package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// newRefundEnv is newEnv with the cancellation service.
func newRefundEnv(t *testing.T, db *sqlstore.DB) *env {
	t.Helper()
	return newEnv(t, db, nil, func(m *uitest.Marketplace) { m.Svc.Cancellations = sqlstore.NewCancellationService(db) })
}

// formKey reads the idempotency key of the last page's refund form.
func formKey(t *testing.T, r *response) string {
	t.Helper()
	_, rest, ok := strings.Cut(r.body, `name="key" value="`)
	if !ok {
		t.Fatal("the page has no refund form")
	}
	key, _, _ := strings.Cut(rest, `"`)
	return key
}

func TestRefundPages(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newRefundEnv(t, db)
		m := e.m
		p := m.MinjiPurchases[0]       // hoppin's, 1,200 KRW
		junNimbus := m.JunPurchases[0] // nimbus's: not hoppin's
		for _, q := range m.JunPurchases {
			if q.DeveloperID == m.Nimbus.ID {
				junNimbus = q
			}
		}
		cancelPath := "/console/purchases/" + p.TxID + "/cancel"

		agent := e.browser()
		agent.login("/developer/login", m.HoppinAgent.Email, "/console")

		t.Run("another developer's purchase is the same 404 as a missing one", func(t *testing.T) {
			theirs, missing := agent.get("/console/purchases/"+junNimbus.TxID+"/cancel"), agent.get("/console/purchases/NOPE-0000/cancel")
			wantStatus(t, theirs, http.StatusNotFound)
			wantStatus(t, missing, http.StatusNotFound)
			if strings.ReplaceAll(theirs.body, junNimbus.TxID, "X") != strings.ReplaceAll(missing.body, "NOPE-0000", "X") {
				t.Error("another developer's purchase and a missing one answer differently")
			}
			agent.get(cancelPath)
			r := agent.post("/console/purchases/"+junNimbus.TxID+"/cancel", url.Values{"amount": {"100"}, "reason": {"other"}, "key": {"k-theirs"}})
			wantStatus(t, r, http.StatusNotFound)
		})

		t.Run("an inquiry's purchase picker: its own inquiry leads to the form, another developer's is a 404", func(t *testing.T) {
			mine := &vocdesk.Inquiry{AppSlug: p.AppSlug, Category: vocdesk.CategoryRefund, Subject: "picker"}
			if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Minji)), mine, &vocdesk.Message{Body: "?"}); err != nil {
				t.Fatal(err)
			}
			theirs := &vocdesk.Inquiry{TxID: junNimbus.TxID, Category: vocdesk.CategoryRefund, Subject: "picker"}
			if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Jun)), theirs, &vocdesk.Message{Body: "?"}); err != nil {
				t.Fatal(err)
			}
			wantRedirect(t, agent.get("/console/inquiries/"+itoa(mine.ID)+"/cancel?txid="+p.TxID), cancelPath+"?inquiry="+itoa(mine.ID))
			a := agent.get("/console/inquiries/" + itoa(theirs.ID) + "/cancel?txid=" + junNimbus.TxID)
			b := agent.get("/console/inquiries/987654321/cancel?txid=" + junNimbus.TxID)
			wantStatus(t, a, http.StatusNotFound)
			wantStatus(t, b, http.StatusNotFound)
			// The pages differ only in the language and zone switchers' way
			// back.
			next := regexp.MustCompile(`next=[^"]*|name="next" value="[^"]*"`)
			if next.ReplaceAllString(a.body, "") != next.ReplaceAllString(b.body, "") {
				t.Error("another developer's inquiry and a missing one answer differently")
			}
			// One picker, not a button per purchase.
			r := agent.get("/console/inquiries/" + itoa(mine.ID))
			wantContains(t, r, `id="refund-pick"`, `<option value="`+p.TxID+`">`)
			wantLacks(t, r, "/cancel?inquiry=")
		})

		t.Run("the form defaults to the whole amount; more than is left is 422 inline", func(t *testing.T) {
			r := agent.get(cancelPath)
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, "Send Purchase Cancellation Request", p.TID, `name="amount" required inputmode="decimal" value="1200"`, `value="fraud"`)
			r = agent.post(cancelPath, url.Values{"amount": {"1201"}, "reason": {"defective"}, "note": {"sorry"}, "key": {formKey(t, r)}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			wantContains(t, r, "more than is left to refund", `value="1201"`, "sorry")
		})

		t.Run("a double submit is one request", func(t *testing.T) {
			key := formKey(t, agent.get(cancelPath))
			form := url.Values{"amount": {"500"}, "reason": {"defective"}, "note": {"sorry"}, "key": {key}}
			// The answer is the purchase's page, with a flash, never the
			// form again filled with what is left.
			purchasePath := "/console/purchases/" + p.TxID
			wantRedirect(t, agent.post(cancelPath, form), purchasePath+"#refunds")
			r := agent.get(purchasePath)
			wantContains(t, r, "Cancellation request for 500 KRW sent.", "Awaiting approval", "700 KRW left to refund.", `id="send-refund"`)
			wantRedirect(t, agent.post(cancelPath, form), purchasePath+"#refunds")
			rs, _, err := m.Svc.Cancellations.FindCancellations(uitest.As(vocdesk.SystemActor()), vocdesk.CancellationFilter{TxID: p.TxID})
			if err != nil || len(rs) != 1 || rs[0].Amount != 500 {
				t.Fatalf("requests %v, %v; want one of 500", rs, err)
			}
			r = agent.get(cancelPath)
			wantContains(t, r, "Awaiting approval", "500 KRW", `value="700"`)
		})

		t.Run("a viewer sees no form and cannot post", func(t *testing.T) {
			viewer := e.browser()
			viewer.login("/developer/login", m.HoppinViewer.Email, "/console")
			r := viewer.get(cancelPath)
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, "Awaiting approval")
			wantLacks(t, r, `id="refund-form"`)
			r = viewer.post(cancelPath, url.Values{"amount": {"100"}, "reason": {"other"}, "key": {"k-viewer"}})
			wantStatus(t, r, http.StatusForbidden)
		})

		t.Run("CSRF: a post without the token or cross-site is refused", func(t *testing.T) {
			key := formKey(t, agent.get(cancelPath))
			form := url.Values{"amount": {"100"}, "reason": {"other"}, "key": {key}, "csrf": {""}}
			wantStatus(t, agent.post(cancelPath, form), http.StatusForbidden)
			form.Del("csrf")
			wantStatus(t, agent.post(cancelPath, form, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"), http.StatusForbidden)
		})

		t.Run("the operator's queue: approve, and the customer sees the state", func(t *testing.T) {
			op := e.browser()
			op.login("/operator/login", m.Operator.Email, "/operator")
			r := op.get("/operator/cancellations")
			wantStatus(t, r, http.StatusOK)
			// The queue names the developer and the customer, not only the
			// app's slug.
			wantContains(t, r, p.TxID, p.TID, "500 KRW", "Defective", `href="/operator/cancellations"`, "Hoppin Games", m.Minji.Name)
			rs, _, _ := m.Svc.Cancellations.FindCancellations(uitest.As(vocdesk.SystemActor()), vocdesk.CancellationFilter{TxID: p.TxID})
			id := rs[0].ID
			idPath := "/operator/cancellations/" + itoa(id)
			wantStatus(t, op.post(idPath+"/reject", url.Values{"reason": {""}}), http.StatusBadRequest)
			wantRedirect(t, op.post(idPath+"/approve", url.Values{}), "/operator/cancellations#c"+itoa(id))
			wantContains(t, op.get("/operator/cancellations"), "Nothing awaits a decision.", "Approved", "Request #"+itoa(id)+" approved")
			// The flash is shown once: a reload shows the queue alone.
			wantLacks(t, op.get("/operator/cancellations"), "Request #"+itoa(id)+" approved")
			// A second decision (another operator first, a double click)
			// says so rather than failing.
			wantRedirect(t, op.post(idPath+"/approve", url.Values{}), "/operator/cancellations#c"+itoa(id))
			wantContains(t, op.get("/operator/cancellations"), "was already decided")

			// Developers have no queue: the operator's sign-in is asked for.
			wantStatus(t, agent.get("/operator/cancellations"), http.StatusSeeOther)

			cust := e.browser()
			cust.login("/login", m.Minji.Email, "/my")
			r = cust.get("/my/purchases/" + p.TxID)
			wantStatus(t, r, http.StatusOK)
			wantContains(t, r, "Approved", "500 KRW", "sorry")
		})
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
