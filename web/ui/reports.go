package ui

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/csvsafe"
	"github.com/vocdesk/vocdesk/report"
	"github.com/vocdesk/vocdesk/web/ui/chart"
)

// The dashboards: the console's (a developer's own figures) and the back
// office's (the store's). Each section is a chart and the table of the
// same figures, and the table is also the section's CSV file, so what is
// drawn, what is read and what is downloaded cannot disagree.

// reportTable is a section's figures as rows of text.
type reportTable struct {
	Head []string
	Rows [][]string
}

// reportSection is one chart with its table.
type reportSection struct {
	ID, Title string
	Chart     template.HTML
	Table     reportTable
	Comments  []vocdesk.RatingComment // satisfaction only: the latest comments
}

// reportTile is one headline figure.
type reportTile struct {
	Label, Value, Note string
}

// reportForm is the filter form as sent, for the form to show again.
type reportForm struct {
	From, To, App, Developer string
}

type reportPageData struct {
	Form       reportForm
	Apps       []*vocdesk.App
	Developers []*vocdesk.Developer
	Tiles      []reportTile
	Sections   []reportSection
	Query      string // the filter as a query string, for the CSV links
	Invalid    bool
}

// reportQuery reads the filter; Invalid when it is malformed (the page then
// shows the form and no figures).
func reportQuery(r *http.Request) (reportForm, vocdesk.ReportFilter, error) {
	q := r.URL.Query()
	form := reportForm{From: q.Get("from"), To: q.Get("to"), App: q.Get("app"), Developer: q.Get("developer")}
	f, err := report.Query{From: form.From, To: form.To, App: form.App, Developer: form.Developer}.Filter(time.Now())
	if err == nil {
		form.From, form.To = report.Dates(f)
	}
	return form, f, err
}

func (f reportForm) query() string {
	v := url.Values{}
	v.Set("from", f.From)
	v.Set("to", f.To)
	if f.App != "" {
		v.Set("app", f.App)
	}
	if f.Developer != "" {
		v.Set("developer", f.Developer)
	}
	return v.Encode()
}

// duration reads business seconds as hours and minutes ("—" for none).
func duration(t tr, secs *int64) string {
	if secs == nil {
		return "—"
	}
	if *secs < 3600 {
		return t.T("reports.m", *secs/60)
	}
	return t.T("reports.hm", *secs/3600, *secs%3600/60)
}

func secsCell(secs *int64) string {
	if secs == nil {
		return ""
	}
	return strconv.FormatInt(*secs, 10)
}

func count(n int64) string { return strconv.FormatInt(n, 10) }

// amounts formats money per currency, in currency order ("3,000 KRW · 4.50 USD").
func amounts(m map[string]int64) string {
	curs := make([]string, 0, len(m))
	for c := range m {
		curs = append(curs, c)
	}
	slices.Sort(curs)
	parts := make([]string, 0, len(curs))
	for _, c := range curs {
		parts = append(parts, vocdesk.Money{Amount: m[c], Currency: c}.String())
	}
	return strings.Join(parts, " · ")
}

// keyed is a section of counts under keys: horizontal bars and a two
// column table.
func keyed(t tr, id, title, keyHead string, keys []string, labels []string, values []int64) reportSection {
	s := reportSection{ID: id, Title: title, Table: reportTable{Head: []string{keyHead, t.T("reports.count")}}}
	pts := make([]chart.Point, len(keys))
	for i := range keys {
		pts[i] = chart.Point{Label: labels[i], Value: values[i]}
		s.Table.Rows = append(s.Table.Rows, []string{labels[i], count(values[i])})
	}
	s.Chart = chart.HBars(chart.Chart{ID: "c-" + id, Title: title, Desc: t.T("reports.desc_keyed", title)}, pts)
	return s
}

