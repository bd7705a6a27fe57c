package ui

import (
	"fmt"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/report"
	"github.com/vocdesk/vocdesk/web/ui/chart"
)

// rankingSection is the store's ranking of developers, worst response rate
// first: the chart draws the response rate, the table every figure.
func rankingSection(t tr, ranks []*vocdesk.DeveloperRank) reportSection {
	title := t.T("reports.ranking")
	s := reportSection{ID: "ranking", Title: title, Table: reportTable{Head: []string{
		t.T("reports.developer"), t.T("reports.created"), t.T("reports.responded"), t.T("reports.response_rate"),
		t.T("reports.median_first_response"), t.T("reports.p50_secs"), t.T("reports.escalations"), t.T("reports.purchases"),
		t.T("reports.refunded"), t.T("reports.refund_rate")}}}
	pts := make([]chart.Point, 0, len(ranks))
	for _, d := range ranks {
		pts = append(pts, chart.Point{Label: d.Name, Value: d.ResponseRate.Tenths()})
		s.Table.Rows = append(s.Table.Rows, []string{d.Name + " (" + d.Slug + ")", count(d.Inquiries), count(d.Responded),
			report.Percent(d.ResponseRate) + "%", duration(t, d.MedianFirstResponse), secsCell(d.MedianFirstResponse),
			count(d.Escalations), count(d.Purchases), count(d.Refunded), report.Percent(d.RefundRate) + "%"})
	}
	s.Chart = chart.HBars(chart.Chart{ID: "c-ranking", Title: title, Desc: t.T("reports.desc_ranking"),
		Format: func(v int64) string { return fmt.Sprintf("%d.%d%%", v/10, v%10) }}, pts)
	return s
}
