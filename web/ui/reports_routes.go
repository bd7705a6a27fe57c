package ui

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/report"
)

// The dashboards' views.
const (
	viewConsoleReports  view = "console_reports"
	viewOperatorReports view = "operator_reports"
)

// reportRoutes adds the dashboards and their CSV files: the developer's in
// the console, the store's in the back office.
func (h *handler) reportRoutes(mux *pageMux) {
	mux.Handle("GET /console/reports", h.require(realmDeveloper, h.reportsPage(false)))
	mux.Handle("GET /console/reports.csv", h.require(realmDeveloper, h.reportsCSV(false)))
	mux.Handle("GET /operator/reports", h.require(realmOperator, h.reportsPage(true)))
	mux.Handle("GET /operator/reports.csv", h.require(realmOperator, h.reportsCSV(true)))
}

// reportSectionsFor reads the reports (side by side: report.ReadDashboard)
// and lays them out: the developer's dashboard (store false) or the
// store's (true), with the tiles on top.
func (h *handler) reportSectionsFor(r *http.Request, f vocdesk.ReportFilter, store bool) ([]reportTile, []reportSection, error) {
	t := h.tr(r)
	d, err := report.ReadDashboard(r.Context(), h.svc.Reports, f, store)
	if err != nil {
		return nil, nil, err
	}
	inq, ref := d.Inquiries, d.Refunds
	tiles := []reportTile{
		{Label: t.T("reports.created"), Value: count(inq.Created)},
		{Label: t.T("reports.first_response") + " p50", Value: duration(t, inq.FirstResponse.P50), Note: "p90 " + duration(t, inq.FirstResponse.P90)},
		{Label: t.T("reports.resolution") + " p50", Value: duration(t, inq.Resolution.P50), Note: "p90 " + duration(t, inq.Resolution.P90)},
		{Label: t.T("reports.sla_breached"), Value: count(inq.SLABreached)},
		{Label: t.T("reports.satisfaction"), Value: inq.Rating.Average(), Note: t.T("reports.ratings_n", inq.Rating.Count())},
		{Label: t.T("reports.refunded"), Value: count(ref.Refunded.Count), Note: amounts(ref.Refunded.Amounts)},
	}
	var sections []reportSection
	if store {
		sections = append(sections, rankingSection(t, d.Ranking))
	}
	sections = append(sections, inquirySections(t, inq)...)
	sections = append(sections, refundSections(t, ref, !store)...)
	return tiles, sections, nil
}

// reportsPage is a dashboard: the filter form, the tiles, the sections.
func (h *handler) reportsPage(store bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if h.svc.Reports == nil {
			h.notFound(w, r)
			return
		}
		ctx := r.Context()
		form, f, err := reportQuery(r)
		d := &reportPageData{Form: form, Query: form.query()}
		var lerr error
		if d.Apps, lerr = h.svc.Developers.FindApps(ctx, vocdesk.AppFilter{DeveloperSlug: form.Developer}); lerr != nil && vocdesk.ErrorCode(lerr) != vocdesk.ENOTFOUND {
			h.fail(w, r, lerr)
			return
		}
		if store {
			if d.Developers, lerr = h.svc.Developers.FindDevelopers(ctx); lerr != nil {
				h.fail(w, r, lerr)
				return
			}
		}
		if err != nil {
			d.Invalid = true
		} else if d.Tiles, d.Sections, err = h.reportSectionsFor(r, f, store); err != nil {
			h.fail(w, r, err)
			return
		}
		v, title := viewConsoleReports, "reports.title"
		if store {
			v, title = viewOperatorReports, "reports.store_title"
		}
		h.render(w, r, http.StatusOK, v, title, d)
	}
}

// reportsCSV is one section's table as a CSV file (?table=ID and the filter).
func (h *handler) reportsCSV(store bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if h.svc.Reports == nil {
			h.notFound(w, r)
			return
		}
		form, f, err := reportQuery(r)
		if err != nil {
			h.renderError(w, r, http.StatusBadRequest, "error.invalid")
			return
		}
		_, sections, err := h.reportSectionsFor(r, f, store)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		s, ok := findSection(sections, r.URL.Query().Get("table"))
		if !ok {
			h.notFound(w, r)
			return
		}
		writeReportCSV(w, form, s)
	}
}
