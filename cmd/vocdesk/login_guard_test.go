package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/vocdesk/vocdesk/ratelimit"
)

// Two processes on one database (here two guards made by two opens of it)
// sign device tokens with the same key: the browser an owner signed in with
// on one keeps skipping the limits strangers' failures put on the owner's
// address, on the other and after a restart. With a key per process, the
// token is unknown on the second and the owner waits like everyone else.
func TestLoginGuardKeepsDevicesAcrossProcesses(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		ctx := t.Context()
		first, err := openDatabase(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer first.Close()
		one, err := loginGuard(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		a, _, _, err := one.Begin(ctx, "developer", "owner@example.com", "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Succeeded(ctx); err != nil {
			t.Fatal(err)
		}
		device := one.DeviceToken("developer", "owner@example.com")

		second, err := openDatabase(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer second.Close()
		other, err := loginGuard(ctx, second)
		if err != nil {
			t.Fatal(err)
		}
		// A guesser at the address the owner now signs in from (a café's),
		// on other accounts, spends the address's budget on the second
		// process.
		for i := range 20 {
			if _, _, _, err := other.Begin(ctx, "developer", fmt.Sprintf("guess%d@example.com", i), "192.0.2.9", ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, ok, _ := other.Begin(ctx, "developer", "owner@example.com", "192.0.2.9", ""); ok {
			t.Fatal("the address was never limited")
		}
		if _, wait, ok, _ := other.Begin(ctx, "developer", "owner@example.com", "192.0.2.9", device); !ok {
			t.Fatalf("the owner's browser waits %v on the second process: its device token is unknown there", wait.Round(time.Second))
		}
	})
}

// Two processes on one database count one budget: a guesser who spreads
// attempts over the processes behind a load balancer meets the address's
// limit and the account's delays as if there were one. With counters per
// process, each would give the guesser a budget of its own.
func TestLoginGuardCountsAcrossProcesses(t *testing.T) {
	engines(t, func(t *testing.T, dsn string) {
		ctx := t.Context()
		var guards [2]*ratelimit.Guard
		for i := range guards {
			db, err := openDatabase(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if guards[i], err = loginGuard(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		begin := func(g *ratelimit.Guard, account, addr string) bool {
			t.Helper()
			_, _, ok, err := g.Begin(ctx, "customer", account, addr, "")
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		// An address: ten failures in a row, taken turn about.
		for i := range 10 {
			if !begin(guards[i%2], fmt.Sprintf("guess%d@example.com", i), "203.0.113.7") {
				t.Fatalf("failure %d from the address refused", i+1)
			}
		}
		for _, g := range guards {
			if begin(g, "guess10@example.com", "203.0.113.7") {
				t.Fatal("the address has a budget on each process")
			}
		}
		// An account: five failures from five addresses on the first,
		// then the second makes the sixth wait.
		for i := range 5 {
			if !begin(guards[0], "victim@example.com", fmt.Sprintf("198.51.100.%d", i)) {
				t.Fatalf("failure %d on the account refused", i+1)
			}
		}
		if begin(guards[1], "victim@example.com", "198.51.100.99") {
			t.Fatal("the account's failures on one process do not delay it on the other")
		}
	})
}
