package ratelimit

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Guard limits password guessing the way OWASP's authentication cheat sheet,
// Devise's lockable and django-axes do, with one change that keeps an
// attacker from locking owners out:
//
//   - Only failures count. An attempt is charged when it starts (so that a
//     burst of parallel guesses cannot all slip past the check before the
//     first one fails) and refunded when it succeeds.
//   - Per client address: a few failures in a row, then one every so often.
//     This caps how many password hashes one address can make the server
//     compute, whatever emails it tries.
//   - Per account (realm and email, whatever address): after a few
//     failures each further attempt waits a delay that doubles with each
//     failure up to a cap, never a hard lock. A botnet can slow an account
//     down, not close it.
//   - An address the account's owner has signed in from before (a known
//     pair) skips both: its attempts only count against that pair. The
//     owner at their usual address is never slowed by strangers' failures,
//     and a guesser sharing that address gets a few tries on that account
//     only.
//   - A browser the owner has signed in with carries a device token
//     (OWASP's "device cookie"), which skips all of the above and counts
//     only against itself: even a guesser behind the owner's own address,
//     aiming at the owner's account, cannot keep that browser out.
//
// Keys are keyed hashes (HMAC-SHA256 under the guard's key), so what a
// client sends costs a fixed size whatever its length. The counters live
// in GuardConfig.Counters: by default a table of fixed size in the process;
// a server with several processes on one database gives them the
// database's (sqlstore.SignInCounters) and one key, and they count as one.
// It is safe for concurrent use.
type Guard struct {
	cfg      GuardConfig
	counters Counters
	now      func() time.Time
	// key signs device tokens (GuardConfig.Key, or one made for this
	// guard, with which a token is unknown after a restart or on another
	// process and the attempt takes the ordinary path); counterKey, made
	// from it, hashes the counters' keys.
	key, counterKey []byte
}

// GuardConfig sets a Guard's budgets. DefaultGuardConfig gives the server's.
type GuardConfig struct {
	Slots int // size of the table; memory is about 24 bytes a slot

	AddrBurst int           // failures an address may make in a row
	AddrEvery time.Duration // then one more each AddrEvery

	AccountFree     int           // failures on one account before delays start
	AccountDecay    time.Duration // one failure is forgotten each AccountDecay
	AccountDelay    time.Duration // the first delay, doubled with each further failure
	AccountMaxDelay time.Duration // the delay's cap

	PairBurst int           // failures on a known account and address pair
	PairEvery time.Duration // then one more each PairEvery
	KnownFor  time.Duration // how long a successful sign-in makes a pair known

	// Key signs device tokens and hashes the counters' keys (at least 32
	// bytes): the server's, the same for every process on a database, so
	// that a browser's token holds after a restart and behind a load
	// balancer, and shared Counters name the same counter alike. Nil: a
	// key made for this guard alone.
	Key []byte
	// Counters keeps the counters. Nil: a table of Slots slots in the
	// process, its own to this guard.
	Counters Counters
}

// DefaultGuardConfig is the server's policy: ten failures from an address,
// then one every six seconds; five on an account, then delays of 1 s, 2 s,
// 4 s, ... up to five minutes, forgotten one per ten minutes; five on a
// known pair, then one a minute. The table holds 65,536 counters (1.5 MiB).
func DefaultGuardConfig() GuardConfig {
	return GuardConfig{
		Slots:     1 << 16,
		AddrBurst: 10, AddrEvery: 6 * time.Second,
		AccountFree: 5, AccountDecay: 10 * time.Minute, AccountDelay: time.Second, AccountMaxDelay: 5 * time.Minute,
		PairBurst: 5, PairEvery: time.Minute,
		KnownFor: 30 * 24 * time.Hour,
	}
}

// NewGuard returns a guard with cfg's budgets.
func NewGuard(cfg GuardConfig) *Guard {
	g := &Guard{cfg: cfg, counters: cfg.Counters, now: time.Now, key: cfg.Key}
	if g.counters == nil {
		g.counters = newTable(cfg.Slots)
	}
	if len(g.key) < 32 {
		g.key = make([]byte, 32)
		_, _ = rand.Read(g.key) // crypto/rand.Read never fails on supported platforms
	}
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte("vocdesk sign-in counters"))
	g.counterKey = m.Sum(nil)
	return g
}

