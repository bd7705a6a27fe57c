package ui

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/csvsafe"
	"github.com/vocdesk/vocdesk/purchaseimport"
)

// The back office's purchase import: a billing export uploaded from the
// browser goes through purchaseimport, the code and rules of `vocdesk import
// purchases`. The file is streamed into the import as it arrives, so the
// browser's upload progress is the import's progress (upload_progress.js
// shows it); the report with the rejected rows follows the redirect.
const (
	viewOperatorImports view = "operator_imports"
	viewOperatorImport  view = "operator_import"
)

// importBatchSize is smaller than the CLI's: a person imports while the
// desk is in use, and a batch holds the write lock while it commits.
const importBatchSize = 10000

// importRejectsShown is how many rejected rows the report page lists; the
// download has every one kept.
const importRejectsShown = 100

func (h *handler) importRoutes(mux *pageMux) {
	on := h.svc.Imports != nil
	op := func(fn http.HandlerFunc) http.Handler { return h.require(realmOperator, h.ifService(on, fn)) }
	mux.Handle("GET /operator/imports", op(h.operatorImports))
	mux.Handle("POST /operator/imports", op(h.operatorImportCreate))
	mux.Handle("GET /operator/imports/{id}", op(h.operatorImport))
	mux.Handle("GET /operator/imports/{id}/rejects.csv", op(h.operatorImportRejects))
}

type importsData struct {
	Imports  []*vocdesk.PurchaseImport
	Columns  []string
	ErrorMsg string
}

func (h *handler) operatorImports(w http.ResponseWriter, r *http.Request) {
	h.showImports(w, r, "", http.StatusOK)
}

func (h *handler) showImports(w http.ResponseWriter, r *http.Request, errMsg string, status int) {
	list, err := h.svc.Imports.FindImports(r.Context(), 20)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &importsData{Imports: list, Columns: purchaseimport.Columns[:], ErrorMsg: errMsg}
	h.render(w, r, status, viewOperatorImports, "imports.title", d)
}

// operatorImportCreate imports the uploaded file and redirects to its
// report. A file that is not an export (no header, a column missing) shows
// the form again with the reason, and nothing is recorded.
func (h *handler) operatorImportCreate(w http.ResponseWriter, r *http.Request) {
	mr := stateFrom(r).upload
	if mr == nil {
		h.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	// A large export takes minutes to stream and import; the server's
	// one-minute body deadline and two-minute answer deadline are for
	// forms, and the answer (the redirect) comes only at the end.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(time.Hour))
	_ = rc.SetWriteDeadline(time.Now().Add(time.Hour))
	var file io.Reader
	imp := &vocdesk.PurchaseImport{}
	for file == nil {
		part, err := mr.NextPart()
		if err != nil {
			h.renderError(w, r, http.StatusBadRequest, "error.invalid")
			return
		}
		if part.FormName() == "file" {
			file, imp.FileName = part, path.Base(part.FileName())
		}
	}
	var rejects []vocdesk.PurchaseImportReject
	opts := purchaseimport.Options{
		BatchSize: importBatchSize,
		OnHeader:  func(hd []string) { imp.Header = hd },
		OnReject: func(rj purchaseimport.Reject) {
			if len(rejects) < vocdesk.MaxImportRejectsKept {
				reason, args := vocdesk.ErrorReason(rj.Err)
				rejects = append(rejects, vocdesk.PurchaseImportReject{Line: int64(rj.Line), Error: rj.Err.Error(),
					Reason: reason, Args: vocdesk.ReasonArgs(args), Record: rj.Record})
			}
		},
	}
	sum, err := purchaseimport.Import(r.Context(), h.svc.Purchases, file, opts)
	if errors.Is(err, purchaseimport.ErrFormat) {
		h.showImports(w, r, h.tr(r).Refusal(err), http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		if r.Context().Err() != nil {
			return // the browser went away; the batches written stay
		}
		// Batches before the failure are stored: record them, and why
		// the rest is not.
		h.log.ErrorContext(r.Context(), "ui: purchase import stopped", "file", imp.FileName, "err", err)
		imp.Error = "stopped after line " + strconv.Itoa(sum.Rows+1) + ": " + vocdesk.ErrorMessage(err)
		// The report words the stop in its reader's language from these.
		reason, args := vocdesk.ErrorReason(err)
		imp.StoppedAfter, imp.StopCode = int64(sum.Rows), vocdesk.ErrorCode(err)
		imp.StopReason, imp.StopArgs = reason, vocdesk.ReasonArgs(args)
	}
	imp.Rows, imp.Stored, imp.Rejected, imp.Elapsed = int64(sum.Rows), int64(sum.Stored), int64(sum.Rejected), sum.Elapsed
	if err := h.svc.Imports.RecordImport(r.Context(), imp, rejects); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/operator/imports/"+strconv.FormatInt(imp.ID, 10), http.StatusSeeOther)
}

type importData struct {
	Import  *vocdesk.PurchaseImport
	Rejects []*vocdesk.PurchaseImportReject
	More    bool // more rejected rows than listed
}

// RowsPerSecond is the import's pace, for the report.
func (d *importData) RowsPerSecond() string {
	if d.Import.Elapsed <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f", float64(d.Import.Rows)/d.Import.Elapsed.Seconds())
}

func (h *handler) operatorImport(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	d := &importData{}
	var err error
	if d.Import, err = h.svc.Imports.FindImport(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	errStop := errors.New("enough")
	err = h.svc.Imports.EachImportReject(r.Context(), id, func(rj *vocdesk.PurchaseImportReject) error {
		if len(d.Rejects) == importRejectsShown {
			d.More = true
			return errStop
		}
		d.Rejects = append(d.Rejects, rj)
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, viewOperatorImport, "imports.report_title", d)
}

// operatorImportRejects is the rejected rows as CSV, as the CLI's --rejects
// writes them: line, error, then the row's fields under the file's header.
// The error column is in the language of the page it was downloaded from,
// worded as the report shows it: the file is for the person who fixes the
// rows, and one operator reads the report in Korean while the next reads
// it in English. The header keeps the CLI's names, so that a tool reading
// either file reads both.
func (h *handler) operatorImportRejects(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	imp, err := h.svc.Imports.FindImport(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/csv; charset=utf-8")
	hdr.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="import-%d-rejected.csv"`, id))
	hdr.Set("Cache-Control", "no-store")
	t := h.tr(r)
	// Like the CLI's --rejects, through csvsafe: the rows are the file's
	// as it came, and a cell such as =HYPERLINK(...) must not run in the
	// spreadsheet of whoever opens the download.
	cw := csvsafe.NewWriter(w)
	_ = cw.Write(append([]string{"line", "error"}, imp.Header...))
	err = h.svc.Imports.EachImportReject(r.Context(), id, func(rj *vocdesk.PurchaseImportReject) error {
		return cw.Write(append([]string{strconv.FormatInt(rj.Line, 10), t.ImportReject(rj)}, rj.Record...))
	})
	if err != nil {
		// The header is out: cut the connection so the file is seen to be
		// incomplete rather than silently short.
		h.log.ErrorContext(r.Context(), "ui: export import rejects", "id", id, "err", err)
		panic(http.ErrAbortHandler)
	}
	cw.Flush()
}
