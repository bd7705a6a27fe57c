package web

import (
	"fmt"
	"net/http"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/csvsafe"
)

// exceptionsCSVHeader is the contract's exceptions.csv header, so a report
// made in the console reads like one made by `vocdesk reconcile`.
var exceptionsCSVHeader = []string{"category", "txid", "tid", "store_amount", "store_currency", "server_amount", "server_currency"}

// exportReconExceptions is GET /reconciliations/{id}/exceptions.csv: the
// report's exceptions (optionally of one category) as exceptions.csv,
// streamed from the database row by row.
func (s *Server) exportReconExceptions(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reconciliation()
	if err != nil {
		return err
	}
	id, err := parseID("reconciliation", r.PathValue("id"))
	if err != nil {
		return err
	}
	// Errors (not found, a bad category) are answered in JSON, so nothing
	// is written until the first row or the end.
	cw := csvsafe.NewWriter(w)
	started := false
	start := func() error {
		started = true
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="reconciliation-%d-exceptions.csv"`, id))
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		return cw.Write(exceptionsCSVHeader)
	}
	rec := make([]string, len(exceptionsCSVHeader))
	err = svc.EachReconException(r.Context(), id, r.URL.Query().Get("category"), func(e *vocdesk.ReconException) error {
		if !started {
			if err := start(); err != nil {
				return err
			}
		}
		rec[0], rec[1], rec[2] = e.Category, e.TxID, e.TID
		rec[3], rec[4], rec[5], rec[6] = "", e.StoreCurrency, "", e.ServerCurrency
		if e.StoreCurrency != "" {
			rec[3] = vocdesk.FormatAmount(e.StoreAmount, e.StoreCurrency)
		}
		if e.ServerCurrency != "" {
			rec[5] = vocdesk.FormatAmount(e.ServerAmount, e.ServerCurrency)
		}
		return cw.Write(rec)
	})
	if err != nil {
		if !started {
			return err
		}
		// Half a file has gone out: the status cannot change any more.
		// Cutting the connection tells the client the file is incomplete.
		panic(http.ErrAbortHandler)
	}
	if !started {
		if err := start(); err != nil {
			return nil // the client went away
		}
	}
	cw.Flush()
	return nil
}
