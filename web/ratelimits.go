package web

import "golang.org/x/time/rate"

// Sign-in attempts: a person mistyping a password gets a few tries in a row,
// a script guessing passwords gets one try every six seconds.
const (
	loginRate  = rate.Limit(1.0 / 6)
	loginBurst = 5
)
