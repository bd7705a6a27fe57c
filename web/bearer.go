package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// apiKeyPrefix starts every API key secret; anything else in a bearer header
// is a session token.
const apiKeyPrefix = "vdk_"

// credential is the bearer secret a request came with. DELETE /auth/token
// needs it to end the very session it was sent with.
type credential struct {
	secret string
	apiKey bool
}

type credentialKey struct{}

func withCredential(ctx context.Context, c credential) context.Context {
	return context.WithValue(ctx, credentialKey{}, c)
}

func credentialFrom(ctx context.Context) (credential, bool) {
	c, ok := ctx.Value(credentialKey{}).(credential)
	return c, ok
}

// authenticate resolves "Authorization: Bearer <secret>" to an actor. Missing
// or unknown credentials are EUNAUTHORIZED; a failing database stays an
// internal error, so an outage does not look like everyone's key was revoked.
func (s *Server) authenticate(r *http.Request) (*vocdesk.Actor, credential, error) {
	h := r.Header.Get("Authorization")
	scheme, secret, ok := strings.Cut(h, " ")
	secret = strings.TrimSpace(secret)
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return nil, credential{}, vocdesk.Errorf(vocdesk.EUNAUTHORIZED, "send an API key or token as \"Authorization: Bearer <secret>\"")
	}
	c := credential{secret: secret, apiKey: strings.HasPrefix(secret, apiKeyPrefix)}
	var (
		a   *vocdesk.Actor
		err error
	)
	if c.apiKey {
		a, err = s.svc.Auth.ActorForAPIKey(r.Context(), secret)
	} else {
		var sess *vocdesk.Session
		if sess, err = s.svc.Auth.SessionBySecret(r.Context(), secret); err == nil {
			a = &sess.Actor
		}
	}
	switch code := vocdesk.ErrorCode(err); {
	case err == nil && a != nil:
		return a, c, nil
	case code == vocdesk.EINTERNAL:
		return nil, credential{}, err
	}
	return nil, credential{}, vocdesk.Errorf(vocdesk.EUNAUTHORIZED, "the API key or token is not valid (unknown, expired or revoked)")
}
