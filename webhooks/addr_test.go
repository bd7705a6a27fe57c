package webhooks

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// Finding 5: the special-purpose ranges the old check let through (NAT64,
// 6to4, Teredo, 198.18/15, 240/4, 192.0.0/24, fec0::/10) and the rest of
// the IANA registries are refused; public addresses are not.
func TestPublicAddr(t *testing.T) {
	refused := []string{
		"0.0.0.0", "10.1.2.3", "100.64.0.1", "127.0.0.1", "169.254.169.254", "172.16.5.4", "192.0.0.1", "192.0.0.170",
		"192.0.2.1", "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.19.255.254", "198.51.100.7", "203.0.113.9",
		"224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
		"::", "::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::10.0.0.1", "64:ff9b::a00:1", "64:ff9b::808:808",
		"64:ff9b:1::1", "100::1", "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:2::1", "2001:db8::1",
		"2002:a00:1::1", "2002:808:808::1", "3fff::1", "5f00::1", "fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0",
		"fec0::1", "ff02::1", "ff0e::1",
	}
	public := []string{"8.8.8.8", "1.1.1.1", "93.184.216.34", "::ffff:8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001::200e", "100.128.0.1", "198.20.0.1"}
	for _, s := range refused {
		if publicAddr(netip.MustParseAddr(s)) {
			t.Errorf("%s counts as public", s)
		}
	}
	for _, s := range public {
		if !publicAddr(netip.MustParseAddr(s)) {
			t.Errorf("%s counts as not public", s)
		}
	}
}

// fakeResolver is DNS, the edge of the world: names and their addresses.
type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	ss, ok := f[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []netip.Addr
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

// Setting a webhook refuses what delivering would refuse, and the refusal
// never names the address a name resolved to.
func TestCheckURL(t *testing.T) {
	r := fakeResolver{
		"hooks.public.example":   {"93.184.216.34", "2606:2800:220:1::1"},
		"hooks.internal.example": {"10.20.30.40"},
		"mixed.example":          {"93.184.216.34", "169.254.169.254"},
		"nat64.example":          {"64:ff9b::a14:1e28"},
	}
	ctx := context.Background()
	for _, u := range []string{"https://hooks.internal.example/in", "https://mixed.example/", "https://nat64.example/",
		"http://127.0.0.1:8080/", "http://[::1]/", "http://[::ffff:169.254.169.254]/", "http://localhost/", "http://api.localhost./x",
		"http://[fec0::1]/", "http://198.18.0.5/"} {
		err := CheckURL(ctx, r, u)
		if err == nil {
			t.Errorf("%s accepted", u)
			continue
		}
		for _, leak := range []string{"10.20.30.40", "169.254", "a14:1e28"} {
			if strings.Contains(err.Error(), leak) {
				t.Errorf("%s: the error names the resolved address: %v", u, err)
			}
		}
	}
	for _, u := range []string{"https://hooks.public.example/in", "https://not-yet-in-dns.example/", "https://8.8.8.8/"} {
		if err := CheckURL(ctx, r, u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
}

// A refused or failed dial leaves no address in the error the delivery log
// shows.
func TestSendErrorsNameNoAddress(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	_, err := NewClient(false, time.Second).Get(srv.URL)
	var priv ErrPrivate
	if !errors.As(err, &priv) {
		t.Fatalf("dial to %s: %v; want ErrPrivate", srv.URL, err)
	}
	if strings.Contains(priv.Error(), "127.0.0.1") {
		t.Errorf("ErrPrivate names the address: %v", priv)
	}
	// A refused connection (a closed port) from the private-allowed client.
	srv.Close()
	_, err = NewClient(true, time.Second).Get(srv.URL)
	if err == nil {
		t.Fatal("dial to a closed port succeeded")
	}
	if msg := withoutAddress(err).Error(); strings.Contains(msg, "127.0.0.1") || !strings.Contains(msg, "dial") {
		t.Errorf("send error %q names the address or hides what happened", msg)
	}
}
