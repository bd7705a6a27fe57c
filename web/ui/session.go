package ui

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// Cookie names. The session cookie holds the session's secret and nothing
// else; the session itself (actor, CSRF token, expiry) lives in the database,
// so a stolen or old cookie can be revoked by deleting the row.
const (
	sessionCookie = "vocdesk_session"
	// anonCSRFCookie carries the CSRF token of forms shown before sign-in
	// (the sign-in forms themselves), as a double-submit cookie: there is no
	// session yet whose token could be used.
	anonCSRFCookie = "vocdesk_csrf"
	csrfField      = "csrf"
	// maxFormBytes bounds every form body; no page posts more than a few
	// fields of text.
	maxFormBytes = 64 << 10
	// maxUploadBytes bounds a form with files: every attachment a message
	// may carry at its largest, and the text around them. uploadMemory is
	// what of it is held in memory; the rest goes to temporary files.
	maxUploadBytes = vocdesk.MaxAttachments*vocdesk.MaxAttachmentSize + 1<<20
	uploadMemory   = 8 << 20
)

// isMultipart reports whether a post carries files.
func isMultipart(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "multipart/form-data")
}

// realmInfo ties a realm to its pages: where to sign in and where to land.
type realmInfo struct {
	realm     vocdesk.Realm
	loginPath string
	homePath  string
	nameKey   string // catalog key of the area's name
}

var (
	realmCustomer  = realmInfo{vocdesk.RealmCustomer, "/login", "/my", "realm.customer"}
	realmDeveloper = realmInfo{vocdesk.RealmDeveloper, "/developer/login", "/console", "realm.developer"}
	realmOperator  = realmInfo{vocdesk.RealmOperator, "/operator/login", "/operator", "realm.operator"}
	realms         = []realmInfo{realmCustomer, realmDeveloper, realmOperator}
)

func realmOf(r vocdesk.Realm) (realmInfo, bool) {
	for _, rl := range realms {
		if rl.realm == r {
			return rl, true
		}
	}
	return realmInfo{}, false
}

// reqState is what the middleware learns about a request before any page
// runs: the session (if signed in) and the language.
type reqState struct {
	session *vocdesk.Session
	secret  string // the session cookie's value, needed to delete the session
	lang    string
	loc     *time.Location    // the viewer's time zone (zone.go)
	csrf    string            // the token forms on this page carry
	upload  *multipart.Reader // a streamed upload's body after its token (recon_upload_csrf.go)
	// flash is the answer a post left for this page (flash.go), read once.
	flash      *flash
	flashTaken bool
}

type stateKey struct{}

func stateFrom(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{lang: defaultLang}
}

// actor returns the signed-in actor, or nil.
func (st *reqState) actor() *vocdesk.Actor {
	if st.session == nil {
		return nil
	}
	return &st.session.Actor
}

// middleware wraps every page: security headers, Go's cross-origin request
// protection (Sec-Fetch-Site / Origin), the session, and the CSRF token check
// on every unsafe method. The token check is defense in depth for browsers
// that send neither Sec-Fetch-Site nor Origin.
func (h *handler) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.renderError(w, r, http.StatusForbidden, "error.csrf")
	}))
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &reqState{lang: h.cat.pick(r), loc: h.zones.pick(r)}
		// Assets are public and cached; they need no database round trip.
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
				s, err := h.svc.Auth.SessionBySecret(r.Context(), c.Value)
				switch {
				case err == nil:
					st.session, st.secret = s, c.Value
				case vocdesk.ErrorCode(err) == vocdesk.EUNAUTHORIZED:
					// Expired or logged out elsewhere: forget the cookie.
					h.clearCookie(w, sessionCookie)
				default:
					r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
					h.serverError(w, r, err)
					return
				}
			}
		}
		ctx := context.WithValue(r.Context(), stateKey{}, st)
		if a := st.actor(); a != nil {
			ctx = vocdesk.NewContextWithActor(ctx, a)
		}
		r = r.WithContext(ctx)
		if !safeMethod(r.Method) && !h.csrfTokenOK(w, r, st) {
			h.renderError(w, r, http.StatusForbidden, "error.csrf")
			return
		}
		// Path, query and form fields are text: one rule for every page,
		// the API's too (vocdesk.TextProblem).
		if requestText(r) != nil {
			h.renderError(w, r, http.StatusBadRequest, "harden.invalid_text")
			return
		}
		next.ServeHTTP(w, r)
	})
	return securityHeaders(cop.Handler(inner))
}

