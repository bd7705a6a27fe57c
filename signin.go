package vocdesk

// Sizes a sign-in's fields may have. They are checked before anything else
// looks at the fields (the rate limiter, the password hash), so that an
// attacker's megabyte of "email" costs nothing: no address is longer than
// RFC 5321 allows, and no password longer than the one rule that sets
// passwords accepts.
const (
	MaxEmailLen    = 254
	MaxPasswordLen = 1024
)

// CheckSignInSizes refuses an email or password longer than any account can
// have. Such an attempt cannot succeed, so refusing it early changes no
// answer but the cost.
func CheckSignInSizes(email, password string) error {
	if len(email) > MaxEmailLen {
		return Errorf(EINVALID, "email is longer than %d bytes", MaxEmailLen)
	}
	if len(password) > MaxPasswordLen {
		return Errorf(EINVALID, "password is longer than %d bytes", MaxPasswordLen)
	}
	return nil
}
