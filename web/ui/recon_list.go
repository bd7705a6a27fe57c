package ui

import (
	"errors"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

type reconListData struct {
	Reports     []*vocdesk.Reconciliation
	Undelivered []*vocdesk.PurchaseReconState
	Settings    *vocdesk.ReconSettings
	Fields      []string
	From, To    string // the form's default period, as date inputs want it
}

// reconList is the console's reconciliation page: the upload form (its
// column mapping filled in from the last upload), the purchases continuous
// mode flagged, and the reports so far.
func (h *handler) reconList(w http.ResponseWriter, r *http.Request) {
	svc := h.svc.Reconciliation
	if svc == nil {
		h.notFound(w, r)
		return
	}
	ctx := r.Context()
	d := &reconListData{Fields: vocdesk.ColumnFields}
	var err error
	if d.Settings, err = svc.ReconSettings(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Reports, _, err = svc.FindReconciliations(ctx, vocdesk.ReconFilter{Limit: 20}); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Undelivered, _, err = svc.FindUndelivered(ctx, vocdesk.ReconFilter{Limit: 50}); err != nil {
		h.fail(w, r, err)
		return
	}
	// The last thirty days up to today, both included: "paid until" is a
	// day people read as included, so today, never tomorrow.
	today := h.now().In(h.pageZone(r))
	d.From, d.To = today.AddDate(0, 0, -30).Format(time.DateOnly), today.Format(time.DateOnly)
	h.render(w, r, http.StatusOK, viewReconList, "recon.title", d)
}

// reconCreate runs a reconciliation from the console's form: a file upload
// (multipart, streamed: the file part goes into the engine as it arrives)
// or, from a plain form, against the pushed deliveries. It then shows the
// report (post, redirect, get).
func (h *handler) reconCreate(w http.ResponseWriter, r *http.Request) {
	svc := h.svc.Reconciliation
	if svc == nil {
		h.notFound(w, r)
		return
	}
	// An upload may take minutes; the server's one-minute body deadline is
	// for forms.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(time.Hour))
	in := vocdesk.ReconcileInput{Source: vocdesk.ReconDeliveries}
	fields := map[string]string{}
	if mr := stateFrom(r).upload; mr != nil {
		in.Source = vocdesk.ReconUpload
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				h.renderError(w, r, http.StatusBadRequest, "error.invalid")
				return
			}
			if part.FormName() == "file" {
				in.Log, in.FileName = part, path.Base(part.FileName())
				fields["file name"] = in.FileName // checked as text with the fields
				break
			}
			b, err := io.ReadAll(io.LimitReader(part, 4<<10))
			if err != nil {
				h.renderError(w, r, http.StatusBadRequest, "error.invalid")
				return
			}
			fields[part.FormName()] = strings.TrimSpace(string(b))
		}
		if in.Log == nil {
			h.renderError(w, r, http.StatusBadRequest, "error.invalid")
			return
		}
	} else {
		for k, vs := range r.PostForm {
			fields[k] = strings.TrimSpace(vs[0])
		}
	}
	if err := reconFormInput(&in, fields, h.pageZone(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	rep, err := svc.Reconcile(r.Context(), in)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			h.renderError(w, r, http.StatusRequestEntityTooLarge, "harden.upload_too_large")
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/console/reconciliations/"+strconv.FormatInt(rep.ID, 10), http.StatusSeeOther)
}

// reconFormInput reads the form's period (whole days in the page's zone,
// the zone its dates are shown in; to is inclusive, as people read a date
// range, so the period ends at the start of the next day), format and
// mapping, one field per column so that column names may hold any character.
func reconFormInput(in *vocdesk.ReconcileInput, f map[string]string, zone *time.Location) error {
	for k, v := range f {
		if err := vocdesk.CheckText(k, v); err != nil {
			return err
		}
	}
	var err error
	if v := f["from"]; v != "" {
		if in.From, err = time.ParseInLocation(time.DateOnly, v, zone); err != nil {
			return vocdesk.Errorf(vocdesk.EINVALID, "from must be a date")
		}
	}
	if v := f["to"]; v != "" {
		if in.To, err = time.ParseInLocation(time.DateOnly, v, zone); err != nil {
			return vocdesk.Errorf(vocdesk.EINVALID, "to must be a date")
		}
		in.To = in.To.AddDate(0, 0, 1)
	}
	if in.Source != vocdesk.ReconUpload {
		return nil
	}
	switch f["format"] {
	case "jsonl":
		in.Format = "jsonl"
	case "", "csv":
		if strings.HasSuffix(strings.ToLower(in.FileName), ".jsonl") {
			in.Format = "jsonl"
		}
	default:
		return vocdesk.Errorf(vocdesk.EINVALID, "format must be csv or jsonl")
	}
	in.Columns = vocdesk.ColumnMap{}
	for _, field := range vocdesk.ColumnFields {
		if c := f["map_"+field]; c != "" && c != field {
			if err := in.Columns.Set(field, c); err != nil {
				return err
			}
		}
	}
	return nil
}
