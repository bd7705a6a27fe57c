package webhooks_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/webhooks"
)

// verify is an independent implementation of Standard Webhooks
// verification, written from the specification rather than from Sign: the
// signed content is "id.timestamp.body", the key is the base64 part of the
// whsec_ secret, the header holds space-separated "v1,<base64>" signatures,
// and timestamps more than five minutes away are refused.
func verify(secret string, h http.Header, body []byte, now time.Time) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return errors.New("missing headers")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("bad timestamp")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return errors.New("timestamp out of tolerance")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte("."))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		version, b64, ok := strings.Cut(s, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(b64)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return errors.New("no matching signature")
}

// fakeService holds one delivery in memory.
type fakeService struct {
	vocdesk.WebhookService
	mu       sync.Mutex
	del      *vocdesk.WebhookDelivery
	ep       *vocdesk.WebhookEndpoint
	attempts []vocdesk.WebhookAttempt
	status   string
}

func (f *fakeService) DeliveryForSending(context.Context, int64) (*vocdesk.WebhookDelivery, *vocdesk.WebhookEndpoint, error) {
	return f.del, f.ep, nil
}

func (f *fakeService) RecordAttempt(_ context.Context, _ int64, a vocdesk.WebhookAttempt, delivered, final bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts = append(f.attempts, a)
	switch {
	case delivered:
		f.status = vocdesk.DeliveryDelivered
	case final:
		f.status = vocdesk.DeliveryFailed
	}
	return nil
}

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func newFake(url string) *fakeService {
	return &fakeService{
		del: &vocdesk.WebhookDelivery{ID: 7, EventID: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", Type: vocdesk.EventPurchaseVoided,
			Body: []byte(`{"type":"purchase.voided","timestamp":"2026-03-01T00:00:00Z","data":{"txid":"TX1","tid":"o1","amount":"1000","currency":"KRW"}}`)},
		ep: &vocdesk.WebhookEndpoint{URL: url, Secret: secret},
	}
}

func job() *vocdesk.Job {
	return &vocdesk.Job{ID: 1, Kind: vocdesk.JobWebhookDeliver, Payload: []byte(`{"delivery_id":7}`), Attempt: 1}
}

func TestDeliverySignedAndVerified(t *testing.T) {
	var got struct {
		sync.Mutex
		h    http.Header
		body []byte
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Lock()
		defer got.Unlock()
		got.h, got.body = r.Header.Clone(), must(io.ReadAll(r.Body))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	f := newFake(srv.URL)
	d := &webhooks.Deliverer{Service: f, Client: webhooks.NewClient(true, 5*time.Second)}
	if err := d.Handle(context.Background(), job()); err != nil {
		t.Fatal(err)
	}
	got.Lock()
	defer got.Unlock()
	if err := verify(secret, got.h, got.body, time.Now()); err != nil {
		t.Fatalf("independent verification: %v (headers %v)", err, got.h)
	}
	if string(got.body) != string(f.del.Body) || got.h.Get("webhook-id") != f.del.EventID {
		t.Fatalf("sent %s with id %s", got.body, got.h.Get("webhook-id"))
	}
	if err := verify("whsec_"+base64.StdEncoding.EncodeToString([]byte("another key")), got.h, got.body, time.Now()); err == nil {
		t.Fatal("a wrong secret verified")
	}
	if err := verify(secret, got.h, append(got.body, ' '), time.Now()); err == nil {
		t.Fatal("a changed body verified")
	}
	if f.status != vocdesk.DeliveryDelivered || len(f.attempts) != 1 || f.attempts[0].StatusCode != http.StatusNoContent {
		t.Fatalf("status %q attempts %+v", f.status, f.attempts)
	}
}

func TestDeliveryRetriedOnError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	f := newFake(srv.URL)
	d := &webhooks.Deliverer{Service: f, Client: webhooks.NewClient(true, 5*time.Second)}
	if err := d.Handle(context.Background(), job()); err == nil {
		t.Fatal("a 503 counted as delivered")
	}
	if f.status != "" || f.attempts[0].StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %q attempts %+v", f.status, f.attempts)
	}
	// Retries back off exponentially for more than 24 hours.
	var total time.Duration
	k := d.Kind()
	for a := 1; a < k.MaxAttempts; a++ {
		total += k.Backoff(a)
	}
	if total < 24*time.Hour {
		t.Fatalf("retries span only %s", total)
	}
}

// TestPrivateAddressesRefused: loopback is refused at dial time, after
// resolution, unless allowed; the delivery fails for good.
func TestPrivateAddressesRefused(t *testing.T) {
	hit := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit = true }))
	defer srv.Close()
	for _, url := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		f := newFake(url)
		d := &webhooks.Deliverer{Service: f, Client: webhooks.NewClient(false, 5*time.Second)}
		err := d.Handle(context.Background(), job())
		var priv webhooks.ErrPrivate
		if !errors.As(err, &priv) || f.status != vocdesk.DeliveryFailed {
			t.Fatalf("%s: err %v, status %q", url, err, f.status)
		}
	}
	if hit {
		t.Fatal("the private server was reached")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
