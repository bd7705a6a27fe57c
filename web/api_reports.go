package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/report"
)

func (s *Server) reports() (vocdesk.ReportService, error) {
	if s.svc.Reports == nil {
		return nil, errNotFound
	}
	return s.svc.Reports, nil
}

// reportFilter reads ?from=&to=&app=&developer= (days in Seoul, to
// inclusive; the last 30 days by default).
func reportFilter(r *http.Request) (vocdesk.ReportFilter, error) {
	q := r.URL.Query()
	return report.Query{From: q.Get("from"), To: q.Get("to"), App: q.Get("app"), Developer: q.Get("developer")}.Filter(time.Now())
}

type percentilesJSON struct {
	Count int64  `json:"count"`
	P50   *int64 `json:"p50"`
	P90   *int64 `json:"p90"`
}

type ratingJSON struct {
	Average json.Number      `json:"average"`
	Count   int64            `json:"count"`
	Counts  map[string]int64 `json:"counts"`
}

type dayJSON struct {
	Day   string `json:"day"`
	Count int64  `json:"count"`
}

type appCountJSON struct {
	App   string `json:"app"`
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

type commentJSON struct {
	Inquiry   int64  `json:"inquiry_id"`
	App       string `json:"app"`
	Rating    int    `json:"rating"`
	Comment   string `json:"comment"`
	CreatedAt string `json:"created_at"`
}

type inquiryReportJSON struct {
	From                 string           `json:"from"`
	To                   string           `json:"to"`
	Created              int64            `json:"created"`
	ByStatus             map[string]int64 `json:"by_status"`
	ByChannel            map[string]int64 `json:"by_channel"`
	ByCategory           map[string]int64 `json:"by_category"`
	ByDay                []dayJSON        `json:"by_day"`
	ByApp                []appCountJSON   `json:"by_app"`
	FirstResponseSeconds percentilesJSON  `json:"first_response_seconds"`
	ResolutionSeconds    percentilesJSON  `json:"resolution_seconds"`
	SLABreached          int64            `json:"sla_breached"`
	Rating               ratingJSON       `json:"rating"`
	LatestComments       []commentJSON    `json:"latest_comments"`
	Backlog              map[string]int64 `json:"backlog"`
}

// BacklogKeys name the backlog's age buckets in JSON and CSV.
var backlogKeys = [4]string{"under_1d", "1d_to_3d", "3d_to_7d", "7d_and_more"}

func newInquiryReportJSON(f vocdesk.ReportFilter, r *vocdesk.InquiryReport) inquiryReportJSON {
	from, to := report.Dates(f)
	out := inquiryReportJSON{From: from, To: to, Created: r.Created, SLABreached: r.SLABreached,
		ByStatus: map[string]int64{}, ByChannel: map[string]int64{}, ByCategory: map[string]int64{},
		ByDay: []dayJSON{}, ByApp: []appCountJSON{}, LatestComments: []commentJSON{}, Backlog: map[string]int64{},
		FirstResponseSeconds: percentilesJSON(r.FirstResponse), ResolutionSeconds: percentilesJSON(r.Resolution),
		Rating: ratingJSON{Average: json.Number(r.Rating.Average()), Count: r.Rating.Count(), Counts: map[string]int64{}},
	}
	// Every key is present, zeros included, so a script reads a fixed shape.
	for _, st := range vocdesk.InquiryStatuses() {
		out.ByStatus[string(st)] = r.ByStatus[st]
	}
	for _, ch := range report.Channels() {
		out.ByChannel[string(ch)] = r.ByChannel[ch]
	}
	for _, c := range vocdesk.Categories() {
		out.ByCategory[string(c)] = r.ByCategory[c]
	}
	for i, n := range r.Rating.Counts {
		out.Rating.Counts[string(rune('1'+i))] = n
	}
	for _, d := range r.ByDay {
		out.ByDay = append(out.ByDay, dayJSON{d.Day, d.N})
	}
	for _, a := range r.ByApp {
		out.ByApp = append(out.ByApp, appCountJSON{a.Key, a.Name, a.N})
	}
	for _, c := range r.Comments {
		out.LatestComments = append(out.LatestComments, commentJSON{c.InquiryID, c.AppSlug, c.Rating, c.Comment, timeJSON(c.CreatedAt)})
	}
	for i, k := range backlogKeys {
		out.Backlog[k] = r.Backlog[i]
	}
	return out
}

// getInquiryReport is GET /reports/inquiries.
func (s *Server) getInquiryReport(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reports()
	if err != nil {
		return err
	}
	f, err := reportFilter(r)
	if err != nil {
		return err
	}
	rep, err := svc.InquiryReport(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newInquiryReportJSON(f, rep))
	return nil
}

type refundAmountsJSON struct {
	Count   int64             `json:"count"`
	Amounts map[string]string `json:"amounts"`
}

func newRefundAmountsJSON(a *vocdesk.RefundAmounts) refundAmountsJSON {
	out := refundAmountsJSON{Amounts: map[string]string{}}
	if a == nil {
		return out
	}
	out.Count = a.Count
	for cur, n := range a.Amounts {
		out.Amounts[cur] = vocdesk.FormatAmount(n, cur)
	}
	return out
}

type refundItemJSON struct {
	App        string            `json:"app"`
	Item       string            `json:"item"`
	Name       string            `json:"name"`
	Purchases  int64             `json:"purchases"`
	Refunded   int64             `json:"refunded"`
	Amounts    map[string]string `json:"amounts"`
	RefundRate string            `json:"refund_rate_percent"`
}

type refundReportJSON struct {
	From       string                       `json:"from"`
	To         string                       `json:"to"`
	Requests   int64                        `json:"requests"`
	Refunded   refundAmountsJSON            `json:"refunded"`
	ByReason   map[string]refundAmountsJSON `json:"by_reason"`
	ByMethod   map[string]refundAmountsJSON `json:"by_method"`
	ByDay      []dayJSON                    `json:"by_day"`
	ByItem     []refundItemJSON             `json:"by_item"`
	Exceptions []dayJSON                    `json:"reconciliation_exceptions"`
}

func newRefundReportJSON(f vocdesk.ReportFilter, r *vocdesk.RefundReport) refundReportJSON {
	from, to := report.Dates(f)
	out := refundReportJSON{From: from, To: to, Requests: r.Requests, Refunded: newRefundAmountsJSON(&r.Refunded),
		ByReason: map[string]refundAmountsJSON{}, ByMethod: map[string]refundAmountsJSON{},
		ByDay: []dayJSON{}, ByItem: []refundItemJSON{}, Exceptions: []dayJSON{}}
	for _, rs := range report.Reasons() {
		out.ByReason[string(rs)] = newRefundAmountsJSON(r.ByReason[rs])
	}
	for _, m := range report.Methods() {
		out.ByMethod[string(m)] = newRefundAmountsJSON(r.ByMethod[m])
	}
	for _, d := range r.ByDay {
		out.ByDay = append(out.ByDay, dayJSON{d.Day, d.N})
	}
	for _, d := range r.Exceptions {
		out.Exceptions = append(out.Exceptions, dayJSON{d.Day, d.N})
	}
	for _, l := range r.ByItem {
		app, item := splitItemKey(l.Key)
		j := refundItemJSON{App: app, Item: item, Name: l.Name, Purchases: l.Purchases, Refunded: l.Refunded,
			Amounts: map[string]string{}, RefundRate: report.Percent(l.RefundRate)}
		for cur, n := range l.Amounts {
			j.Amounts[cur] = vocdesk.FormatAmount(n, cur)
		}
		out.ByItem = append(out.ByItem, j)
	}
	return out
}

// splitItemKey splits "app/sku" (a sku may hold a slash; an app slug may not).
func splitItemKey(k string) (app, item string) {
	for i := 0; i < len(k); i++ {
		if k[i] == '/' {
			return k[:i], k[i+1:]
		}
	}
	return k, ""
}

// getRefundReport is GET /reports/refunds.
func (s *Server) getRefundReport(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reports()
	if err != nil {
		return err
	}
	f, err := reportFilter(r)
	if err != nil {
		return err
	}
	rep, err := svc.RefundReport(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newRefundReportJSON(f, rep))
	return nil
}
