package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// TestBulkCancellation is issue 19's second acceptance: a developer
// downloads nothing but fills in an .xlsx of 100 rows, 7 of them bad,
// uploads it, reads the preview (each bad row with its line and reason),
// submits it, watches it finish and downloads the results; each good row
// became one request. A broken file is refused with a clear message first.
func TestBulkCancellation(t *testing.T) {
	s := Start(t, withRefunds(t))
	m := s.M
	ctx := uitest.As(vocdesk.SystemActor())
	// hoppin's ledger gets 93 more purchases for the outage.
	var ps []*vocdesk.Purchase
	for i := range 93 {
		ps = append(ps, &vocdesk.Purchase{TxID: fmt.Sprintf("TX2026OUT%04d", i), TID: fmt.Sprintf("out-%d", i), CustomerID: m.Jun.ID,
			AppSlug: "hoppin-quest", ItemSKU: "gems-100", Amount: 1100, Currency: "KRW", Method: vocdesk.MethodCard, PaidAt: uitest.Latest})
	}
	if _, err := m.Svc.Purchases.ImportPurchases(ctx, ps); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{{"txid", "amount", "reason"}}
	for i, p := range ps {
		amount := ""
		if i%3 == 0 {
			amount = "500"
		}
		rows = append(rows, []any{p.TxID, amount, "not_delivered"})
	}
	bad := [][]any{
		{"TX-NO-SUCH-0001", "", ""},            // unknown
		{m.MinjiPurchases[2].TxID, "", ""},     // nimbus's: reads as unknown
		{ps[0].TxID, "", ""},                   // duplicate
		{ps[0].TxID + "X", "", "whim"},         // unknown, with a bad reason: the reason is checked first
		{m.MinjiPurchases[0].TxID, "12.5", ""}, // KRW has no minor unit
		{m.MinjiPurchases[1].TxID, "999999", ""},
		{"", "100", "other"},
	}
	rows = append(rows, bad...)
	dir := t.TempDir()
	file := filepath.Join(dir, "outage.xlsx")
	writeWorkbook(t, file, rows)
	broken := filepath.Join(dir, "broken.xlsx")
	if err := os.WriteFile(broken, []byte("PK\x03\x04 this is not a workbook"), 0o644); err != nil {
		t.Fatal(err)
	}

	s.LoginAs("/developer/login", m.HoppinOwner)
	s.ClickLink("Purchases")
	s.WaitText("Find a purchase")
	s.Click("#batch-link")
	s.WaitText("Upload a file", "Sample file (.xlsx)")
	s.Axe()
	s.Shot("upload-en")
	s.Do(chromedp.SetUploadFiles(chromedp.CSS(`#batch-file`), []string{broken}), chromedp.Click(chromedp.CSS(`#batch-form button[type="submit"]`)))
	s.WaitText("The file was not read:", "not a readable .xlsx")
	s.Axe()

	s.Do(chromedp.SetUploadFiles(chromedp.CSS(`#batch-file`), []string{file}), chromedp.Click(chromedp.CSS(`#batch-form button[type="submit"]`)))
	s.WaitText("Not sent yet", "100 rows: 93 accepted, 7 rejected", "Send 93 cancellation requests")
	for line, why := range map[int]string{95: "No purchase of your apps has this TxID.", 96: "No purchase of your apps has this TxID.",
		97: "This TxID is on an earlier row too.", 98: "The reason is not one of the cancellation reasons.",
		99: "The amount is not a valid amount", 100: "more than is left to refund", 101: "No TxID on this row."} {
		got := evalJS[string](s, fmt.Sprintf(`(document.querySelector('#batch-rejected tr[data-line="%d"]')||{}).innerText||""`, line))
		if !strings.Contains(got, why) {
			t.Errorf("line %d reads %q; want %q", line, got, why)
		}
	}
	if n := countRequests(t, m); n != 0 {
		t.Fatalf("the preview sent %d requests", n)
	}
	s.Axe()
	s.ShotView("preview-en")

	s.Click("#batch-submit-btn")
	s.WaitText("Done: 93 cancellation requests sent, 7 rows rejected.", "100 of 100 rows done")
	if n := countRequests(t, m); n != 93 {
		t.Fatalf("%d requests; want 93", n)
	}
	s.Axe()
	s.ShotView("done-en")
	csv, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`fetch(document.getElementById("batch-download").href).then(r => r.text())`,
		func(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) != 101 || !strings.HasPrefix(lines[1], "2,TX2026OUT0000,500,KRW,not_delivered,accepted,") ||
		!strings.Contains(csv, ",rejected,,duplicate_row") {
		t.Errorf("results file:\n%s", csv)
	}

	s.ClickLink("한국어")
	s.WaitText("완료: 결제 취소 요청 93건을 보냈고 7행은 거절되었습니다.", "거절된 행")
	s.Axe()
	s.ShotView("done-ko")
	s.Visit("/console/cancellation-batches")
	s.WaitText("파일 올리기", "샘플 파일 (.xlsx)")
	s.Axe()
	s.Shot("upload-ko")
	// The refused upload's page was a 422, as it should be; the browser
	// logs it (asynchronously, so it is forgiven only now).
	s.forgive("status of 422")
}

func writeWorkbook(t *testing.T, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func countRequests(t *testing.T, m *uitest.Marketplace) int {
	t.Helper()
	n, cursor := 0, ""
	for {
		rs, next, err := m.Svc.Cancellations.FindCancellations(uitest.As(vocdesk.SystemActor()), vocdesk.CancellationFilter{Cursor: cursor, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		n += len(rs)
		if next == "" {
			return n
		}
		cursor = next
	}
}
