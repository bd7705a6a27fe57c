package ui

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"
)

// A flash is the answer to a form, shown once on the page the form
// redirects to: every post answers with a redirect (post, redirect, get), so
// reloading the page it lands on never sends the form again, and the flash
// says what the post did ("Request sent", "3 inquiries closed").
//
// It travels in a cookie, encrypted (AES-GCM) under a key derived from the
// session's own secret: the server keeps no state for it, any process behind
// a load balancer can read it, and nobody without the session cookie can.
// That makes it fit to carry a one-time secret (a new API key) to the page
// that shows it, which a URL never may: the cookie is HttpOnly, lives two
// minutes at most, and is deleted by the first page that reads it, so a
// reload shows the key no more and creates nothing.
type flash struct {
	Kind string   `json:"k"`           // "ok" (the default), "info" or "error": the alert's colour
	Key  string   `json:"m"`           // the catalog key of the message
	Args []string `json:"a,omitempty"` // formatted into the message
	// ID and Secret are for pages that show what a post created: the new
	// API key's id and its secret, shown once.
	ID     int64  `json:"i,omitempty"`
	Secret string `json:"s,omitempty"`
}

const (
	flashCookie = "vocdesk_flash"
	flashTTL    = 2 * time.Minute
)

// Message is the flash in the page's language.
func (f *flash) Message(t tr) string {
	args := make([]any, len(f.Args))
	for i, a := range f.Args {
		args[i] = a
	}
	return t.T(f.Key, args...)
}

// Class is the alert's CSS class.
func (f *flash) Class() string {
	switch f.Kind {
	case "error", "info":
		return "alert-" + f.Kind
	}
	return "alert-ok"
}

// redirect answers a post: it leaves f for the next page and sends the
// browser there with 303 See Other. Without a session (nobody signed in)
// there is no key to seal it with, and the flash is dropped.
func (h *handler) redirect(w http.ResponseWriter, r *http.Request, to string, f flash) {
	if sealed, ok := sealFlash(stateFrom(r).secret, f); ok {
		c := h.cookie(flashCookie, sealed, h.now().Add(flashTTL))
		c.MaxAge = int(flashTTL / time.Second)
		http.SetCookie(w, c)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// takeFlash returns the flash a post left for this page, once: the cookie is
// deleted with this answer. It is nil when there is none, or when it was
// sealed under another session.
func (h *handler) takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	st := stateFrom(r)
	if st.flashTaken {
		return st.flash
	}
	st.flashTaken = true
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	h.clearCookie(w, flashCookie)
	st.flash = openFlash(st.secret, c.Value)
	return st.flash
}

// flashAEAD is the cipher of a session's flashes: AES-256-GCM under
// SHA-256 of a label and the session secret. The secret is 32 random bytes,
// so one hash is a sound key derivation; the label keeps this key apart
// from any other use of the secret.
func flashAEAD(sessionSecret string) (cipher.AEAD, bool) {
	if sessionSecret == "" {
		return nil, false
	}
	key := sha256.Sum256([]byte("vocdesk flash v1\x00" + sessionSecret))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, false
	}
	aead, err := cipher.NewGCM(block)
	return aead, err == nil
}

func sealFlash(sessionSecret string, f flash) (string, bool) {
	aead, ok := flashAEAD(sessionSecret)
	if !ok {
		return "", false
	}
	plain, err := json.Marshal(f)
	if err != nil {
		return "", false
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, nil)), true
}

// openFlash reads a sealed flash; nil for anything that does not open and
// parse (another session's, tampered with, truncated).
func openFlash(sessionSecret, sealed string) *flash {
	aead, ok := flashAEAD(sessionSecret)
	if !ok {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(b) < aead.NonceSize() {
		return nil
	}
	plain, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], nil)
	if err != nil {
		return nil
	}
	var f flash
	if json.Unmarshal(plain, &f) != nil || f.Key == "" {
		return nil
	}
	return &f
}

// FlashText is the page's flash in its language, for the layout.
func (p *page) FlashText() string {
	if p.Flash == nil {
		return ""
	}
	return p.Flash.Message(p.tr)
}