// inquirySections are the inquiry report's sections, shared by both dashboards.
func inquirySections(t tr, rep *vocdesk.InquiryReport) []reportSection {
	var out []reportSection
	// By day, stacked by channel.
	{
		title := t.T("reports.by_day")
		chans := report.Channels()
		days := make([]string, len(rep.ByDay))
		series := make([]chart.Series, len(chans))
		head := []string{t.T("reports.day")}
		for k, c := range chans {
			series[k] = chart.Series{Name: t.T("channel." + string(c)), Values: make([]int64, len(rep.ByDay))}
			head = append(head, series[k].Name)
		}
		s := reportSection{ID: "by-day", Title: title, Table: reportTable{Head: append(head, t.T("reports.total"))}}
		for i, d := range rep.ByDay {
			days[i] = d.Day[5:] // MM-DD under the bars; the table has the year
			row := []string{d.Day}
			for k, c := range chans {
				n := rep.ByDayChannel[d.Day][c]
				series[k].Values[i] = n
				row = append(row, count(n))
			}
			s.Table.Rows = append(s.Table.Rows, append(row, count(d.N)))
		}
		s.Chart = chart.Stacked(chart.Chart{ID: "c-by-day", Title: title, Desc: t.T("reports.desc_by_day", rep.Created)}, days, series)
		out = append(out, s)
	}
	var keys, labels []string
	var values []int64
	reset := func() { keys, labels, values = nil, nil, nil }
	for _, c := range report.Channels() {
		keys, labels, values = append(keys, string(c)), append(labels, t.T("channel."+string(c))), append(values, rep.ByChannel[c])
	}
	out = append(out, keyed(t, "by-channel", t.T("reports.by_channel"), t.T("reports.channel"), keys, labels, values))
	reset()
	for _, c := range vocdesk.Categories() {
		keys, labels, values = append(keys, string(c)), append(labels, t.T("category."+string(c))), append(values, rep.ByCategory[c])
	}
	out = append(out, keyed(t, "by-category", t.T("reports.by_category"), t.T("reports.category"), keys, labels, values))
	reset()
	for _, a := range rep.ByApp {
		keys, labels, values = append(keys, a.Key), append(labels, a.Name), append(values, a.N)
	}
	out = append(out, keyed(t, "by-app", t.T("reports.by_app"), t.T("reports.app"), keys, labels, values))

	// Times: p50 and p90 of both, as bars in minutes.
	{
		title := t.T("reports.times")
		s := reportSection{ID: "times", Title: title, Table: reportTable{Head: []string{t.T("reports.measure"), t.T("reports.count"),
			"p50", "p90", t.T("reports.p50_secs"), t.T("reports.p90_secs")}}}
		var pts []chart.Point
		for _, m := range []struct {
			key string
			p   vocdesk.Percentiles
		}{{"reports.first_response", rep.FirstResponse}, {"reports.resolution", rep.Resolution}} {
			name := t.T(m.key)
			s.Table.Rows = append(s.Table.Rows, []string{name, count(m.p.Count), duration(t, m.p.P50), duration(t, m.p.P90), secsCell(m.p.P50), secsCell(m.p.P90)})
			for _, q := range []struct {
				l string
				v *int64
			}{{"p50", m.p.P50}, {"p90", m.p.P90}} {
				var v int64
				if q.v != nil {
					v = *q.v
				}
				pts = append(pts, chart.Point{Label: name + " " + q.l, Value: v})
			}
		}
		s.Chart = chart.HBars(chart.Chart{ID: "c-times", Title: title, Desc: t.T("reports.desc_times"),
			Format: func(v int64) string { return duration(t, &v) }}, pts)
		out = append(out, s)
	}
	// SLA: breached and within, of the range's inquiries.
	out = append(out, keyed(t, "sla", t.T("reports.sla"), t.T("reports.sla_state"), []string{"breached", "within"},
		[]string{t.T("reports.sla_breached"), t.T("reports.sla_within")}, []int64{rep.SLABreached, rep.Created - rep.SLABreached}))
	// Backlog by age, now.
	{
		title := t.T("reports.backlog")
		s := reportSection{ID: "backlog", Title: title, Table: reportTable{Head: []string{t.T("reports.age"), t.T("reports.count")}}}
		pts := make([]chart.Point, len(rep.Backlog))
		for i, n := range rep.Backlog {
			l := t.T("reports.age_" + strconv.Itoa(i))
			pts[i] = chart.Point{Label: l, Value: n}
			s.Table.Rows = append(s.Table.Rows, []string{l, count(n)})
		}
		s.Chart = chart.Bars(chart.Chart{ID: "c-backlog", Title: title, Desc: t.T("reports.desc_backlog")}, pts)
		out = append(out, s)
	}
	// Satisfaction: the distribution from five stars down, and the latest comments.
	{
		title := t.T("reports.satisfaction")
		s := reportSection{ID: "satisfaction", Title: title, Comments: rep.Comments,
			Table: reportTable{Head: []string{t.T("reports.rating"), t.T("reports.count")}}}
		var pts []chart.Point
		for stars := 5; stars >= 1; stars-- {
			l := t.T("reports.stars", stars)
			n := rep.Rating.Counts[stars-1]
			pts = append(pts, chart.Point{Label: l, Value: n})
			s.Table.Rows = append(s.Table.Rows, []string{l, count(n)})
		}
		s.Chart = chart.HBars(chart.Chart{ID: "c-satisfaction", Title: title,
			Desc: t.T("reports.desc_satisfaction", rep.Rating.Average(), rep.Rating.Count())}, pts)
		out = append(out, s)
	}
	return out
}

