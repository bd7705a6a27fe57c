package ratelimit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
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
// Keys are hashed into a table of fixed size, so memory does not grow with
// what clients send. It is safe for concurrent use.
type Guard struct {
	cfg GuardConfig
	t   *table
	now func() time.Time
	// deviceKey signs device tokens: GuardConfig.DeviceKey, or one made
	// for this guard, with which a token is unknown after a restart or on
	// another process and the attempt takes the ordinary path.
	deviceKey []byte
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

	// DeviceKey signs device tokens (at least 32 bytes): the server's, the
	// same for every process on a database, so that a browser's token
	// holds after a restart and behind a load balancer. Nil: a key made
	// for this guard alone.
	DeviceKey []byte
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
	g := &Guard{cfg: cfg, t: newTable(cfg.Slots), now: time.Now, deviceKey: cfg.DeviceKey}
	if len(g.deviceKey) < 32 {
		g.deviceKey = make([]byte, 32)
		_, _ = rand.Read(g.deviceKey) // crypto/rand.Read never fails on supported platforms
	}
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
	g                *Guard
	addr, acct, pair uint64
	known            uint64
	chargedAddr      bool
	chargedAcct      bool
	chargedPair      bool
}

// Begin asks whether a sign-in to account (an email) in realm from addr (a
// client IP) may be tried now. When it may, the attempt is charged as a
// failure until the caller says otherwise. When it may not, wait says when
// to come back; a refused attempt costs nothing.
//
// device is the device token the client sent (DeviceToken), or "".
func (g *Guard) Begin(realm, account, addr, device string) (a *Attempt, wait time.Duration, ok bool) {
	if len(account) > maxAccountLen {
		account = account[:maxAccountLen]
	}
	account = strings.ToLower(strings.TrimSpace(account))
	addr = addrKey(addr)
	now := g.now().UnixNano()
	a = &Attempt{
		g:     g,
		addr:  g.t.hash(kindAddr, addr),
		acct:  g.t.hash(kindAccount, realm, account),
		pair:  g.t.hash(kindPair, realm, account, addr),
		known: g.t.hash(kindKnown, realm, account, addr),
	}
	trusted := g.validDevice(device, realm, account, now)
	if trusted {
		// The device's own budget stands in for the pair's.
		a.pair = g.t.hash(kindDevice, device)
	}
	t := g.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if k := t.find(a.known); trusted || k != nil && k.tat > now {
		s := t.take(a.pair)
		if w := gcraWait(s.tat, now, g.cfg.PairEvery, g.cfg.PairBurst); w > 0 {
			return nil, w, false
		}
		gcraCharge(s, now, g.cfg.PairEvery)
		a.chargedPair = true
		return a, 0, true
	}
	var addrTat, acctTat, acctLast int64
	if s := t.find(a.addr); s != nil {
		addrTat = s.tat
	}
	if s := t.find(a.acct); s != nil {
		acctTat, acctLast = s.tat, s.last
	}
	wait = max(gcraWait(addrTat, now, g.cfg.AddrEvery, g.cfg.AddrBurst), g.accountWait(acctTat, acctLast, now))
	if wait > 0 {
		return nil, wait, false
	}
	gcraCharge(t.take(a.addr), now, g.cfg.AddrEvery)
	gcraCharge(t.take(a.acct), now, g.cfg.AccountDecay)
	a.chargedAddr, a.chargedAcct = true, true
	return a, 0, true
}

// Succeeded refunds the attempt, forgets the account's failures and makes
// the account and address a known pair.
func (a *Attempt) Succeeded() {
	g, t := a.g, a.g.t
	now := g.now().UnixNano()
	t.mu.Lock()
	defer t.mu.Unlock()
	a.refund(now)
	t.drop(a.acct)
	t.drop(a.pair)
	k := t.take(a.known)
	k.tat, k.last = now+int64(g.cfg.KnownFor), now
}

// Cancel refunds the attempt without counting it either way: for attempts
// that never reached the password check (a server error).
func (a *Attempt) Cancel() {
	now := a.g.now().UnixNano()
	a.g.t.mu.Lock()
	defer a.g.t.mu.Unlock()
	a.refund(now)
}

// refund gives back what Begin charged. The caller holds the table's lock.
func (a *Attempt) refund(now int64) {
	g, t := a.g, a.g.t
	if a.chargedAddr {
		gcraRefund(t.find(a.addr), now, g.cfg.AddrEvery)
	}
	if a.chargedAcct {
		gcraRefund(t.find(a.acct), now, g.cfg.AccountDecay)
	}
	if a.chargedPair {
		gcraRefund(t.find(a.pair), now, g.cfg.PairEvery)
	}
	a.chargedAddr, a.chargedAcct, a.chargedPair = false, false, false
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

func gcraCharge(s *slot, now int64, every time.Duration) {
	s.tat = max(s.tat, now) + int64(every)
	s.last = now
}

// gcraRefund takes one charge back, when the slot still exists (it may have
// been reused for another key meanwhile, then there is nothing to give).
func gcraRefund(s *slot, now int64, every time.Duration) {
	if s == nil {
		return
	}
	s.tat = max(s.tat-int64(every), now)
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

func (g *Guard) deviceMAC(realm, account string, exp int64) []byte {
	m := hmac.New(sha256.New, g.deviceKey)
	m.Write([]byte(realm))
	m.Write([]byte{0})
	m.Write([]byte(account))
	m.Write(binary.BigEndian.AppendUint64(nil, uint64(exp)))
	return m.Sum(nil)
}
