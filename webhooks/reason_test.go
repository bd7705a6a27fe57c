package webhooks_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/webhooks"
)

// TestAttemptKinds: each failed attempt is logged with its English as it
// always was and its kind and values beside it, for the console to word in
// its reader's language; the receiver's own words (its status line, the
// start of its body) are values.
func TestAttemptKinds(t *testing.T) {
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "  quota exceeded:\n try later  ", http.StatusInternalServerError)
	}))
	defer refusing.Close()
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer bare.Close()
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	hold := make(chan struct{})
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-hold:
		}
	}))
	defer silent.Close()
	defer close(hold)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/hook"
	ln.Close()

	for _, c := range []struct {
		name, url, text, reason, args string
		allowPrivate                  bool
	}{
		{"500 with a body", refusing.URL, "webhooks: the server answered 500 Internal Server Error",
			"net_status_body", "[500 Internal Server Error quota exceeded: try later]", true},
		{"502 without", bare.URL, "webhooks: the server answered 502 Bad Gateway", "net_status", "[502 Bad Gateway]", true},
		{"a closed port", closed, "webhooks: dial failed: connection refused", "net_refused", "[]", true},
		{"an unresolvable host", "https://vocdesk-test.invalid/hook", "", "net_no_host", "[vocdesk-test.invalid]", true},
		{"TLS to a plain server", strings.Replace(plain.URL, "http:", "https:", 1), "", "net_tls", "[]", true},
		{"a short deadline", silent.URL, "", "net_timeout", "[]", true},
		{"a private address", refusing.URL, "", webhooks.ReasonPrivate, "[]", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(c.url)
			d := &webhooks.Deliverer{Service: f, Client: webhooks.NewClient(c.allowPrivate, 300*time.Millisecond)}
			if err := d.Handle(context.Background(), job()); err == nil {
				t.Fatal("delivered")
			}
			a := f.attempts[0]
			if c.text != "" && a.Error != c.text {
				t.Errorf("English %q, want %q", a.Error, c.text)
			}
			if a.Error == "" {
				t.Errorf("English %q", a.Error)
			}
			if a.Reason != c.reason || fmt.Sprint(a.Args) != c.args {
				t.Errorf("kind %q %q, want %q %s (English %q)", a.Reason, a.Args, c.reason, c.args, a.Error)
			}
		})
	}
}
