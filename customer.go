package vocdesk

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Customer is a store account: the person who pays and asks.
type Customer struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Phone     string    `json:"phone"`
	Locale    string    `json:"locale,omitempty"` // "ko" or "en"; empty means from the browser
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks a customer before it is stored.
func (c *Customer) Validate() error {
	switch {
	case !ValidEmail(c.Email):
		return Errorf(EINVALID, "email is not a valid address")
	case strings.TrimSpace(c.Name) == "":
		return Errorf(EINVALID, "name is required")
	case c.Phone != "" && !validPhone(c.Phone):
		return Errorf(EINVALID, "phone may hold only digits, spaces, dashes, parentheses and a leading +")
	}
	return nil
}

// Masked returns a copy with email and phone masked, for actors that may not
// see them (see Actor.SeesContacts).
func (c *Customer) Masked() *Customer {
	m := *c
	m.Email = MaskEmail(c.Email)
	m.Phone = MaskPhone(c.Phone)
	return &m
}

// ValidEmail reports whether s is a bare email address (no display name).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 254
}

func validPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')':
		default:
			return false
		}
	}
	return digits >= 4 && digits <= 20
}

// MaskEmail keeps the first character of the local part and the domain:
// "minji.kim@example.com" becomes "m***@example.com".
func MaskEmail(s string) string {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" {
		return "***"
	}
	r := []rune(local)
	return string(r[0]) + "***@" + domain
}

// MaskPhone keeps the last four digits: "010-1234-5678" becomes "***-5678".
func MaskPhone(s string) string {
	if s == "" {
		return ""
	}
	digits := make([]rune, 0, len(s))
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits = append(digits, r)
		}
	}
	if len(digits) <= 4 {
		return "***"
	}
	return "***-" + string(digits[len(digits)-4:])
}

// CustomerService holds store accounts.
type CustomerService interface {
	// CreateCustomer registers a store account. Operators only. The password
	// may be empty: such a customer cannot sign in until one is set.
	CreateCustomer(ctx context.Context, c *Customer, password string) error
	// FindCustomerByID returns a customer the actor may see: operators any, a
	// customer themself, a developer only customers who bought one of its apps
	// or asked it something (masked per Actor.SeesContacts).
	FindCustomerByID(ctx context.Context, id int64) (*Customer, error)
}
