package ui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/sheet"
)

// Bulk cancellation in the console: download the sample file, upload it
// filled in, read the preview (every row checked), submit, watch the
// progress, download the results.

const (
	viewConsoleBatches view = "console_batches"
	viewConsoleBatch   view = "console_batch"
)

// batchRunTimeout bounds a submitted batch's run; a browser that goes away
// does not stop it, and submitting again resumes what a crash left.
const batchRunTimeout = 5 * time.Minute

func (h *handler) batchRoutes(mux *pageMux) {
	on := h.svc.Cancellations != nil
	dev := func(fn http.HandlerFunc) http.Handler { return h.require(realmDeveloper, h.ifService(on, fn)) }
	mux.Handle("GET /console/cancellation-batches", dev(h.batchUploadForm))
	mux.Handle("POST /console/cancellation-batches", dev(h.batchUpload))
	mux.Handle("GET /console/cancellation-batches/template.xlsx", dev(h.batchTemplateXLSX))
	mux.Handle("GET /console/cancellation-batches/template.csv", dev(h.batchTemplateCSV))
	mux.Handle("GET /console/cancellation-batches/{id}", dev(h.batchPage))
	mux.Handle("POST /console/cancellation-batches/{id}/submit", dev(h.batchSubmit))
	mux.Handle("GET /console/cancellation-batches/{id}/progress", dev(h.batchProgress))
	mux.Handle("GET /console/cancellation-batches/{id}/results.csv", dev(h.batchResults))
}

type batchUploadData struct {
	Key      string // the upload's idempotency key: a double submit is one batch
	Error    string // the reader's message for a refused file, as it gave it
	CanSend  bool
	MaxRows  int
	MaxBytes int
}

func canSendBatch(a *vocdesk.Actor) bool { return a.IsDeveloper() && a.Role.AtLeast(vocdesk.RoleAgent) }

func (h *handler) batchUploadForm(w http.ResponseWriter, r *http.Request) {
	h.showBatchUpload(w, r, "", http.StatusOK)
}

func (h *handler) showBatchUpload(w http.ResponseWriter, r *http.Request, msg string, status int) {
	a := vocdesk.ActorFromContext(r.Context())
	h.render(w, r, status, viewConsoleBatches, "batch.title", &batchUploadData{
		Key: randomToken(), Error: msg, CanSend: canSendBatch(a), MaxRows: vocdesk.MaxBatchRows, MaxBytes: sheet.MaxBytes >> 20,
	})
}

// batchUpload reads the file and stores the batch in state ready (checked,
// nothing sent), then shows its preview. A file the reader refuses is
// shown with the reader's reason, and nothing is stored.
func (h *handler) batchUpload(w http.ResponseWriter, r *http.Request) {
	a := vocdesk.ActorFromContext(r.Context())
	if !canSendBatch(a) {
		h.fail(w, r, vocdesk.Errorf(vocdesk.EFORBIDDEN, "your role may not cancel purchases"))
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		h.showBatchUpload(w, r, "", http.StatusUnprocessableEntity)
		return
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, sheet.MaxBytes+1))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows, err := sheet.ReadCancellationBatch(body)
	if err != nil {
		if c := vocdesk.ErrorCode(err); c == vocdesk.EINVALID || c == vocdesk.ETOOLARGE {
			h.showBatchUpload(w, r, h.tr(r).Refusal(err), http.StatusUnprocessableEntity)
			return
		}
		h.fail(w, r, err)
		return
	}
	sum := sha256.Sum256(body)
	b, _, err := h.svc.Cancellations.CreateCancellationBatch(r.Context(), r.PostForm.Get("key"), hex.EncodeToString(sum[:]), rows)
	if vocdesk.ErrorCode(err) == vocdesk.EKEYREUSED || vocdesk.ErrorCode(err) == vocdesk.EINVALID {
		h.showBatchUpload(w, r, h.tr(r).Refusal(err), http.StatusUnprocessableEntity)
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/console/cancellation-batches/"+strconv.FormatInt(b.ID, 10), http.StatusSeeOther)
}

type batchPageData struct {
	Batch   *vocdesk.CancellationBatch
	CanSend bool
	Percent int
	// The page lists every rejected row (what needs fixing) and the first
	// accepted ones; the results file has all.
	RejectedRows []*vocdesk.CancellationBatchItem
	AcceptedRows []*vocdesk.CancellationBatchItem
	AcceptedMore int
}

// batchShownAccepted is how many accepted rows the page lists.
const batchShownAccepted = 100

func (h *handler) findBatch(w http.ResponseWriter, r *http.Request, items bool) *vocdesk.CancellationBatch {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return nil
	}
	b, err := h.svc.Cancellations.FindCancellationBatch(r.Context(), id, items)
	if err != nil {
		h.fail(w, r, err)
		return nil
	}
	return b
}

// batchPage is a batch's preview (ready), progress (running) or results
// (done).
func (h *handler) batchPage(w http.ResponseWriter, r *http.Request) {
	b := h.findBatch(w, r, true)
	if b == nil {
		return
	}
	d := &batchPageData{Batch: b, CanSend: canSendBatch(vocdesk.ActorFromContext(r.Context())), Percent: percent(b.Done, b.Rows)}
	for _, it := range b.Items {
		switch {
		case it.Outcome == vocdesk.BatchRejected:
			d.RejectedRows = append(d.RejectedRows, it)
		case len(d.AcceptedRows) < batchShownAccepted:
			d.AcceptedRows = append(d.AcceptedRows, it)
		default:
			d.AcceptedMore++
		}
	}
	h.render(w, r, http.StatusOK, viewConsoleBatch, "batch.title", d)
}

func percent(n, of int) int {
	if of == 0 {
		return 0
	}
	return n * 100 / of
}

// batchSubmit runs the batch, then shows it. With the page's script the
// post runs in the background while the script polls batchProgress.
func (h *handler) batchSubmit(w http.ResponseWriter, r *http.Request) {
	b := h.findBatch(w, r, false)
	if b == nil {
		return
	}
	if b.Status != vocdesk.BatchDone {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), batchRunTimeout)
		defer cancel()
		if _, err := h.svc.Cancellations.RunCancellationBatch(ctx, b.ID); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/console/cancellation-batches/"+strconv.FormatInt(b.ID, 10), http.StatusSeeOther)
}

// batchProgress is the progress bar's poll: rows done of rows.
func (h *handler) batchProgress(w http.ResponseWriter, r *http.Request) {
	b := h.findBatch(w, r, false)
	if b == nil {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": b.Status, "rows": b.Rows, "done": b.Done, "accepted": b.Accepted})
}

func (h *handler) batchResults(w http.ResponseWriter, r *http.Request) {
	b := h.findBatch(w, r, true)
	if b == nil {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="cancellation-batch-`+strconv.FormatInt(b.ID, 10)+`-results.csv"`)
	if err := sheet.WriteBatchResults(w, b); err != nil {
		h.log.Error("batch results", "err", err)
	}
}

func (h *handler) batchTemplateXLSX(w http.ResponseWriter, r *http.Request) {
	b, err := sheet.TemplateXLSX()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", sheet.ContentTypeXLSX)
	w.Header().Set("Content-Disposition", `attachment; filename="cancellation-batch.xlsx"`)
	_, _ = w.Write(b)
}

func (h *handler) batchTemplateCSV(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="cancellation-batch.csv"`)
	_, _ = io.WriteString(w, sheet.TemplateCSV)
}
