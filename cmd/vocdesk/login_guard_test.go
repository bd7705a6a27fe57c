package main

import (
	"fmt"
	"testing"
	"time"
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
		a, _, _ := one.Begin("developer", "owner@example.com", "192.0.2.1", "")
		a.Succeeded()
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
		// A guesser at the owner's address, on other accounts, spends the
		// address's budget on the second process.
		for i := range 20 {
			other.Begin("developer", fmt.Sprintf("guess%d@example.com", i), "192.0.2.1", "")
		}
		if _, _, ok := other.Begin("developer", "owner@example.com", "192.0.2.1", ""); ok {
			t.Fatal("the address was never limited")
		}
		if _, wait, ok := other.Begin("developer", "owner@example.com", "192.0.2.1", device); !ok {
			t.Fatalf("the owner's browser waits %v on the second process: its device token is unknown there", wait.Round(time.Second))
		}
	})
}
