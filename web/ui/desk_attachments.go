package ui

import (
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"

	"github.com/vocdesk/vocdesk"
)

// filesField is the name of the file input of every form that takes
// attachments.
const filesField = "files"

// readAttachments reads the files of a multipart form. It checks only the
// count and size, which it must know before reading; the type is sniffed
// from the bytes by the service, never taken from the browser's label.
// A form posted without multipart has no files.
func readAttachments(r *http.Request) ([]*vocdesk.Attachment, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []*vocdesk.Attachment
	for _, fh := range r.MultipartForm.File[filesField] {
		if fh.Filename == "" && fh.Size == 0 {
			continue // an empty file input
		}
		if len(out) == vocdesk.MaxAttachments {
			return nil, vocdesk.Errorf(vocdesk.EINVALID, "a message takes at most %d attachments", vocdesk.MaxAttachments)
		}
		if fh.Size > vocdesk.MaxAttachmentSize {
			return nil, vocdesk.Errorf(vocdesk.ETOOLARGE, "attachment %s is too large", fh.Filename)
		}
		data, err := readPart(fh)
		if err != nil {
			return nil, err
		}
		out = append(out, &vocdesk.Attachment{Filename: fh.Filename, Data: data})
	}
	return out, nil
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, vocdesk.MaxAttachmentSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > vocdesk.MaxAttachmentSize {
		return nil, vocdesk.Errorf(vocdesk.ETOOLARGE, "attachment %s is too large", fh.Filename)
	}
	return data, nil
}

// sendErrorKey names the message a form shows inline when the service
// refuses what was sent; "" when the error is not the sender's to fix.
func sendErrorKey(err error) string {
	switch vocdesk.ErrorCode(err) {
	case vocdesk.ETOOLARGE:
		return "form.err.too_large"
	case vocdesk.EUNPROCESSABLE:
		return "form.err.type"
	case vocdesk.EINVALID:
		return "form.err.invalid"
	}
	return ""
}

// attachmentCSP forbids everything to a served file: even if a browser
// rendered one, it could run nothing and load nothing.
const attachmentCSP = "default-src 'none'; sandbox"

// attachment serves an attachment's bytes to a party of its inquiry (the
// service decides who that is; anyone else gets the page of a missing
// one). It is always a download: the stored type, sniffed at upload, is
// never HTML, the browser is told not to sniff again, and the sandbox CSP
// keeps it inert even when opened.
func (h *handler) attachment(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r)
		return
	}
	at, err := h.svc.Inquiries.FindAttachment(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hdr := w.Header()
	ctype := at.ContentType
	if !isAttachmentType(ctype) {
		ctype = "application/octet-stream"
	}
	hdr.Set("Content-Type", ctype)
	hdr.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(at.Filename))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", attachmentCSP)
	hdr.Set("Cache-Control", "private, no-store")
	hdr.Set("Content-Length", strconv.Itoa(len(at.Data)))
	_, _ = w.Write(at.Data)
}

func isAttachmentType(ct string) bool {
	for _, t := range vocdesk.AttachmentTypes {
		if t == ct {
			return true
		}
	}
	return false
}

// requireSignedIn lets any signed-in actor through (attachments belong to
// customers and developers alike); the service scopes what they get.
func (h *handler) requireSignedIn(fn http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if stateFrom(r).actor() == nil {
			h.notFound(w, r)
			return
		}
		fn(w, r)
	})
}
