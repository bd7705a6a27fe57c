package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// A customer picks their time zone in the footer: the page comes back with
// every time in it, the zone named, in both languages.
func TestTimeZoneFooter(t *testing.T) {
	s := Start(t)
	s.LoginAs("/login", s.M.Minji)
	s.Visit("/my/purchases")
	s.WaitText("2026-03-10 10:30 KST")
	s.Do(chromedp.SetValue(chromedp.ID("zone-pick"), "America/New_York"))
	s.Click(`.zone-form button[type="submit"]`)
	s.WaitText("2026-03-09 21:30 EDT")
	s.WaitLocation("/my/purchases")
	s.Look("/my/purchases", "zone-new-york")
}
