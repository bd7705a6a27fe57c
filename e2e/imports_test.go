package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// The back office imports a billing export from the browser: the upload's
// progress shows, the report counts the rows and lists the rejected ones
// with their line and reason, in the page's language (Korean reasons on the
// Korean report, no English among them), and offers them as CSV. A file
// that is no export is refused in the page's language too.
func TestOperatorImportsPurchases(t *testing.T) {
	s := Start(t)
	m := s.M
	minji := strconv.FormatInt(m.Minji.ID, 10)
	file := filepath.Join(t.TempDir(), "billing-2026-11.csv")
	csv := "txid,tid,customer_id,app,item,amount,currency,method,paid_at\n" +
		"TX-E2E-1,e2e-1," + minji + ",hoppin-quest,gems-100,1200,KRW,card,2026-11-27T13:05:00+09:00\n" +
		"TX-E2E-2,e2e-2," + minji + ",hoppin-quest,gems-100,12.5,KRW,card,2026-11-28T10:00:00+09:00\n" +
		"TX-E2E-3,e2e-3," + minji + ",hoppin-quest,gems-100,2400,KRW,carrier,2026-11-29T09:00:00+09:00\n" +
		"TX-E2E-4,e2e-4," + minji + ",no-such-app,gems-100,1200,KRW,card,2026-11-29T09:00:00+09:00\n" +
		"TX-E2E-5,e2e-5\n" +
		"TX-E2E-6,e2e-6,987654,hoppin-quest,gems-100,1200,KRW,card,2026-11-29T09:00:00+09:00\n"
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
	s.WaitText("Import report", "billing-2026-11.csv", "Rejected rows", "KRW amounts take no decimals: 12.5.",
		"No app has the slug no-such-app.", "The row has 2 fields; the header has 9.", "No store customer has the customer_id 987654.")
	for sel, want := range map[string]string{"#import-rows": "6", "#import-stored": "2", "#import-rejected": "4"} {
		if got := s.text(sel); got != want {
			t.Errorf("%s = %q; want %q", sel, got, want)
		}
	}
	report := s.Location()
	s.Look(report, "import-report")

	// The same report in Korean: every reason in Korean.
	s.Visit("/lang/ko?next=" + url.QueryEscape(report))
	s.WaitText("가져오기 보고서", "KRW 금액에는 소수점을 쓸 수 없습니다: 12.5", "이 슬러그의 앱이 없습니다: no-such-app",
		"이 행은 칸이 2개인데 머리글은 9개입니다.", "이 customer_id의 스토어 고객이 없습니다: 987654")
	s.NoText("has more decimals", "unknown app", "fields, the header", "unknown customer_id", "No app has", "The row has")

	// A file that is no export, refused in Korean.
	orders := filepath.Join(t.TempDir(), "orders.csv")
	if err := os.WriteFile(orders, []byte("order_no,price\nA1,1200\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.Visit("/operator/imports")
	s.Do(chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{orders}))
	s.Click(`#import-form button[type="submit"]`)
	s.WaitText("가져오지 않았습니다: 결제 내보내기 파일이 아닙니다. 없는 열: txid")
	s.NoText("missing column", "not a purchase export")
	s.forgive("status of 422") // the refusal is a 422 page, logged as a failed load
	s.Axe()
	s.Shot("import-refused-ko")

	s.Visit("/lang/en?next=/operator/imports")
	s.WaitText("billing-2026-11.csv")
	s.NoText("orders.csv")
}
