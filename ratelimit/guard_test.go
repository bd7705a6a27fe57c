package ratelimit

import (
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a guard's time, stepped by the test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func testGuard(cfg GuardConfig) (*Guard, *clock) {
	c := &clock{time.Unix(1_700_000_000, 0)}
	g := NewGuard(cfg)
	g.now = c.now
	return g, c
}

func fail(t *testing.T, g *Guard, realm, acct, addr string) {
	t.Helper()
	if _, w, ok, _ := g.Begin(t.Context(), realm, acct, addr, ""); !ok {
		t.Fatalf("attempt on %s from %s refused (wait %v)", acct, addr, w)
	}
}

// One address spraying many accounts meets a limit: the per-address budget
// counts failures whatever email they name (finding 2).
func TestGuardLimitsAnAddressAcrossAccounts(t *testing.T) {
	g, c := testGuard(DefaultGuardConfig())
	for i := range 10 {
		fail(t, g, "customer", "victim"+strconv.Itoa(i)+"@example.com", "203.0.113.7")
	}
	_, wait, ok, _ := g.Begin(t.Context(), "customer", "victim99@example.com", "203.0.113.7", "")
	if ok || wait <= 0 || wait > 6*time.Second {
		t.Fatalf("11th failure from one address: ok=%v wait=%v; want refused for at most 6s", ok, wait)
	}
	// Another address is not affected, and time refills the budget.
	fail(t, g, "customer", "victim99@example.com", "198.51.100.1")
	c.add(6 * time.Second)
	fail(t, g, "customer", "victim99@example.com", "203.0.113.7")
	// Every address of one IPv6 /64 is one client.
	for i := range 10 {
		fail(t, g, "customer", "x"+strconv.Itoa(i)+"@example.com", "2001:db8:1:2::"+strconv.Itoa(i+1))
	}
	if _, _, ok, _ := g.Begin(t.Context(), "customer", "y@example.com", "2001:db8:1:2:ffff::1", ""); ok {
		t.Fatal("a fresh address in the same IPv6 /64 escaped the address limit")
	}
}

// Successful sign-ins cost nothing: a shared office address where people sign
// in all day never runs out (finding 2, "successful sign-ins use up the
// budget").
func TestGuardCountsOnlyFailures(t *testing.T) {
	g, _ := testGuard(DefaultGuardConfig())
	for i := range 100 {
		a, w, ok, _ := g.Begin(t.Context(), "developer", "agent"+strconv.Itoa(i%7)+"@example.com", "192.0.2.10", "")
		if !ok {
			t.Fatalf("sign-in %d refused (wait %v) though all before succeeded", i, w)
		}
		a.Succeeded(t.Context())
	}
	// A refused attempt is free too: retrying early does not push the next
	// chance further away.
	for i := range 10 {
		fail(t, g, "developer", "z"+strconv.Itoa(i)+"@example.com", "192.0.2.99")
	}
	_, w1, _, _ := g.Begin(t.Context(), "developer", "z@example.com", "192.0.2.99", "")
	_, w2, _, _ := g.Begin(t.Context(), "developer", "z@example.com", "192.0.2.99", "")
	if w1 != w2 {
		t.Fatalf("a refused attempt moved the wait from %v to %v", w1, w2)
	}
}

// Many addresses guessing one account make its attempts wait a growing
// delay, never a hard lock; the owner at an address they signed in from
// before is not slowed at all (finding 2, "a lockout that cannot be turned
// against the account's owner").
func TestGuardAccountDelayAndKnownPair(t *testing.T) {
	g, c := testGuard(DefaultGuardConfig())
	a, _, ok, _ := g.Begin(t.Context(), "customer", "Owner@Example.com", "192.0.2.1", "")
	if !ok {
		t.Fatal("first sign-in refused")
	}
	a.Succeeded(t.Context())

	for i := range 5 {
		fail(t, g, "customer", "owner@example.com", "198.51.100."+strconv.Itoa(i+1))
	}
	_, wait, ok, _ := g.Begin(t.Context(), "customer", "owner@example.com", "198.51.100.50", "")
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("6th failure on one account from a new address: ok=%v wait=%v; want a delay of at most 1s", ok, wait)
	}
	c.add(time.Second)
	fail(t, g, "customer", "owner@example.com", "198.51.100.50")
	_, wait, _, _ = g.Begin(t.Context(), "customer", "owner@example.com", "198.51.100.51", "")
	if wait <= time.Second || wait > 2*time.Second {
		t.Fatalf("the delay does not grow: %v after the 6th failure", wait)
	}
	// The delay is capped: a botnet keeping it up leaves a short wait.
	for range 40 {
		c.add(5 * time.Minute)
		fail(t, g, "customer", "owner@example.com", "198.51.100.60")
	}
	if _, wait, _, _ = g.Begin(t.Context(), "customer", "owner@example.com", "198.51.100.61", ""); wait > 5*time.Minute {
		t.Fatalf("delay %v over the cap", wait)
	}
	// Meanwhile the owner, at their own address, signs in at once.
	a, wait, ok, _ = g.Begin(t.Context(), "customer", "owner@example.com", "192.0.2.1", "")
	if !ok {
		t.Fatalf("the owner at a known address is refused (wait %v)", wait)
	}
	a.Succeeded(t.Context())
	// A guesser behind the owner's address gets only the pair's few tries.
	for range 5 {
		fail(t, g, "customer", "owner@example.com", "192.0.2.1")
	}
	if _, _, ok, _ := g.Begin(t.Context(), "customer", "owner@example.com", "192.0.2.1", ""); ok {
		t.Fatal("a known pair has no limit of its own")
	}
}

