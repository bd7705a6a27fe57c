package ui_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// upload posts a multipart server log as the reconciliation form does,
// with the CSRF token as the first field unless token is "".
func (b *browser) upload(token, log string) *response {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if token != "" {
		_ = mw.WriteField("csrf", token)
	}
	_ = mw.WriteField("from", "2025-01-01")
	_ = mw.WriteField("to", "2026-12-31")
	_ = mw.WriteField("map_txid", "store_tx")
	fw, _ := mw.CreateFormFile("file", "log.csv")
	_, _ = fw.Write([]byte(log))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+"/console/reconciliations", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.e.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

func TestReconciliationPages(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) { testReconciliationPages(t, db) })
}

func testReconciliationPages(t *testing.T, db *sqlstore.DB) {
	e := newEnv(t, db, nil)
	m := e.m
	b := e.browser()
	b.login("/developer/login", m.HoppinOwner.Email, "/console")
	page := b.get("/console/reconciliations")
	wantStatus(t, page, http.StatusOK)
	wantContains(t, page, "Upload a server log", `name="map_txid"`, `value="txid"`)
	token := b.lastCSRF

	// The streamed upload takes its token from the first field only.
	wantStatus(t, b.upload("", "store_tx,tid,amount,currency\n"), http.StatusForbidden)
	wantStatus(t, b.upload("wrong", "store_tx,tid,amount,currency\n"), http.StatusForbidden)

	target := m.MinjiPurchases[0]
	res := b.upload(token, "store_tx,tid,amount,currency\nTX-NOT-OURS,x,1,KRW\n")
	wantStatus(t, res, http.StatusSeeOther)
	report := res.Header.Get("Location")
	if !strings.HasPrefix(report, "/console/reconciliations/") {
		t.Fatalf("upload redirects to %q", report)
	}
	page = b.get(report + "?category=paid_not_delivered")
	wantStatus(t, page, http.StatusOK)
	wantContains(t, page, `href="/console/purchases/`+target.TxID+`"`, "Paid, not delivered")
	csv := b.get(report + "/exceptions.csv?category=delivered_not_paid")
	wantStatus(t, csv, http.StatusOK)
	wantContains(t, csv, "category,txid,tid,store_amount", "delivered_not_paid,TX-NOT-OURS,x,,,1,KRW")
	// The mapping is remembered.
	wantContains(t, b.get("/console/reconciliations"), `value="store_tx"`)

	// Another developer finds neither the report nor the purchase.
	other := e.browser()
	other.login("/developer/login", m.NimbusOwner.Email, "/console")
	wantStatus(t, other.get(report), http.StatusNotFound)
	wantStatus(t, other.get("/console/purchases/"+target.TxID), http.StatusNotFound)
	wantStatus(t, other.post("/console/purchases/"+target.TxID+"/delivered", url.Values{"note": {"x"}}), http.StatusNotFound)

	// A viewer sees the evidence but not the form; the owner marks it.
	page = b.get("/console/purchases/" + target.TxID)
	wantContains(t, page, "No delivery logged by your server.", `action="/console/purchases/`+target.TxID+`/delivered"`)
	res = b.post("/console/purchases/"+target.TxID+"/delivered", url.Values{"note": {"resent"}, "next": {"https://evil.example/"}})
	wantRedirect(t, res, "/console/purchases/"+target.TxID+"#evidence")
	wantContains(t, b.get("/console/purchases/"+target.TxID), "resent", "Delivered")
	viewer := e.browser()
	viewer.login("/developer/login", m.HoppinViewer.Email, "/console")
	wantLacks(t, viewer.get("/console/purchases/"+m.MinjiPurchases[3].TxID), `/delivered"`)
}

// An inquiry about a purchase shows the purchase's delivery evidence, and
// marking it delivered from there returns to the inquiry.
func TestInquiryShowsDeliveryEvidence(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) { testInquiryShowsDeliveryEvidence(t, db) })
}

func testInquiryShowsDeliveryEvidence(t *testing.T, db *sqlstore.DB) {
	e := newEnv(t, db, nil)
	m := e.m
	p := m.JunPurchases[0] // hoppin's
	in := &vocdesk.Inquiry{TxID: p.TxID, Category: vocdesk.CategoryNotReceived, Subject: "Never got my gems"}
	if err := m.Svc.Inquiries.CreateInquiry(uitest.As(m.CustomerActor(m.Jun)), in, &vocdesk.Message{Body: "I paid but nothing arrived."}); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("/developer/login", m.HoppinOwner.Email, "/console")
	page := "/console/inquiries/" + strconv.FormatInt(in.ID, 10)
	res := b.get(page)
	wantStatus(t, res, http.StatusOK)
	wantContains(t, res, `id="evidence"`, "No delivery logged by your server.", p.TxID, `href="`+page+`#reply"`)
	res = b.post("/console/purchases/"+p.TxID+"/delivered", url.Values{"note": {"resent by hand"}, "next": {page}})
	wantRedirect(t, res, page+"#evidence")
	wantContains(t, b.get(page), "resent by hand")
}
