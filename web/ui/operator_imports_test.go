package ui_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore"
	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// uploadImport posts a billing export as the import form does: the token
// first, then the file.
func (b *browser) uploadImport(name, csv string) *response {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", b.lastCSRF)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(csv))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+"/operator/imports", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.e.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// The back office imports a billing export with the CLI's rules: good rows
// stored, bad rows listed with line and reason and downloadable as the
// CLI's --rejects file; a file that is no export is refused with the
// reason and records nothing; the same file again stores nothing twice.
func TestOperatorImportsPurchases(t *testing.T) {
	sqlstoretest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db, nil)
		m := e.m
		op := e.browser()
		op.login("/operator/login", m.Operator.Email, "/operator")
		page := op.get("/operator/imports")
		wantStatus(t, page, http.StatusOK)
		wantContains(t, page, `action="/operator/imports"`, "customer_id", "No import yet.")

		minji := strconv.FormatInt(m.Minji.ID, 10)
		csv := "\xEF\xBB\xBFtxid,tid,customer_id,app,item,amount,currency,method,paid_at,note\r\n" +
			"TX-IMP-1,imp-1," + minji + ",hoppin-quest,gems-100,1200,KRW,card,2026-11-27T13:05:00+09:00,first\r\n" +
			"TX-IMP-2,imp-2," + minji + ",hoppin-quest,gems-100,12.5,KRW,card,2026-11-28T10:00:00+09:00,bad amount\r\n" +
			"TX-IMP-3,imp-3," + minji + ",no-such-app,gems-100,1200,KRW,card,2026-11-28T10:00:00+09:00,bad app\r\n" +
			"\"TX-IMP-4\",imp-4," + minji + ",hoppin-quest,gems-100,2400,KRW,carrier,2026-11-29T09:00:00Z,\"quoted, with comma\"\r\n" +
			"TX-IMP-5,imp-5\r\n" +
			"\"=HYPERLINK(\"\"http://evil.example/\"\")\",imp-6," + minji + ",hoppin-quest,gems-100,-1,KRW,card,2026-11-29T09:00:00Z,formula\r\n"
		r := op.uploadImport("export.csv", csv)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("import: %d %s", r.StatusCode, r.body)
		}
		report := r.Header.Get("Location")
		if !regexp.MustCompile(`^/operator/imports/\d+$`).MatchString(report) {
			t.Fatalf("import redirects to %q", report)
		}
		page = op.get(report)
		wantContains(t, page, `id="import-rows">6<`, `id="import-stored">2<`, `id="import-rejected">4<`, "export.csv",
			`href="`+report+`/rejects.csv"`)
		wantContains(t, page, "<td class=\"num\">3</td>", "amount", "<td class=\"num\">6</td>", "2 fields")
		for _, txid := range []string{"TX-IMP-1", "TX-IMP-4"} {
			if _, err := m.Svc.Purchases.FindPurchaseByTxID(uitest.System(), txid); err != nil {
				t.Errorf("%s not stored: %v", txid, err)
			}
		}
		rej := op.get(report + "/rejects.csv")
		wantStatus(t, rej, http.StatusOK)
		if ct := rej.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("rejects.csv Content-Type %q", ct)
		}
		wantContains(t, rej, "line,error,txid,tid,customer_id,app,item,amount,currency,method,paid_at,note\n",
			"\n3,", ",bad amount\n", "\n4,", ",bad app\n", "\n6,", "TX-IMP-5,imp-5\n",
			// A cell a spreadsheet would run is written as text, as the CLI writes it.
			"\n7,The amount must be greater than zero.,\"'=HYPERLINK(\"\"http://evil.example/\"\")\",imp-6,", ",'-1,")
		wantLacks(t, rej, ",=HYPERLINK", ",-1,")

		// The same file again: nothing new, nothing twice.
		op.get("/operator/imports")
		r = op.uploadImport("export.csv", csv)
		wantStatus(t, r, http.StatusSeeOther)
		wantContains(t, op.get(r.Header.Get("Location")), `id="import-stored">2<`)

		// Not an export: refused with the reason, nothing recorded.
		op.get("/operator/imports") // a fresh token for the next upload
		r = op.uploadImport("orders.csv", "order_no,price\nA1,1200\n")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantContains(t, r, "missing column(s) txid")
		wantLacks(t, op.get("/operator/imports"), "orders.csv")
		r = op.uploadImport("empty.csv", "")
		wantStatus(t, r, http.StatusUnprocessableEntity)

		// Developers and customers have no imports; a missing one is 404.
		dev := e.browser()
		dev.login("/developer/login", m.HoppinOwner.Email, "/console")
		if r := dev.get(report); r.StatusCode == http.StatusOK {
			t.Errorf("a developer opens an import report")
		}
		wantStatus(t, op.get("/operator/imports/987654"), http.StatusNotFound)
		wantStatus(t, op.get("/operator/imports/987654/rejects.csv"), http.StatusNotFound)
	})
}
