package web

import (
	"net"
	"net/http"
	"time"

	"github.com/vocdesk/vocdesk"
)

// tokenTTL is how long an API token lives. Scripts sign in again each day;
// long-lived integrations use API keys instead.
const tokenTTL = 24 * time.Hour

type createTokenRequest struct {
	Realm    string `json:"realm"`
	Email    string `json:"email"`
	Password string `json:"password"`
}

type tokenJSON struct {
	Token     string `json:"token"`
	ExpiresAt string `json:"expires_at"`
}

// createToken signs in with an email and password and returns a bearer
// token. Sizes are checked first, then the sign-in guard (shared with the
// sign-in pages) decides whether the password is looked at at all: failures
// count per address and per account, successes cost nothing.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var req createTokenRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := requireFields("realm", req.Realm, "email", req.Email, "password", req.Password); err != nil {
		return err
	}
	realm := vocdesk.Realm(req.Realm)
	if realmBit(realm) == 0 {
		return vocdesk.Errorf(vocdesk.EINVALID, "realm must be one of customer, developer, operator")
	}
	if err := vocdesk.CheckSignInSizes(req.Email, req.Password); err != nil {
		return err
	}
	attempt, wait, ok, err := s.loginLimiter.Begin(r.Context(), string(realm), req.Email, clientIP(r), "")
	if err != nil {
		return err
	}
	if !ok {
		w.Header().Set("Retry-After", retryAfter(wait))
		return vocdesk.Errorf(vocdesk.ERATELIMITED, "too many sign-in attempts; try again in %s seconds", retryAfter(wait))
	}
	a, err := s.svc.Auth.Authenticate(r.Context(), realm, req.Email, req.Password)
	switch vocdesk.ErrorCode(err) {
	case "":
		// The sign-in stands even if its refund is not kept: the account
		// then carries one failure more, which decays.
		if err := attempt.Succeeded(r.Context()); err != nil {
			s.log.WarnContext(r.Context(), "api: sign-in guard", "err", err)
		}
	case vocdesk.EUNAUTHORIZED:
		return err // a failure: it stays counted
	default:
		if err := attempt.Cancel(r.Context()); err != nil {
			s.log.WarnContext(r.Context(), "api: sign-in guard", "err", err)
		}
		return err
	}
	secret, sess, err := s.svc.Auth.CreateSession(r.Context(), a, tokenTTL)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tokenJSON{Token: secret, ExpiresAt: timeJSON(sess.ExpiresAt)})
	return nil
}

// deleteToken ends the session the request was sent with (logout). An API
// key is not a session: it is revoked with DELETE /api/v1/keys/{id}.
func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request) error {
	c, ok := credentialFrom(r.Context())
	if !ok || c.apiKey {
		return vocdesk.Errorf(vocdesk.EINVALID, "this ends a token from POST /api/v1/auth/token; revoke an API key with DELETE /api/v1/keys/{id}")
	}
	if err := s.svc.Auth.DeleteSession(r.Context(), c.secret); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// clientIP is the address the connection came from. Forwarded headers are
// not trusted: anyone can write them, and a limiter keyed on them would be a
// limiter the attacker chooses the key of. Behind a proxy, the proxy itself
// should limit.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
