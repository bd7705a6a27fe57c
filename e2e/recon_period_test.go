package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
)

// A log that reaches past the period: its record of a purchase paid after
// the period is "outside the period", counted and listed on its own, not
// "delivered, not paid"; the report shows the period as typed.
func TestReconciliationOutsidePeriod(t *testing.T) {
	s := Start(t)
	m := s.M
	p := m.MinjiPurchases[0]
	var b strings.Builder
	b.WriteString("txid,tid,amount,currency\n")
	b.WriteString(p.TxID + "," + p.TID + "," + vocdesk.FormatAmount(p.Amount, p.Currency) + "," + p.Currency + "\n")
	b.WriteString("TX-NOBODY,x,1,KRW\n")
	// Two rows the parser cannot read: their reasons in the page's language.
	b.WriteString("TX-BAD,y,abc,KRW\n")
	b.WriteString("TX-SHORT,z\n")
	log := filepath.Join(t.TempDir(), "server.csv")
	if err := os.WriteFile(log, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	s.LoginAs("/developer/login", m.HoppinOwner)
	s.Visit("/console/reconciliations")
	// The ten days before the purchase's day, in the zone of the page.
	zone := vocdesk.Seoul
	if strings.Contains(s.BodyText(), "Times are shown in UTC") {
		zone = time.UTC
	}
	last := p.PaidAt.In(zone).AddDate(0, 0, -1)
	from, to := last.AddDate(0, 0, -9).Format(time.DateOnly), last.Format(time.DateOnly)
	if got := s.value("#r-to"); got != time.Now().In(zone).Format(time.DateOnly) {
		t.Errorf("paid until defaults to %s; want today", got)
	}
	s.Do(
		setValue("#r-from", from),
		setValue("#r-to", to),
		setValue("#map-txid", "txid"),
		setValue("#map-tid", "tid"),
		setValue("#map-amount", "amount"),
		setValue("#map-currency", "currency"),
		chromedp.SetUploadFiles(chromedp.CSS("#r-file"), []string{log}),
	)
	s.Click(`.recon-form button[type="submit"]`)
	s.WaitLocation("/console/reconciliations/")
	s.WaitText("Reconciliation report", from+" – "+to, "Outside the period: 1")
	for sel, want := range map[string]string{"#count-outside_period": "1", "#count-delivered_not_paid": "1"} {
		if got := s.text(sel); got != want {
			t.Errorf("%s = %q; want %q", sel, got, want)
		}
	}
	report := s.Location()
	s.Visit("/lang/ko?next=" + url.QueryEscape(report))
	s.WaitText("금액을 숫자로 입력하세요: abc", "이 행은 칸이 2개인데 머리글은 4개입니다.")
	for _, english := range []string{"not a decimal number", "wrong number of fields"} {
		if strings.Contains(s.BodyText(), english) {
			t.Errorf("the Korean report shows %q", english)
		}
	}
	s.Look(report, "recon-outside")
	s.WaitText("The amount is not a number: abc.", "The row has 2 fields; the header has 4.")
	s.Look(report+"?category=outside_period", "recon-outside-tab")
	s.WaitText(p.TxID)
}
