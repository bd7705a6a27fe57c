package e2e

import (
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// bars reads the data-value of the marks of a chart in the page, as the
// browser laid it out.
func (s *Suite) bars(chartID string) string {
	s.T.Helper()
	return Eval[string](s, `Array.from(document.querySelectorAll('#`+chartID+` .bar, #`+chartID+` .dot')).map(e => e.dataset.value).join(' ')`)
}

// TestReportDashboards is issue 21's browser acceptance: both dashboards
// over uitest.SeedReports' history, in Korean and English (axe on each,
// screenshots to look at), with their SVG charts drawn: the number of marks
// and their values, and that each chart has a size on the page.
func TestReportDashboards(t *testing.T) {
	s := Start(t, func(m *uitest.Marketplace) { uitest.SeedReports(t, m) })
	m := s.M
	rng := "?from=" + uitest.ReportFrom + "&to=" + uitest.ReportTo

	s.LoginAs("/developer/login", m.HoppinOwner)
	s.Look("/console/reports"+rng, "reports-console")
	s.WaitText("How you serve your customers", "1h 00m", "10h 30m", "3.50", "2,000 KRW · 4.50 USD", "빠른 답변 감사합니다")
	for id, want := range map[string]string{
		"c-by-day":          "1 2 1",
		"c-by-channel":      "2 1 1 0 0",
		"c-by-category":     "1 0 1 1 0 1", // refund, not received, payment, bug, account, other
		"c-times":           "3600 37800 7200 36000",
		"c-sla":             "2 2",
		"c-satisfaction":    "1 0 0 1 0",
		"c-refunds-by-day":  "0 0 2",
		"c-refunds-by-item": "1000 0",
	} {
		if got := s.bars(id); got != want {
			t.Errorf("%s marks = %q, want %q", id, got, want)
		}
	}
	if n := Eval[int](s, `Array.from(document.querySelectorAll('svg.chart[role="img"]')).filter(e => e.getBoundingClientRect().width > 200 && e.querySelector('title')).length`); n != 13 {
		t.Errorf("%d charts drawn with a title, want 13", n)
	}
	// The app filter narrows to one app: Hoppin Puzzle had one inquiry.
	s.Visit("/console/reports" + rng + "&app=hoppin-puzzle")
	s.WaitText("Hoppin Puzzle")
	if got := s.bars("c-by-app"); got != "1" {
		t.Errorf("by app with the filter = %q", got)
	}

	op := s.Another()
	op.LoginAs("/operator/login", m.Operator)
	op.Look("/operator/reports"+rng, "reports-store")
	op.WaitText("Developers by response rate", "75.0%", "66.7%", "6,900 KRW · 4.50 USD")
	if got := op.bars("c-ranking"); got != "750 1000" {
		t.Errorf("ranking marks = %q", got)
	}
	if got := op.bars("c-refunds-by-method"); got != "1 1 1 0" {
		t.Errorf("refunds by method = %q", got)
	}
	if body := op.BodyText(); !strings.Contains(body, "Nimbus Labs") || !strings.Contains(body, "Hoppin Games") {
		t.Errorf("ranking names missing:\n%s", body)
	}
}