// requestText checks the decoded path, the query and, once parsed, the
// form's fields and file names (the files' contents are not text).
func requestText(r *http.Request) error {
	if err := vocdesk.CheckText("path", r.URL.Path); err != nil {
		return err
	}
	if err := vocdesk.CheckTexts(r.URL.Query()); err != nil {
		return err
	}
	if err := vocdesk.CheckTexts(r.PostForm); err != nil {
		return err
	}
	if r.MultipartForm != nil {
		for _, fs := range r.MultipartForm.File {
			for _, f := range fs {
				if err := vocdesk.CheckText("file name", f.Filename); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// csrfTokenOK parses the form and compares its token with the session's, or,
// before sign-in, with the double-submit cookie.
func (h *handler) csrfTokenOK(w http.ResponseWriter, r *http.Request, st *reqState) bool {
	if streamedUpload(r) {
		r.Body = http.MaxBytesReader(w, r.Body, h.maxReconUpload)
		return h.uploadTokenOK(r, st)
	}
	if isMultipart(r) {
		// Only signed-in people upload files (attachments of inquiries);
		// the limit leaves room for every attachment a message may carry.
		if st.session == nil {
			return false
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
		if err := r.ParseMultipartForm(uploadMemory); err != nil {
			return false
		}
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			return false
		}
	}
	var want string
	if st.session != nil {
		want = st.session.CSRFToken
	} else if c, err := r.Cookie(anonCSRFCookie); err == nil && ourToken(c.Value) {
		want = c.Value
	}
	got := r.PostForm.Get(csrfField)
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// csrfToken returns the token to embed in this page's forms, setting the
// double-submit cookie first when nobody is signed in.
func (h *handler) csrfToken(w http.ResponseWriter, r *http.Request) string {
	st := stateFrom(r)
	switch {
	case st.csrf != "":
	case st.session != nil:
		st.csrf = st.session.CSRFToken
	default:
		if c, err := r.Cookie(anonCSRFCookie); err == nil && ourToken(c.Value) {
			st.csrf = c.Value
			break
		}
		st.csrf = randomToken()
		http.SetCookie(w, h.cookie(anonCSRFCookie, st.csrf, time.Time{}))
	}
	return st.csrf
}

// ourToken reports whether s has the form randomToken gives: 32 bytes in
// unpadded base64url. A double-submit cookie of any other form was not set
// by us (a script that can write cookies chose "x" and posts "x") and is
// worth nothing.
func ourToken(s string) bool {
	if len(s) != base64.RawURLEncoding.EncodedLen(32) {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == 32
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// cookie builds one of our cookies with the attributes they all share.
func (h *handler) cookie(name, value string, expires time.Time) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		Secure:   h.secure,
		SameSite: http.SameSiteLaxMode,
	}
}

func (h *handler) clearCookie(w http.ResponseWriter, name string) {
	c := h.cookie(name, "", time.Unix(0, 0))
	c.MaxAge = -1
	http.SetCookie(w, c)
}

// require lets only actors of one realm through. Anyone else is sent to that
// realm's sign-in page, which brings them back here afterwards.
func (h *handler) require(rl realmInfo, fn http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := stateFrom(r).actor()
		ok := false
		switch rl.realm {
		case vocdesk.RealmCustomer:
			ok = a.IsCustomer()
		case vocdesk.RealmDeveloper:
			ok = a.IsDeveloper()
		case vocdesk.RealmOperator:
			ok = a.IsOperator()
		}
		if !ok {
			target := rl.loginPath
			if r.Method == http.MethodGet {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		fn(w, r)
	})
}
