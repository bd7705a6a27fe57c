package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/csvsafe"
)

type reconReportData struct {
	Report     *vocdesk.Reconciliation
	Counts     []reconCount
	Category   string // the filter, "" for all
	Categories []string
	Exceptions []reconExceptionRow
	Next       string // cursor of the next page
	Errors     []*vocdesk.ReconRowError
}

type reconCount struct {
	Category  string
	N         int64
	Exception bool
}

// reconExceptionRow is an exception with what the table shows beside it:
// money in people's form and the customer, as far as the member may see.
type reconExceptionRow struct {
	*vocdesk.ReconException
	Store, Server *vocdesk.Money
	Customer      *vocdesk.Customer
}

// reconReport shows one report: counts per category, the exceptions a page
// at a time with a category filter, each linked to its purchase, and the
// malformed rows.
func (h *handler) reconReport(w http.ResponseWriter, r *http.Request) {
	svc := h.svc.Reconciliation
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if svc == nil || err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	ctx := r.Context()
	a := vocdesk.ActorFromContext(ctx)
	d := &reconReportData{Category: r.URL.Query().Get("category")}
	if d.Report, err = svc.FindReconciliation(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, c := range vocdesk.ReconCategories {
		ex := vocdesk.IsReconException(c)
		d.Counts = append(d.Counts, reconCount{Category: c, N: d.Report.Counts[c], Exception: ex})
		// Records outside the period get a tab only when there are some:
		// a report on pushed deliveries never has any.
		if ex || (vocdesk.IsReconListed(c) && d.Report.Counts[c] > 0) {
			d.Categories = append(d.Categories, c)
		}
	}
	exc, next, err := svc.FindReconExceptions(ctx, id, vocdesk.ReconFilter{Category: d.Category, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Next = next
	customers := map[int64]*vocdesk.Customer{}
	for _, e := range exc {
		row := reconExceptionRow{ReconException: e}
		if e.StoreCurrency != "" {
			row.Store = &vocdesk.Money{Amount: e.StoreAmount, Currency: e.StoreCurrency}
		}
		if e.ServerCurrency != "" {
			row.Server = &vocdesk.Money{Amount: e.ServerAmount, Currency: e.ServerCurrency}
		}
		if e.CustomerID != 0 {
			c, seen := customers[e.CustomerID]
			if !seen {
				if c, err = h.svc.Customers.FindCustomerByID(ctx, e.CustomerID); err == nil {
					c = maskFor(a, c)
				} else if vocdesk.ErrorCode(err) != vocdesk.ENOTFOUND {
					h.fail(w, r, err)
					return
				}
				customers[e.CustomerID] = c
			}
			row.Customer = c
		}
		d.Exceptions = append(d.Exceptions, row)
	}
	if d.Errors, err = svc.FindReconErrors(ctx, id, 20); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, viewReconReport, "recon.report_title", d)
}

// reconExport is the report's exceptions.csv, for members signed in to
// the console (the API's export takes a bearer token instead).
func (h *handler) reconExport(w http.ResponseWriter, r *http.Request) {
	svc := h.svc.Reconciliation
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if svc == nil || err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	category := r.URL.Query().Get("category")
	if category != "" && !vocdesk.IsReconListed(category) {
		h.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	if _, err := svc.FindReconciliation(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/csv; charset=utf-8")
	hdr.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="reconciliation-%d-exceptions.csv"`, id))
	hdr.Set("Cache-Control", "no-store")
	cw := csvsafe.NewWriter(w)
	_ = cw.Write([]string{"category", "txid", "tid", "store_amount", "store_currency", "server_amount", "server_currency"})
	err = svc.EachReconException(r.Context(), id, category, func(e *vocdesk.ReconException) error {
		store, server := "", ""
		if e.StoreCurrency != "" {
			store = vocdesk.FormatAmount(e.StoreAmount, e.StoreCurrency)
		}
		if e.ServerCurrency != "" {
			server = vocdesk.FormatAmount(e.ServerAmount, e.ServerCurrency)
		}
		return cw.Write([]string{e.Category, e.TxID, e.TID, store, e.StoreCurrency, server, e.ServerCurrency})
	})
	if err != nil {
		// The header row is out: cut the connection so the file is seen
		// to be incomplete rather than silently short.
		h.log.ErrorContext(r.Context(), "ui: export exceptions", "id", id, "err", err)
		panic(http.ErrAbortHandler)
	}
	cw.Flush()
}
