package webhooks_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/webhooks"
)

// TestSignStandardWebhooksVector checks Sign against the test vector of
// the Standard Webhooks specification (github.com/standard-webhooks,
// "Signature scheme"): receivers verify with those libraries, so the exact
// signed content, timestamp in Unix seconds included, is the contract.
func TestSignStandardWebhooksVector(t *testing.T) {
	const (
		id   = "msg_p5jXN8AQM9LWM0D4loKWxJek"
		body = `{"test": 2432232314}`
		want = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	)
	ts := time.Unix(1614265330, 0)
	got, err := webhooks.Sign(secret, id, ts, []byte(body))
	if err != nil || got != want {
		t.Fatalf("Sign = %q, %v; want %q", got, err, want)
	}
	// The timestamp is signed: another second is another signature.
	if other, _ := webhooks.Sign(secret, id, ts.Add(time.Second), []byte(body)); other == want {
		t.Fatal("the signature does not cover the timestamp")
	}
}

// TestDeliveryTimestampIsTheAttempts: the webhook-timestamp header is the
// moment of this attempt in Unix seconds, so a receiver's replay window
// (five minutes in the specification) accepts it now and refuses it later.
func TestDeliveryTimestampIsTheAttempts(t *testing.T) {
	var mu sync.Mutex
	var h http.Header
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		h, body = r.Header.Clone(), must(io.ReadAll(r.Body))
	}))
	defer srv.Close()
	at := time.Date(2026, 3, 1, 9, 30, 15, 0, time.UTC)
	d := &webhooks.Deliverer{Service: newFake(srv.URL), Client: webhooks.NewClient(true, 5*time.Second), Now: func() time.Time { return at }}
	if err := d.Handle(context.Background(), job()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got := h.Get("webhook-timestamp"); got != strconv.FormatInt(at.Unix(), 10) {
		t.Fatalf("webhook-timestamp %q; want %d", got, at.Unix())
	}
	if err := verify(secret, h, body, at.Add(time.Minute)); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
	if err := verify(secret, h, body, at.Add(10*time.Minute)); err == nil {
		t.Fatal("ten minutes later the delivery still verified: its timestamp is not the attempt's")
	}
}