// Key kinds, hashed in front of the key so that kinds never collide.
const (
	kindAddr    = 'a'
	kindAccount = 'u'
	kindPair    = 'p'
	kindKnown   = 'k'
	kindDevice  = 'd'
)

// maxAccountLen bounds what of an account name is hashed. Callers check
// sizes first (vocdesk.CheckSignInSizes); this only keeps the guard's cost
// fixed if one does not.
const maxAccountLen = 1024

// Attempt is one sign-in attempt that the guard let through. It counts as a
// failure unless Succeeded or Cancel is called.
type Attempt struct {
	g           *Guard
	keys        []uint64 // address, account, pair (or device), known pair
	chargedAddr bool
	chargedAcct bool
	chargedPair bool
}

// The counters of an attempt, in Attempt.keys.
const (
	cAddr = iota
	cAcct
	cPair
	cKnown
)

// Begin asks whether a sign-in to account (an email) in realm from addr (a
// client IP) may be tried now. When it may, the attempt is charged as a
// failure until the caller says otherwise. When it may not, wait says when
// to come back; a refused attempt costs nothing. An error is the
// counters' store failing; nothing was charged.
//
// device is the device token the client sent (DeviceToken), or "".
func (g *Guard) Begin(ctx context.Context, realm, account, addr, device string) (a *Attempt, wait time.Duration, ok bool, err error) {
	if len(account) > maxAccountLen {
		account = account[:maxAccountLen]
	}
	account = strings.ToLower(strings.TrimSpace(account))
	addr = addrKey(addr)
	now := g.now().UnixNano()
	a = &Attempt{g: g, keys: []uint64{
		cAddr:  g.hash(kindAddr, addr),
		cAcct:  g.hash(kindAccount, realm, account),
		cPair:  g.hash(kindPair, realm, account, addr),
		cKnown: g.hash(kindKnown, realm, account, addr),
	}}
	trusted := g.validDevice(device, realm, account, now)
	if trusted {
		// The device's own budget stands in for the pair's.
		a.keys[cPair] = g.hash(kindDevice, device)
	}
	err = g.counters.Update(ctx, now, a.keys, func(c []Counter) {
		a.chargedAddr, a.chargedAcct, a.chargedPair = false, false, false
		if trusted || c[cKnown].Tat > now {
			if wait = gcraWait(c[cPair].Tat, now, g.cfg.PairEvery, g.cfg.PairBurst); wait > 0 {
				return
			}
			gcraCharge(&c[cPair], now, g.cfg.PairEvery)
			a.chargedPair = true
			return
		}
		wait = max(gcraWait(c[cAddr].Tat, now, g.cfg.AddrEvery, g.cfg.AddrBurst), g.accountWait(c[cAcct].Tat, c[cAcct].Last, now))
		if wait > 0 {
			return
		}
		gcraCharge(&c[cAddr], now, g.cfg.AddrEvery)
		gcraCharge(&c[cAcct], now, g.cfg.AccountDecay)
		a.chargedAddr, a.chargedAcct = true, true
	})
	if err != nil {
		return nil, 0, false, fmt.Errorf("ratelimit: %w", err)
	}
	if wait > 0 {
		return nil, wait, false, nil
	}
	return a, 0, true, nil
}

// Succeeded refunds the attempt, forgets the account's failures and makes
// the account and address a known pair.
func (a *Attempt) Succeeded(ctx context.Context) error {
	g := a.g
	now := g.now().UnixNano()
	return a.update(ctx, now, func(c []Counter) {
		c[cAcct], c[cPair] = Counter{}, Counter{}
		c[cKnown] = Counter{Tat: now + int64(g.cfg.KnownFor), Last: now}
	})
}

// Cancel refunds the attempt without counting it either way: for attempts
// that never reached the password check (a server error).
func (a *Attempt) Cancel(ctx context.Context) error {
	return a.update(ctx, a.g.now().UnixNano(), func([]Counter) {})
}

// update gives back what Begin charged, then applies then, in one step.
func (a *Attempt) update(ctx context.Context, now int64, then func(c []Counter)) error {
	g := a.g
	err := g.counters.Update(ctx, now, a.keys, func(c []Counter) {
		if a.chargedAddr {
			gcraRefund(&c[cAddr], now, g.cfg.AddrEvery)
		}
		if a.chargedAcct {
			gcraRefund(&c[cAcct], now, g.cfg.AccountDecay)
		}
		if a.chargedPair {
			gcraRefund(&c[cPair], now, g.cfg.PairEvery)
		}
		then(c)
	})
	if err != nil {
		return fmt.Errorf("ratelimit: %w", err)
	}
	a.chargedAddr, a.chargedAcct, a.chargedPair = false, false, false
	return nil
}

