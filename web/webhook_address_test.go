package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
)

// dnsStub answers for the names the test sets and fails for the rest.
type dnsStub map[string]string

func (d dnsStub) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := d[host]; ok {
		return []netip.Addr{netip.MustParseAddr(a)}, nil
	}
	return nil, errors.New("no such host")
}

// Finding 5: a private, loopback or metadata webhook address is refused
// when it is set (before: accepted, refused only when dialled), unless the
// server allows private webhooks; the answer names no resolved address.
func TestWebhookRefusedWhenSet(t *testing.T) {
	e := newEnv(t, sqlstoretest.OpenSQLite(t))
	dns := dnsStub{"hooks.internal.example": "10.9.8.7", "hooks.public.example": "93.184.216.34"}
	strict, err := web.NewServer(web.Config{WebhookResolver: dns}, e.svc)
	if err != nil {
		t.Fatal(err)
	}
	lax, err := web.NewServer(web.Config{WebhookResolver: dns, AllowPrivateWebhooks: true}, e.svc)
	if err != nil {
		t.Fatal(err)
	}
	h := bearerWith(jsonCT, e.a.key)
	for _, u := range []string{"http://127.0.0.1:9/x", "http://169.254.169.254/latest", "https://hooks.internal.example/in", "http://[64:ff9b::a00:1]/"} {
		res := serve(strict, "PUT", "/api/v1/webhook", `{"url":"`+u+`"}`, h)
		if res.Code != http.StatusBadRequest || strings.Contains(res.Body.String(), "10.9.8.7") {
			t.Errorf("PUT %s: %d %s; want 400 naming no address", u, res.Code, res.Body)
		}
		if res := serve(lax, "PUT", "/api/v1/webhook", `{"url":"`+u+`"}`, h); res.Code != http.StatusOK {
			t.Errorf("PUT %s with private webhooks allowed: %d %s", u, res.Code, res.Body)
		}
	}
	if res := serve(strict, "PUT", "/api/v1/webhook", `{"url":"https://hooks.public.example/in"}`, h); res.Code != http.StatusOK {
		t.Errorf("public webhook: %d %s", res.Code, res.Body)
	}
}
