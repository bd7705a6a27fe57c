// Package webhooks delivers events to developers' servers per the Standard
// Webhooks specification: signed with HMAC-SHA256 over "id.timestamp.body",
// retried with exponential backoff for more than a day, and never to
// loopback or private addresses unless allowed.
package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// secretPrefix starts every secret, as Standard Webhooks libraries expect.
const secretPrefix = "whsec_"

// Sign returns the webhook-signature header value for one delivery: "v1,"
// and the base64 HMAC-SHA256, keyed by the secret's decoded bytes, of
// "<id>.<unix timestamp>.<body>".
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil || len(key) == 0 {
		return "", errors.New("webhooks: the secret is not whsec_ and base64")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + strconv.FormatInt(ts.Unix(), 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}
