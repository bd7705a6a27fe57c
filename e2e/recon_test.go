package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk"
)

// A developer uploads its server log with its own column names, sees the
// report with the one purchase it never delivered, follows the exception to
// the purchase, and marks it delivered by hand.
func TestDeveloperReconcilesServerLog(t *testing.T) {
	s := Start(t)
	m := s.M
	target := m.MinjiPurchases[0] // hoppin-quest, the newest
	if target.DeveloperSlug != "hoppin" {
		t.Fatalf("seed changed: %s belongs to %s", target.TxID, target.DeveloperSlug)
	}
	// The server log: every hoppin purchase but the target, delivered.
	var b strings.Builder
	b.WriteString("order_no,store_tx,price,cur\r\n")
	for _, p := range append(append([]*vocdesk.Purchase{}, m.MinjiPurchases...), m.JunPurchases...) {
		if p.DeveloperSlug == "hoppin" && p.TxID != target.TxID {
			b.WriteString(p.TID + "," + p.TxID + "," + vocdesk.FormatAmount(p.Amount, p.Currency) + "," + p.Currency + "\r\n")
		}
	}
	log := filepath.Join(t.TempDir(), "deliveries.csv")
	if err := os.WriteFile(log, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	s.LoginAs("/developer/login", m.HoppinOwner)
	s.ClickLink("Reconciliation")
	s.WaitLocation("/console/reconciliations")
	s.WaitText("Upload a server log", "Column mapping")
	s.Do(
		setValue("#r-from", "2025-01-01"),
		setValue("#r-to", "2026-12-31"),
		setValue("#map-txid", "store_tx"),
		setValue("#map-tid", "order_no"),
		setValue("#map-amount", "price"),
		setValue("#map-currency", "cur"),
		chromedp.SetUploadFiles(chromedp.CSS("#r-file"), []string{log}),
	)
	s.Click(`.recon-form button[type="submit"]`)
	s.WaitLocation("/console/reconciliations/")
	s.WaitText("Reconciliation report", "deliveries.csv", "Paid, not delivered", target.TxID)
	if got := s.text("#count-paid_not_delivered"); got != "1" {
		t.Errorf("paid_not_delivered count %q; want 1", got)
	}
	s.Shot("recon-report")

	// The filter keeps only that category; the exception links to the purchase.
	s.Visit(s.Location() + "?category=paid_not_delivered")
	s.WaitText(target.TxID, "김민지")
	s.ClickLink(target.TxID)
	s.WaitLocation("/console/purchases/" + target.TxID)
	s.WaitText("Payment details", target.TID, "Not delivered", "No delivery logged by your server.")
	s.Shot("recon-evidence")

	s.Do(chromedp.SendKeys(chromedp.ID("ev-note"), "resent the gems by hand"))
	s.Click(`.mark-delivered button[type="submit"]`)
	s.WaitText("marked delivered by", "resent the gems by hand")
	if got := s.text("#evidence-state"); got != "Delivered" {
		t.Errorf("state after marking %q; want Delivered", got)
	}
	s.NoText("No delivery logged by your server.")

	// The mapping is remembered for the next upload.
	s.Visit("/console/reconciliations")
	s.WaitText("Upload a server log")
	if got := s.value("#map-txid"); got != "store_tx" {
		t.Errorf("remembered txid column %q; want store_tx", got)
	}
}

func (s *Suite) text(sel string) string {
	s.T.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		s.T.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(v)
}

func (s *Suite) value(sel string) string {
	s.T.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		s.T.Fatalf("value of %s: %v", sel, err)
	}
	return v
}
