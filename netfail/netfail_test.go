package netfail_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/netfail"
)

// closedPort is a local address nothing listens on: a listener's, closed.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestClassify words real failures: each is made as it happens in a
// delivery, by dialling or asking over HTTP.
func TestClassify(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer plain.Close()
	// A server that answers nothing until the client gives up.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	// A server that hangs up on every connection at once.
	hangup, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hangup.Close()
	go func() {
		for {
			c, err := hangup.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()

	client := &http.Client{Timeout: 300 * time.Millisecond}
	get := func(url string) error {
		res, err := client.Get(url)
		if err == nil {
			res.Body.Close()
		}
		return err
	}
	dial := func(addr string) error {
		c, err := (&net.Dialer{Timeout: 2 * time.Second}).Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err
	}

	for _, c := range []struct {
		name   string
		err    error
		reason string
		args   string
	}{
		{"a closed port", dial(closedPort(t)), netfail.Refused, "[]"},
		{"a closed port over HTTP", get("http://" + closedPort(t) + "/"), netfail.Refused, "[]"},
		{"an unresolvable host", dial("vocdesk-test.invalid:443"), netfail.NoHost, "[vocdesk-test.invalid]"},
		{"an unresolvable host over HTTP", get("https://vocdesk-test.invalid/hook"), netfail.NoHost, "[vocdesk-test.invalid]"},
		{"TLS to a plain server", get("https://" + plain.Listener.Addr().String() + "/"), netfail.TLS, "[]"},
		{"TLS handshake to a plain server", func() error {
			c := tls.Client(mustDial(t, plain.Listener.Addr().String()), &tls.Config{ServerName: "localhost"})
			defer c.Close()
			return c.Handshake()
		}(), netfail.TLS, "[]"},
		{"a certificate nobody vouches for", get(httptest.NewTLSServer(http.NotFoundHandler()).URL), netfail.TLS, "[]"},
		{"a silent server past a short deadline", get("http://" + silent.Addr().String() + "/"), netfail.Timeout, "[]"},
		{"a context's deadline", func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+silent.Addr().String()+"/", nil)
			_, err := http.DefaultClient.Do(req)
			return err
		}(), netfail.Timeout, "[]"},
		{"a server that hangs up", get("http://" + hangup.Addr().String() + "/"), netfail.Reset, "[]"},
		// What net/http says instead when the hang-up lands before the
		// request is written (its error is not exported).
		{"a server that hangs up first", errors.New(`Post "http://127.0.0.1:1/": http: server closed idle connection`), netfail.Reset, "[]"},
		{"wrapped, with words of its own", netfail.New("imap: cannot connect", fmt.Errorf("x: %w", dial(closedPort(t)))), netfail.Refused, "[]"},
		{"kept kind", fmt.Errorf("outer: %w", netfail.Wrap("the server answered 500", nil).Because(netfail.Status, "500 Internal Server Error")),
			netfail.Status, "[500 Internal Server Error]"},
		{"something else", errors.New("webhooks: bad payload"), "", "[]"},
		{"nil", nil, "", "[]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil && c.reason != "" {
				t.Fatal("no error")
			}
			reason, args := netfail.Classify(c.err)
			if reason != c.reason || fmt.Sprint(args) != c.args {
				t.Errorf("Classify(%v) = %q %v, want %q %s", c.err, reason, args, c.reason, c.args)
			}
		})
	}
}

func mustDial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReason: a failure's kind and values as kept, text; none for an
// error that is not a classified failure.
func TestReason(t *testing.T) {
	err := fmt.Errorf("job: %w", netfail.Wrap("webhooks: the server answered 503", nil).Because(netfail.Status, "503 Service Unavailable"))
	if r, a := netfail.Reason(err); r != netfail.Status || fmt.Sprint(a) != "[503 Service Unavailable]" {
		t.Errorf("Reason = %q %q", r, a)
	}
	if err.Error() != "job: webhooks: the server answered 503" {
		t.Errorf("English changed: %q", err)
	}
	if r, a := netfail.Reason(netfail.New("cannot parse", errors.New("bad"))); r != "" || a != nil {
		t.Errorf("an unknown kind: %q %q", r, a)
	}
	if r, _ := netfail.Reason(errors.New("plain")); r != "" {
		t.Errorf("a plain error: %q", r)
	}
}

func TestExcerpt(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"  {\"error\":\n\t\"quota exceeded\"}\r\n", `{"error": "quota exc`},
		{"bad \xff byte\x00here", "bad \uFFFD byte here"},
		{strings.Repeat("가", 10), strings.Repeat("가", 6)}, // 20 bytes: six whole characters
	} {
		if got := netfail.Excerpt(c.in, 20); got != c.want {
			t.Errorf("Excerpt(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
