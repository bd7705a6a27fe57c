package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// DefaultMaxUploadBytes bounds a server log upload unless Config says
// otherwise. The log is streamed through the engine in blocks and never
// held, so the bound is about how long one request may keep the engine
// busy, not about memory: a busy app's month (a million deliveries) is
// about 100 MB, a tenth of it.
const DefaultMaxUploadBytes = 1 << 30

// maxUpload is the server's upload bound.
func (s *Server) maxUpload() int64 {
	if s.cfg.MaxUploadBytes > 0 {
		return s.cfg.MaxUploadBytes
	}
	return DefaultMaxUploadBytes
}

// uploadTimeout replaces the server's one-minute body deadline for an
// upload: a few gigabytes over an ordinary line take minutes.
const uploadTimeout = time.Hour

// maxFieldBytes bounds one ordinary field of a multipart upload.
const maxFieldBytes = 4 << 10

// createReconciliation is POST /reconciliations. The server log comes as
// the raw body (text/csv, or application/x-ndjson for JSON Lines) or as
// the "file" part of a multipart/form-data form, whose other fields
// (source, from, to, map, format) must come before the file: the file is
// read as it arrives, straight into the engine, and what follows it is
// not read. The same parameters may be given in the query. With
// source=deliveries there is no body: the pushed deliveries are the log.
func (s *Server) createReconciliation(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.reconciliation()
	if err != nil {
		return err
	}
	// Not supported by every ResponseWriter (tests' recorders); then the
	// server's own deadline stands.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadTimeout))
	r.Body = http.MaxBytesReader(w, r.Body, s.maxUpload())
	in := vocdesk.ReconcileInput{Source: vocdesk.ReconUpload}
	q := r.URL.Query()
	for _, k := range []string{"source", "from", "to", "map", "format"} {
		if v := q.Get(k); v != "" {
			if err := setReconParam(&in, k, v); err != nil {
				return err
			}
		}
	}
	if in.Source == vocdesk.ReconUpload {
		if err := uploadBody(r, &in); err != nil {
			return err
		}
	}
	rep, err := svc.Reconcile(r.Context(), in)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return vocdesk.Errorf(vocdesk.ETOOLARGE, "the server log is larger than %d bytes", s.maxUpload())
		}
		return err
	}
	writeJSON(w, http.StatusCreated, newReconciliationJSON(rep))
	return nil
}

// uploadBody points in.Log at the server log in the request.
func uploadBody(r *http.Request, in *vocdesk.ReconcileInput) error {
	ct := r.Header.Get("Content-Type")
	mt := ""
	if ct != "" {
		var err error
		if mt, _, err = mime.ParseMediaType(ct); err != nil {
			return vocdesk.Errorf(vocdesk.EINVALID, "Content-Type is malformed")
		}
	}
	switch mt {
	case "multipart/form-data":
		return multipartLog(r, in)
	case "", "text/csv", "text/plain", "application/octet-stream":
	case "application/x-ndjson", "application/jsonl", "application/jsonlines":
		if in.Format == "" {
			in.Format = "jsonl"
		}
	default:
		return vocdesk.Errorf(vocdesk.EINVALID, "send the server log as text/csv, application/x-ndjson or multipart/form-data, not %s", mt)
	}
	in.Log, in.SizeHint = r.Body, r.ContentLength
	return nil
}

// multipartLog reads the form's fields up to the file part and leaves the
// file part as the log.
func multipartLog(r *http.Request, in *vocdesk.ReconcileInput) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return vocdesk.Errorf(vocdesk.EINVALID, "multipart body is malformed")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return vocdesk.Errorf(vocdesk.EINVALID, "the form has no file part")
		} else if err != nil {
			return vocdesk.Errorf(vocdesk.EINVALID, "multipart body is malformed")
		}
		if part.FormName() == "file" {
			in.Log, in.FileName = part, path.Base(part.FileName())
			if err := vocdesk.CheckText("file name", in.FileName); err != nil {
				return err
			}
			if in.Format == "" && strings.HasSuffix(strings.ToLower(in.FileName), ".jsonl") {
				in.Format = "jsonl"
			}
			return nil
		}
		b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		if err != nil {
			return vocdesk.Errorf(vocdesk.EINVALID, "multipart body is malformed")
		}
		if len(b) > maxFieldBytes {
			return vocdesk.Errorf(vocdesk.EINVALID, "form field %s is too long", part.FormName())
		}
		if v := strings.TrimSpace(string(b)); v != "" {
			if err := setReconParam(in, part.FormName(), v); err != nil {
				return err
			}
		}
	}
}

// setReconParam applies one parameter of a reconciliation request; unknown
// form fields are ignored, as browsers send buttons and tokens too.
func setReconParam(in *vocdesk.ReconcileInput, name, v string) error {
	if err := vocdesk.CheckText(name, v); err != nil {
		return err
	}
	var err error
	switch name {
	case "source":
		switch vocdesk.ReconSource(v) {
		case vocdesk.ReconUpload, vocdesk.ReconDeliveries:
			in.Source = vocdesk.ReconSource(v)
		default:
			return vocdesk.Errorf(vocdesk.EINVALID, "source must be upload or deliveries")
		}
	case "from":
		in.From, err = parseTime("from", v)
	case "to":
		in.To, err = parseTime("to", v)
	case "map":
		in.Columns, err = vocdesk.ParseColumnMap(v)
	case "format":
		if v != "csv" && v != "jsonl" {
			return vocdesk.Errorf(vocdesk.EINVALID, "format must be csv or jsonl")
		}
		in.Format = v
	}
	return err
}
