package webhooks

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/vocdesk/vocdesk"
)

// publicAddr reports whether ip is an address on the public internet that
// a webhook may be delivered to.
//
// IPv6 is checked against an allow-list: only 2000::/3, the global unicast
// space IANA allocates from, minus its special-purpose blocks. Everything
// outside it (unspecified, loopback, IPv4-mapped and -compatible, NAT64
// 64:ff9b::/96 and 64:ff9b:1::/48, discard 100::/64, unique local fc00::/7,
// link-local fe80::/10, site-local fec0::/10, multicast ff00::/8, SRv6
// 5f00::/16) is refused without being listed. IPv4 has no such block, so
// the IANA IPv4 Special-Purpose Address Registry is listed instead.
// IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	if !ip.IsValid() {
		return false
	}
	if ip.Is4() {
		for _, p := range specialV4 {
			if p.Contains(ip) {
				return false
			}
		}
		return true
	}
	if !globalV6.Contains(ip) {
		return false
	}
	for _, p := range specialV6 {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var globalV6 = netip.MustParsePrefix("2000::/3")

// specialV4 is every block of the IANA IPv4 special-purpose registry that is
// not globally reachable, and a few that are but that no webhook receiver
// lives in (anycast relays), plus multicast and the reserved 240/4.
var specialV4 = prefixes(
	"0.0.0.0/8",       // "this network"
	"10.0.0.0/8",      // private
	"100.64.0.0/10",   // shared address space (carrier-grade NAT)
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local, cloud metadata (169.254.169.254)
	"172.16.0.0/12",   // private
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // documentation (TEST-NET-1)
	"192.88.99.0/24",  // 6to4 relay anycast (deprecated)
	"192.168.0.0/16",  // private
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // documentation (TEST-NET-2)
	"203.0.113.0/24",  // documentation (TEST-NET-3)
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved, and 255.255.255.255 broadcast
)

// specialV6 are the special-purpose blocks inside 2000::/3.
var specialV6 = prefixes(
	"2001::/23",     // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID
	"2001:db8::/32", // documentation
	"2002::/16",     // 6to4: reaches the IPv4 address it embeds through a relay, whatever that is
	"3fff::/20",     // documentation
)

func prefixes(ss ...string) []netip.Prefix {
	ps := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		ps[i] = netip.MustParsePrefix(s)
	}
	return ps
}

// Resolver is the part of net.Resolver that CheckURL uses.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// resolveTimeout bounds the lookup of CheckURL: setting a webhook must not
// hang on a slow name server.
const resolveTimeout = 3 * time.Second

// CheckURL refuses, when a webhook is set, a URL that deliveries would
// refuse: a host that is a non-public address, a name of the loopback
// (localhost), or a name that resolves to any non-public address. A name
// that does not resolve now is accepted, since its DNS may come later; the
// dialler checks every address again at delivery time, which is what stops
// DNS rebinding. The error never says which address a name resolved to:
// that would make the server a window on internal DNS.
func CheckURL(ctx context.Context, r Resolver, rawURL string) error {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil // the form is vocdesk.ValidateWebhookURL's to judge
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if !publicAddr(ip) {
			return refused()
		}
		return nil
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return refused()
	}
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if !publicAddr(a) {
			return refused()
		}
	}
	return nil
}

func refused() error {
	return vocdesk.Errorf(vocdesk.EINVALID,
		"url must reach a public address: its host is or resolves to a loopback, private or otherwise special-purpose address (this server delivers only to the public internet)")
}

// DefaultResolver is the system's resolver, for CheckURL.
var DefaultResolver Resolver = net.DefaultResolver
