package ui

import (
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// loginData is what the sign-in page shows.
type loginData struct {
	Realm     string // "customer", "developer" or "operator"
	Action    string // the form's path
	NameKey   string
	Email     string
	Next      string
	ErrorKey  string
	OtherArea []realmLink // the other realms' sign-in pages
}

type realmLink struct {
	NameKey string
	Path    string
}

func (h *handler) loginForm(rl realmInfo) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a := stateFrom(r).actor(); a != nil && a.Realm == rl.realm {
			http.Redirect(w, r, rl.homePath, http.StatusSeeOther)
			return
		}
		h.renderLogin(w, r, http.StatusOK, rl, "", r.URL.Query().Get("next"), "")
	}
}

func (h *handler) renderLogin(w http.ResponseWriter, r *http.Request, status int, rl realmInfo, email, next, errKey string) {
	d := &loginData{
		Realm:    string(rl.realm),
		Action:   rl.loginPath,
		NameKey:  rl.nameKey,
		Email:    email,
		Next:     localNext(next, rl.homePath, ""),
		ErrorKey: errKey,
	}
	for _, o := range realms {
		if o != rl {
			d.OtherArea = append(d.OtherArea, realmLink{o.nameKey, o.loginPath})
		}
	}
	h.render(w, r, status, viewLogin, "login.title", d)
}

// loginSubmit checks the password, starts a session and sends the browser to
// where it was going. Every failure says the same thing, so the page does
// not tell which emails have accounts.
func (h *handler) loginSubmit(rl realmInfo) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		email := strings.TrimSpace(r.PostForm.Get("email"))
		password := r.PostForm.Get("password")
		next := r.PostForm.Get("next")

		// Nothing to check (or more than any account can have) fails at
		// once, before it costs a counter or a password hash.
		if email == "" || password == "" || vocdesk.CheckSignInSizes(email, password) != nil {
			h.renderLogin(w, r, http.StatusOK, rl, clip(email, vocdesk.MaxEmailLen), next, "login.failed")
			return
		}
		// The guard is the API's too (POST /api/v1/auth/token): one budget
		// per address and per account, whichever door is used.
		// A browser that signed in to this realm before carries a device
		// cookie: its attempts count against that browser only, so nobody
		// else's guessing can keep it out (ratelimit.Guard).
		device := ""
		if c, err := r.Cookie(deviceCookie(rl)); err == nil {
			device = c.Value
		}
		attempt, wait, ok, err := h.limiter.Begin(r.Context(), string(rl.realm), email, clientIP(r), device)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		if !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			h.renderLogin(w, r, http.StatusTooManyRequests, rl, email, next, "login.too_many")
			return
		}
		actor, err := h.svc.Auth.Authenticate(r.Context(), rl.realm, email, password)
		switch vocdesk.ErrorCode(err) {
		case "":
			// The sign-in stands even if its refund is not kept: the
			// account then carries one failure more, which decays.
			if err := attempt.Succeeded(r.Context()); err != nil {
				h.log.WarnContext(r.Context(), "ui: sign-in guard", "err", err)
			}
		case vocdesk.EUNAUTHORIZED, vocdesk.EINVALID, vocdesk.ENOTFOUND, vocdesk.EFORBIDDEN:
			h.renderLogin(w, r, http.StatusOK, rl, email, next, "login.failed")
			return
		default:
			if err := attempt.Cancel(r.Context()); err != nil {
				h.log.WarnContext(r.Context(), "ui: sign-in guard", "err", err)
			}
			h.serverError(w, r, err)
			return
		}
		// A fresh session on every sign-in (never reuse one the browser
		// brought along), and the old one is ended, so a planted or shared
		// cookie is worth nothing afterwards.
		st := stateFrom(r)
		if st.secret != "" {
			if err := h.svc.Auth.DeleteSession(r.Context(), st.secret); err != nil {
				h.log.WarnContext(r.Context(), "ui: end previous session", "err", err)
			}
		}
		secret, s, err := h.svc.Auth.CreateSession(r.Context(), actor, sessionTTL)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		http.SetCookie(w, h.cookie(sessionCookie, secret, s.ExpiresAt))
		http.SetCookie(w, h.cookie(deviceCookie(rl), h.limiter.DeviceToken(string(rl.realm), email), h.now().Add(deviceCookieTTL)))
		http.Redirect(w, r, localNext(next, rl.homePath, rl.homePath), http.StatusSeeOther)
	}
}

// logout ends the session and goes back to the sign-in page it came from.
func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	target := "/"
	if a := st.actor(); a != nil {
		if rl, ok := realmOf(a.Realm); ok {
			target = rl.loginPath
		}
	}
	if st.secret != "" {
		if err := h.svc.Auth.DeleteSession(r.Context(), st.secret); err != nil && vocdesk.ErrorCode(err) != vocdesk.EUNAUTHORIZED {
			h.serverError(w, r, err)
			return
		}
	}
	h.clearCookie(w, sessionCookie)
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// localNext accepts next only when it is a path inside the realm's own area
// (so it can neither leave the site nor land in another realm), else def.
// The path is judged as the browser will follow it: cleaned of "." and
// ".." (http.Redirect cleans it too, after this check would have passed
// "/my/../console"), and refused when it hides dots or slashes in escapes,
// which browsers resolve as well.
func localNext(next, area, def string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n") {
		return def
	}
	p, query, hasQuery := strings.Cut(next, "?")
	if lp := strings.ToLower(p); strings.Contains(lp, "%2e") || strings.Contains(lp, "%2f") || strings.Contains(lp, "%5c") {
		return def
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	if clean != area && !strings.HasPrefix(clean, area+"/") {
		return def
	}
	if hasQuery {
		return clean + "?" + query
	}
	return clean
}

// deviceCookie names a realm's device cookie: the token that lets this
// browser's sign-ins skip the limits strangers' failures put on its
// account and address. It says nothing about the account by itself.
func deviceCookie(rl realmInfo) string { return "vocdesk_device_" + string(rl.realm) }

// deviceCookieTTL is how long the browser keeps a device cookie; the
// guard's own validity (ratelimit.GuardConfig.KnownFor) decides what it
// is worth.
const deviceCookieTTL = 30 * 24 * time.Hour

// clip shortens s to at most n bytes, for echoing a field back into a form.
func clip(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "")
	}
	return s
}

// clientIP is the peer's address. The server in front of us decides whether
// proxy headers are trusted and rewrites RemoteAddr accordingly.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