// Parallel guesses are charged as they start, so a burst of concurrent
// requests cannot all pass the check before the first fails.
func TestGuardChargesInFlightAttempts(t *testing.T) {
	g, _ := testGuard(DefaultGuardConfig())
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			if _, _, ok, _ := g.Begin(t.Context(), "operator", "x"+strconv.Itoa(i)+"@example.com", "203.0.113.9", ""); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 10 {
		t.Fatalf("%d of 64 parallel attempts got through; want the burst of 10", allowed)
	}
}

// Keys are hashed into a fixed table: a million distinct, huge emails leave
// the heap where it was (finding 1).
func TestGuardMemoryIsFixed(t *testing.T) {
	cfg := DefaultGuardConfig()
	cfg.AddrBurst = 1 << 30 // let every attempt through, to fill the table
	g, _ := testGuard(cfg)
	if got := g.counters.(*table).size(); got != 1<<16 {
		t.Fatalf("table has %d slots", got)
	}
	big := strings.Repeat("x", 64<<10)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 20_000 {
		a, _, _, _ := g.Begin(t.Context(), "customer", big+strconv.Itoa(i), "203.0.113."+strconv.Itoa(i%250), "")
		if a != nil && i%2 == 0 {
			a.Succeeded(t.Context())
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 4<<20 {
		t.Fatalf("heap grew by %d bytes for 20,000 keys; the table should hold it fixed", grew)
	}
}

// A pushed-out slot is the least recently used of its bucket.
func TestTableEvictsLeastRecentlyUsed(t *testing.T) {
	tb := newTable(ways) // one bucket
	for i := range ways {
		s := tb.take(uint64(i + 1))
		s.last = int64(10 + i)
	}
	tb.find(1).last = 100
	tb.take(99)
	if tb.find(2) != nil || tb.find(1) == nil || tb.find(99) == nil {
		t.Fatal("take did not reuse the least recently written slot")
	}
}

// A browser that signed in before carries a device token, and a guesser
// behind the owner's own address, aiming at the owner's account, cannot
// keep that browser out; the token is worth nothing for another account.
func TestGuardDeviceToken(t *testing.T) {
	g, c := testGuard(DefaultGuardConfig())
	a, _, _, _ := g.Begin(t.Context(), "developer", "owner@example.com", "192.0.2.1", "")
	a.Succeeded(t.Context())
	device := g.DeviceToken("developer", "Owner@example.com")
	for range 20 {
		c.add(6 * time.Second)
		if a, _, ok, _ := g.Begin(t.Context(), "developer", "owner@example.com", "192.0.2.1", ""); ok {
			_ = a // a failure: left counted
		}
	}
	if _, _, ok, _ := g.Begin(t.Context(), "developer", "owner@example.com", "192.0.2.1", ""); ok {
		t.Fatal("the guesser at the owner's address was never slowed")
	}
	a, wait, ok, _ := g.Begin(t.Context(), "developer", "owner@example.com", "192.0.2.1", device)
	if !ok {
		t.Fatalf("the owner's browser is kept out (wait %v)", wait)
	}
	a.Succeeded(t.Context())
	for _, bad := range []string{g.DeviceToken("developer", "other@example.com"), g.DeviceToken("customer", "owner@example.com"), device[:len(device)-2] + "AA", "x"} {
		if g.validDevice(bad, "developer", "owner@example.com", c.now().UnixNano()) {
			t.Errorf("token %q is accepted for another account or realm", bad)
		}
	}
	c.add(31 * 24 * time.Hour)
	if g.validDevice(device, "developer", "owner@example.com", c.now().UnixNano()) {
		t.Error("an expired device token is accepted")
	}
}

// Guards given the same key (the server's, on every process of one
// database) accept each other's device tokens; a guard with a key of its
// own does not.
func TestGuardDeviceTokenSharedKey(t *testing.T) {
	cfg := DefaultGuardConfig()
	cfg.Key = []byte("0123456789abcdef0123456789abcdef")
	one, _ := testGuard(cfg)
	device := one.DeviceToken("developer", "owner@example.com")
	other, c := testGuard(cfg)
	if !other.validDevice(device, "developer", "owner@example.com", c.now().UnixNano()) {
		t.Error("a guard with the same key refuses the token")
	}
	alone, c := testGuard(DefaultGuardConfig())
	if alone.validDevice(device, "developer", "owner@example.com", c.now().UnixNano()) {
		t.Error("a guard with a key of its own accepts the token")
	}
}
