// Package ratelimittest holds the sign-in guard budgets that tests use.
package ratelimittest

import (
	"time"

	"github.com/vocdesk/vocdesk/ratelimit"
)

// Patient is the server's guard with budgets that never refill within a
// test, so that slow password hashing on a busy machine cannot change what
// a test sees: free failures per account and known pair, ten times that
// per address.
func Patient(free int) ratelimit.GuardConfig {
	cfg := ratelimit.DefaultGuardConfig()
	cfg.AddrBurst, cfg.AddrEvery = 10*free, time.Hour
	cfg.AccountFree, cfg.AccountDecay, cfg.AccountDelay, cfg.AccountMaxDelay = free, time.Hour, time.Hour, time.Hour
	cfg.PairBurst, cfg.PairEvery = free, time.Hour
	return cfg
}