// The counters follow the generic cell rate algorithm: tat (the theoretical
// arrival time) moves every further into the future with each failure and
// time catches up with it, so one int64 is a whole leaky bucket.

// gcraWait is how long until one more failure fits in burst; 0: now.
func gcraWait(tat, now int64, every time.Duration, burst int) time.Duration {
	next := max(tat, now) + int64(every)
	if over := next - now - int64(burst)*int64(every); over > 0 {
		return time.Duration(over)
	}
	return 0
}

func gcraCharge(c *Counter, now int64, every time.Duration) {
	c.Tat = max(c.Tat, now) + int64(every)
	c.Last = now
}

// gcraRefund takes one charge back. A counter forgotten meanwhile (its
// slot reused for another key, or expired) reads as zero and stays at
// nothing.
func gcraRefund(c *Counter, now int64, every time.Duration) {
	c.Tat = max(c.Tat-int64(every), now)
}

// accountWait is the delay an account's failures impose on the next attempt
// from an address that is not a known pair: nothing for the first
// AccountFree failures, then AccountDelay (1 s), twice that, four times, ...
// after the last failure, up to AccountMaxDelay.
func (g *Guard) accountWait(tat, last, now int64) time.Duration {
	if tat <= now {
		return 0
	}
	decay := int64(g.cfg.AccountDecay)
	failures := int((tat - now + decay - 1) / decay)
	if failures < g.cfg.AccountFree {
		return 0
	}
	delay := g.cfg.AccountMaxDelay
	if n := failures - g.cfg.AccountFree; n < 30 && g.cfg.AccountDelay < delay>>n {
		delay = g.cfg.AccountDelay << n
	}
	if w := time.Duration(last + int64(delay) - now); w > 0 {
		return w
	}
	return 0
}

// addrKey is the part of a client address that identifies a client: the
// whole IPv4 address, but only the /64 of an IPv6 one, since a single
// customer line usually holds a whole /64 and could otherwise pick a fresh
// address for every guess.
func addrKey(s string) string {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return s
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// DeviceToken returns a token for the browser that has just signed in to
// account in realm, valid for KnownFor: the device cookie of OWASP's
// answer to lockouts. It holds its expiry and an HMAC of realm, account
// and expiry under the guard's key, so it needs no storage and is worth
// nothing for another account.
func (g *Guard) DeviceToken(realm, account string) string {
	account = strings.ToLower(strings.TrimSpace(account))
	exp := g.now().Add(g.cfg.KnownFor).Unix()
	b := binary.BigEndian.AppendUint64(nil, uint64(exp))
	b = append(b, g.deviceMAC(realm, account, exp)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validDevice checks a device token for realm and account (already
// lower-cased) at now.
func (g *Guard) validDevice(token, realm, account string, now int64) bool {
	if token == "" || len(token) > 64 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 8+sha256.Size {
		return false
	}
	exp := int64(binary.BigEndian.Uint64(b[:8]))
	if exp <= now/int64(time.Second) {
		return false
	}
	return hmac.Equal(b[8:], g.deviceMAC(realm, account, exp))
}

// hash is the counter key of a kind and the parts of a key: an HMAC under
// the guard's counter key, each part preceded by its length so that
// ("ab","c") and ("a","bc") differ, cut to 64 bits (0 is kept free, as a
// table's empty slot).
func (g *Guard) hash(kind byte, parts ...string) uint64 {
	m := hmac.New(sha256.New, g.counterKey)
	m.Write([]byte{kind})
	for _, p := range parts {
		m.Write(binary.BigEndian.AppendUint32(nil, uint32(len(p))))
		m.Write([]byte(p))
	}
	k := binary.BigEndian.Uint64(m.Sum(nil))
	if k == 0 {
		k = 1
	}
	return k
}

func (g *Guard) deviceMAC(realm, account string, exp int64) []byte {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte(realm))
	m.Write([]byte{0})
	m.Write([]byte(account))
	m.Write(binary.BigEndian.AppendUint64(nil, uint64(exp)))
	return m.Sum(nil)
}
