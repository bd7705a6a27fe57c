package webhooks

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrPrivate is the error of a delivery refused because the address is
// loopback, private, link-local or otherwise not on the public internet
// (publicAddr). It does not carry the address: the delivery log is shown
// to the developer, and the address a name resolved to inside the store's
// network is none of its business.
type ErrPrivate struct{}

func (ErrPrivate) Error() string {
	return "webhooks: the URL's host resolves to an address that is not public (deliveries to private networks are off; see --allow-private-webhooks)"
}

// NewClient returns the HTTP client deliveries are sent with. Unless
// allowPrivate is set, its dialer checks the address it is about to connect
// to, after DNS resolution: checking the URL's name beforehand would let a
// name that resolves to a public address for the check and a private one
// for the connection (DNS rebinding) through. It follows no redirects: a
// 3xx is a failed delivery, not a way to reach elsewhere.
func NewClient(allowPrivate bool, timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: timeout}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !publicAddr(ap.Addr()) {
				return ErrPrivate{}
			}
			return nil
		}
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		Proxy:                 nil, // a proxy would dial for us, past the check
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       time.Minute,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