// refundSections are the refund report's sections: by day, by reason, by
// method (both dashboards), and per item and reconciliation exceptions
// (a developer's).
func refundSections(t tr, rep *vocdesk.RefundReport, developer bool) []reportSection {
	var out []reportSection
	line := func(id, title, desc string, days []vocdesk.DayCount) reportSection {
		s := reportSection{ID: id, Title: title, Table: reportTable{Head: []string{t.T("reports.day"), t.T("reports.count")}}}
		pts := make([]chart.Point, len(days))
		for i, d := range days {
			pts[i] = chart.Point{Label: d.Day[5:], Value: d.N}
			s.Table.Rows = append(s.Table.Rows, []string{d.Day, count(d.N)})
		}
		s.Chart = chart.Line(chart.Chart{ID: "c-" + id, Title: title, Desc: desc}, pts)
		return s
	}
	out = append(out, line("refunds-by-day", t.T("reports.refunds_by_day"), t.T("reports.desc_refunds_by_day", rep.Refunded.Count), rep.ByDay))
	amountSection := func(id, title, keyHead string, keys []string, ras []*vocdesk.RefundAmounts) reportSection {
		s := reportSection{ID: id, Title: title, Table: reportTable{Head: []string{keyHead, t.T("reports.count"), t.T("reports.amount")}}}
		pts := make([]chart.Point, len(keys))
		for i, k := range keys {
			ra := ras[i]
			if ra == nil {
				ra = &vocdesk.RefundAmounts{}
			}
			pts[i] = chart.Point{Label: k, Value: ra.Count}
			s.Table.Rows = append(s.Table.Rows, []string{k, count(ra.Count), amounts(ra.Amounts)})
		}
		s.Chart = chart.HBars(chart.Chart{ID: "c-" + id, Title: title, Desc: t.T("reports.desc_keyed", title)}, pts)
		return s
	}
	var keys []string
	var ras []*vocdesk.RefundAmounts
	for _, rs := range report.Reasons() {
		keys, ras = append(keys, t.T("refund.reason."+string(rs))), append(ras, rep.ByReason[rs])
	}
	out = append(out, amountSection("refunds-by-reason", t.T("reports.refunds_by_reason"), t.T("reports.reason"), keys, ras))
	keys, ras = nil, nil
	for _, m := range report.Methods() {
		keys, ras = append(keys, t.Method(m)), append(ras, rep.ByMethod[m])
	}
	out = append(out, amountSection("refunds-by-method", t.T("reports.refunds_by_method"), t.T("reports.method"), keys, ras))
	if !developer {
		return out
	}
	{
		title := t.T("reports.refunds_by_item")
		s := reportSection{ID: "refunds-by-item", Title: title, Table: reportTable{Head: []string{t.T("reports.item"),
			t.T("reports.purchases"), t.T("reports.refunded"), t.T("reports.refund_rate"), t.T("reports.amount")}}}
		var pts []chart.Point
		for _, l := range rep.ByItem {
			pts = append(pts, chart.Point{Label: l.Name, Value: l.RefundRate.Tenths()})
			s.Table.Rows = append(s.Table.Rows, []string{l.Name, count(l.Purchases), count(l.Refunded), report.Percent(l.RefundRate) + "%", amounts(l.Amounts)})
		}
		s.Chart = chart.HBars(chart.Chart{ID: "c-refunds-by-item", Title: title, Desc: t.T("reports.desc_refund_rate"),
			Format: func(v int64) string { return fmt.Sprintf("%d.%d%%", v/10, v%10) }}, pts)
		out = append(out, s)
	}
	out = append(out, line("exceptions", t.T("reports.exceptions"), t.T("reports.desc_exceptions"), rep.Exceptions))
	return out
}

// writeReportCSV answers one section's table as a CSV file, its cells made
// safe from formula injection.
func writeReportCSV(w http.ResponseWriter, form reportForm, s reportSection) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/csv; charset=utf-8")
	hdr.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="report-%s-%s-%s.csv"`, s.ID, form.From, form.To))
	hdr.Set("Cache-Control", "no-store")
	cw := csvsafe.NewWriter(w)
	_ = cw.Write(s.Table.Head)
	for _, row := range s.Table.Rows {
		_ = cw.Write(row)
	}
	cw.Flush()
}

// findSection picks the section a CSV link names.
func findSection(list []reportSection, id string) (reportSection, bool) {
	for _, s := range list {
		if s.ID == id {
			return s, true
		}
	}
	return reportSection{}, false
}

// reportView is the page with the path its CSV links go to, for the
// dashboards' shared body.
type reportView struct {
	*page
	CSVPath string
}

// WithCSV is the page as the report body's template reads it.
func (p *page) WithCSV(path string) reportView { return reportView{page: p, CSVPath: path} }
