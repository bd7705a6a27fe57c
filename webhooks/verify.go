package webhooks

import (
	"crypto/hmac"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Tolerance is how far a signed request's webhook-timestamp may be from the
// receiver's clock, either way, as Standard Webhooks libraries default to:
// an older request is refused as a possible replay, and the webhook-ids
// seen are kept at least this long.
const Tolerance = 5 * time.Minute

// Verification failures, each with its own message for the sender's
// developer to act on. They carry nothing of the secret or of what the
// signature should have been.
var (
	ErrMissingHeaders = errors.New("webhook-id, webhook-timestamp and webhook-signature headers are required (Standard Webhooks)")
	ErrBadTimestamp   = errors.New("webhook-timestamp must be the Unix time in seconds")
	ErrStaleTimestamp = errors.New("webhook-timestamp is more than 5 minutes from the server's time: refused as a possible replay (check the sender's clock)")
	ErrBadSignature   = errors.New("no webhook-signature matches the body signed with the connector's secret")
)

// Verify checks a request signed per Standard Webhooks with secret: the
// timestamp within tolerance of now, and one of the space-separated "v1,..."
// signatures in webhook-signature equal (in constant time) to the HMAC of
// "id.timestamp.body". Signatures of other versions are ignored, so a
// sender may add newer schemes beside v1. It returns the webhook-id, for the
// caller's replay check.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) (string, error) {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return "", ErrMissingHeaders
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "", ErrBadTimestamp
	}
	at := time.Unix(sec, 0)
	if d := now.Sub(at); d > tolerance || d < -tolerance {
		return "", ErrStaleTimestamp
	}
	want, err := Sign(secret, id, at, body)
	if err != nil {
		return "", err
	}
	for _, s := range strings.Fields(sigs) {
		if strings.HasPrefix(s, "v1,") && hmac.Equal([]byte(s), []byte(want)) {
			return id, nil
		}
	}
	return "", ErrBadSignature
}
