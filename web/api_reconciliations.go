package web

import (
	"net/http"

	"github.com/vocdesk/vocdesk"
)

// reconciliationJSON is a stored report. Counts hold every category the
// contract names, as summary.json does.
type reconciliationJSON struct {
	ID          int64             `json:"id"`
	Developer   string            `json:"developer"`
	Source      string            `json:"source"`
	FileName    string            `json:"file_name"`
	Format      string            `json:"format"`
	Columns     map[string]string `json:"columns"`
	From        string            `json:"from"`
	To          string            `json:"to"`
	Counts      map[string]int64  `json:"counts"`
	StoreRows   int64             `json:"store_rows"`
	ServerRows  int64             `json:"server_rows"`
	InvalidRows int64             `json:"invalid_rows"`
	Exceptions  int64             `json:"exceptions"`
	// ExceptionsFound and ExceptionsTruncated say when the server's limit
	// stored only the first exceptions (vocdesk.ReconLimits).
	ExceptionsFound     int64  `json:"exceptions_found"`
	ExceptionsTruncated bool   `json:"exceptions_truncated"`
	CreatedBy           string `json:"created_by"`
	CreatedAt           string `json:"created_at"`
	// Errors are the first malformed rows, on the single report only.
	Errors []rowErrorJSON `json:"errors,omitempty"`
}

type rowErrorJSON struct {
	Source  string `json:"source"`
	Line    int64  `json:"line"`
	Message string `json:"message"`
}

func newReconciliationJSON(rep *vocdesk.Reconciliation) reconciliationJSON {
	counts := make(map[string]int64, len(vocdesk.ReconCategories))
	for _, c := range vocdesk.ReconCategories {
		counts[c] = rep.Counts[c]
	}
	cols := map[string]string{}
	for k, v := range rep.Columns {
		cols[k] = v
	}
	return reconciliationJSON{ID: rep.ID, Developer: rep.DeveloperSlug, Source: string(rep.Source), FileName: rep.FileName,
		Format: rep.Format, Columns: cols, From: timeJSON(rep.From), To: timeJSON(rep.To), Counts: counts,
		StoreRows: rep.StoreRows, ServerRows: rep.ServerRows, InvalidRows: rep.InvalidRows, Exceptions: rep.Exceptions,
		ExceptionsFound: rep.ExceptionsFound(), ExceptionsTruncated: rep.ExceptionsTruncated(),
		CreatedBy: rep.CreatedBy, CreatedAt: timeJSON(rep.CreatedAt)}
}

// exceptionJSON is one line of a report's exceptions, with the purchase
// and customer it concerns when the store side has one.
type exceptionJSON struct {
	Seq            int64   `json:"seq"`
	Category       string  `json:"category"`
	TxID           string  `json:"txid"`
	TID            string  `json:"tid"`
	StoreAmount    *string `json:"store_amount"`
	StoreCurrency  *string `json:"store_currency"`
	ServerAmount   *string `json:"server_amount"`
	ServerCurrency *string `json:"server_currency"`
	CustomerID     *int64  `json:"customer_id"`
}

func newExceptionJSON(e *vocdesk.ReconException) exceptionJSON {
	j := exceptionJSON{Seq: e.ID, Category: e.Category, TxID: e.TxID, TID: e.TID}
	if e.StoreCurrency != "" {
		a, c := vocdesk.FormatAmount(e.StoreAmount, e.StoreCurrency), e.StoreCurrency
		j.StoreAmount, j.StoreCurrency = &a, &c
	}
	if e.ServerCurrency != "" {
		a, c := vocdesk.FormatAmount(e.ServerAmount, e.ServerCurrency), e.ServerCurrency
		j.ServerAmount, j.ServerCurrency = &a, &c
	}
	if e.CustomerID != 0 {
		id := e.CustomerID
		j.CustomerID = &id
	}
	return j
}

func (s *Server) listReconciliations(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reconciliation()
	if err != nil {
		return err
	}
	f := vocdesk.ReconFilter{Cursor: r.URL.Query().Get("cursor")}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	list, next, err := svc.FindReconciliations(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next, newReconciliationJSON))
	return nil
}

// reportErrorsShown is how many malformed rows the single report carries;
// the rest are counted in invalid_rows.
const reportErrorsShown = 50

func (s *Server) getReconciliation(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reconciliation()
	if err != nil {
		return err
	}
	id, err := parseID("reconciliation", r.PathValue("id"))
	if err != nil {
		return err
	}
	rep, err := svc.FindReconciliation(r.Context(), id)
	if err != nil {
		return err
	}
	errs, err := svc.FindReconErrors(r.Context(), id, reportErrorsShown)
	if err != nil {
		return err
	}
	j := newReconciliationJSON(rep)
	for _, e := range errs {
		j.Errors = append(j.Errors, rowErrorJSON{Source: e.Source, Line: e.Line, Message: e.Message})
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}

func (s *Server) listReconExceptions(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reconciliation()
	if err != nil {
		return err
	}
	id, err := parseID("reconciliation", r.PathValue("id"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := vocdesk.ReconFilter{Category: q.Get("category"), Cursor: q.Get("cursor")}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	list, next, err := svc.FindReconExceptions(r.Context(), id, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next, newExceptionJSON))
	return nil
}

// purchaseStateJSON is a purchase's reconciliation evidence.
type purchaseStateJSON struct {
	Purchase        purchaseJSON         `json:"purchase"`
	State           string               `json:"state"`
	DeadlineSeconds int64                `json:"deadline_seconds"`
	FlaggedAt       *string              `json:"flagged_at"`
	Deliveries      []serverDeliveryJSON `json:"deliveries"`
}

func newPurchaseStateJSON(st *vocdesk.PurchaseReconState) purchaseStateJSON {
	j := purchaseStateJSON{Purchase: newPurchaseJSON(st.Purchase), State: string(st.State),
		DeadlineSeconds: int64(st.Deadline.Seconds()), FlaggedAt: timePtrJSON(st.FlaggedAt), Deliveries: []serverDeliveryJSON{}}
	for _, d := range st.Deliveries {
		j.Deliveries = append(j.Deliveries, newServerDeliveryJSON(d))
	}
	return j
}

// getPurchaseReconciliation is GET /purchases/{txid}/reconciliation: the
// evidence an agent answering "I never got my item" needs.
func (s *Server) getPurchaseReconciliation(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reconciliation()
	if err != nil {
		return err
	}
	st, err := svc.PurchaseState(r.Context(), r.PathValue("txid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPurchaseStateJSON(st))
	return nil
}

// listUndelivered is GET /undelivered-purchases: continuous mode's open
// flags, newest paid first.
func (s *Server) listUndelivered(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reconciliation()
	if err != nil {
		return err
	}
	f := vocdesk.ReconFilter{Cursor: r.URL.Query().Get("cursor")}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	list, next, err := svc.FindUndelivered(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next, newPurchaseStateJSON))
	return nil
}
