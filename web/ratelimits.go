package web

import "golang.org/x/time/rate"

// Sign-in attempts: a person mistyping a password gets a few tries in a row,
// a script guessing passwords gets one try every six seconds.
const (
	loginRate  = rate.Limit(1.0 / 6)
	loginBurst = 5
)

// A customer's review writes (new, edit, helpful): a person writes and
// edits a few in a row, a script flooding the store gets one a minute.
const (
	reviewRate  = rate.Limit(1.0 / 60)
	reviewBurst = 10
)
