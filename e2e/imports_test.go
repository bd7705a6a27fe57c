package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// The back office imports a billing export from the browser: the upload's
// progress shows, the report counts the rows and lists the rejected one
// with its line and reason, and offers them as CSV.
func TestOperatorImportsPurchases(t *testing.T) {
	s := Start(t)
	m := s.M
	minji := strconv.FormatInt(m.Minji.ID, 10)
	file := filepath.Join(t.TempDir(), "billing-2026-11.csv")
	csv := "txid,tid,customer_id,app,item,amount,currency,method,paid_at\n" +
		"TX-E2E-1,e2e-1," + minji + ",hoppin-quest,gems-100,1200,KRW,card,2026-11-27T13:05:00+09:00\n" +
		"TX-E2E-2,e2e-2," + minji + ",hoppin-quest,gems-100,12.5,KRW,card,2026-11-28T10:00:00+09:00\n" +
		"TX-E2E-3,e2e-3," + minji + ",hoppin-quest,gems-100,2400,KRW,carrier,2026-11-29T09:00:00+09:00\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	s.LoginAs("/operator/login", m.Operator)
	s.ClickLink("Imports")
	s.WaitLocation("/operator/imports")
	s.WaitText("Upload a billing export", "customer_id", "No import yet.")
	s.Look("/operator/imports", "imports")

	s.Do(chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{file}))
	s.Click(`#import-form button[type="submit"]`)
	s.WaitLocation("/operator/imports/")
	s.WaitText("Import report", "billing-2026-11.csv", "Rejected rows", "amount")
	for sel, want := range map[string]string{"#import-rows": "3", "#import-stored": "2", "#import-rejected": "1"} {
		if got := s.text(sel); got != want {
			t.Errorf("%s = %q; want %q", sel, got, want)
		}
	}
	report := s.Location()
	s.Look(report, "import-report")
	s.Visit("/operator/imports")
	s.WaitText("billing-2026-11.csv")
}
