package ui

import (
	"crypto/subtle"
	"io"
	"mime"
	"net/http"
)

// streamedUploadPaths are the forms whose file is streamed to the handler
// instead of parsed up front: a server log may be gigabytes, and parsing
// the form first would copy all of it to disk before any work starts.
var streamedUploadPaths = map[string]bool{"/console/reconciliations": true, "/operator/imports": true}

func streamedUpload(r *http.Request) bool {
	if r.Method != http.MethodPost || !streamedUploadPaths[r.URL.Path] {
		return false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// uploadTokenOK checks the CSRF token of a streamed upload. The token must
// be the form's first field (the template puts it first, and browsers send
// fields in document order); it is read here and the rest of the body is
// left, unread, to the handler through reqState.upload. Only signed-in
// members upload.
func (h *handler) uploadTokenOK(r *http.Request, st *reqState) bool {
	if st.session == nil {
		return false
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return false
	}
	part, err := mr.NextPart()
	if err != nil || part.FormName() != csrfField {
		return false
	}
	got, err := io.ReadAll(io.LimitReader(part, 512))
	if err != nil {
		return false
	}
	st.upload = mr
	return subtle.ConstantTimeCompare(got, []byte(st.session.CSRFToken)) == 1
}
