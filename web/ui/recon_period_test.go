package ui_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
)

// uploadPeriod posts a server log for the period from..to as the form does.
func (b *browser) uploadPeriod(from, to, log string) *response {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", b.lastCSRF)
	_ = mw.WriteField("from", from)
	_ = mw.WriteField("to", to)
	fw, _ := mw.CreateFormFile("file", "log.csv")
	_, _ = fw.Write([]byte(log))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+"/console/reconciliations", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.e.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// The form's "paid until" is today, not tomorrow; a period typed as
// 11-27..12-06 reads 11-27 – 12-06 on the report and in the list (the end
// day included); and the log's records of purchases paid outside the
// period are "outside the period", not "delivered, not paid".
func TestReconciliationPeriodAndOutside(t *testing.T) {
	for _, lang := range []string{"en", "ko"} {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t, sqlstoretest.OpenSQLite(t), nil)
			m := e.m
			b := e.browser()
			b.lang = lang
			b.login("/developer/login", m.HoppinOwner.Email, "/console")
			page := b.get("/console/reconciliations")
			// Form dates are days in the zone the page shows times in,
			// which its footer names.
			zone := vocdesk.Seoul
			if strings.Contains(page.body, ">Times are shown in UTC") {
				zone = time.UTC
			}
			today := time.Now().In(zone)
			wantContains(t, page, `id="r-to" name="to" value="`+today.Format(time.DateOnly)+`"`,
				`id="r-from" name="from" value="`+today.AddDate(0, 0, -30).Format(time.DateOnly)+`"`)

			// A period that ends the day before the purchase was paid, in
			// the page's zone.
			p := m.MinjiPurchases[0]
			last := p.PaidAt.In(zone).AddDate(0, 0, -1)
			from, to := last.AddDate(0, 0, -9).Format(time.DateOnly), last.Format(time.DateOnly)
			log := "txid,tid,amount,currency\n" + p.TxID + "," + p.TID + "," + vocdesk.FormatAmount(p.Amount, p.Currency) + "," + p.Currency + "\n" +
				"TX-NOBODY,x,1,KRW\n"
			res := b.uploadPeriod(from, to, log)
			wantStatus(t, res, http.StatusSeeOther)
			report := res.Header.Get("Location")
			page = b.get(report)
			wantStatus(t, page, http.StatusOK)
			wantContains(t, page, from+" – "+to, `id="count-outside_period">1<`, `id="count-delivered_not_paid">1<`,
				`href="`+report+`?category=outside_period"`)
			wantLacks(t, page, `data-category="outside_period"`) // not among the exceptions
			page = b.get(report + "?category=outside_period")
			wantContains(t, page, `data-category="outside_period"`, `href="/console/purchases/`+p.TxID+`"`)
			wantLacks(t, page, "TX-NOBODY")
			wantContains(t, b.get("/console/reconciliations"), from+" – "+to)
		})
	}
}
