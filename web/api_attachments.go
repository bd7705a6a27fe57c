package web

import (
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/vocdesk/vocdesk"
)

// attachmentURL is where an attachment's bytes are served.
func attachmentURL(id int64) string { return apiPrefix + "attachments/" + strconv.FormatInt(id, 10) }

// getAttachment is GET /attachments/{id}: the file, to the parties of its
// inquiry only (the service scopes it; a customer never gets a note's
// files). A file is always a download, never a page: its type is the one
// sniffed at upload (and only the accepted types are ever named), the
// browser may not sniff another, and a sandbox CSP takes scripts and
// same-origin rights away even if something were rendered.
func (s *Server) getAttachment(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.inquiries()
	if err != nil {
		return err
	}
	id, err := parseID("attachment", r.PathValue("id"))
	if err != nil {
		return err
	}
	f, err := svc.FindAttachment(r.Context(), id)
	if err != nil {
		return err
	}
	ct := f.ContentType
	if !slices.Contains(vocdesk.AttachmentTypes, ct) {
		ct = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": f.Filename})
	if disposition == "" { // a name FormatMediaType cannot encode
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(f.Data)
	}
	return nil
}
