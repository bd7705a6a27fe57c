package vocdesk

import (
	"time"
	_ "time/tzdata" // the policy names zones (Asia/Seoul); the static binary may run where no zoneinfo is installed
)

// RefundPolicy is the store's refund policy as data, edited by operators:
// which requests are approved without a person, and where a refund goes for
// payment methods with a window. Evaluate it with Decide; nothing else in
// vocdesk decides these questions.
type RefundPolicy struct {
	AutoApprove []AutoApproveRule
	Methods     []MethodRule
	UpdatedAt   time.Time
}

// AutoApproveRule approves a developer's request without an operator when it
// is for at most MaxAmount (minor units of Currency) and made within
// WithinDays days of the payment.
type AutoApproveRule struct {
	Currency   string
	MaxAmount  int64
	WithinDays int
}

// Payment-method windows a MethodRule may name.
const (
	// WindowBillingMonth: cancellable the original way only within the
	// calendar month of the payment, in TimeZone (carrier billing closes
	// the phone bill at the end of the month).
	WindowBillingMonth = "billing_month"
)

// MethodRule says that purchases paid with Method go back the original way
// only within Window; after it the refund goes to After.
type MethodRule struct {
	Method   Method
	Window   string
	TimeZone string
	After    RefundMethod
}

// Notice codes of a PolicyDecision, for the customer's message.
const NoticeBillingMonthClosed = "billing_month_closed"

// MaxPolicyDays bounds WithinDays (ten years).
const MaxPolicyDays = 3650

// DefaultRefundPolicy is the policy before an operator sets one: nothing is
// approved automatically, and carrier billing is refunded to store cash
// after its billing month in Korea.
func DefaultRefundPolicy() *RefundPolicy {
	return &RefundPolicy{
		AutoApprove: []AutoApproveRule{},
		Methods: []MethodRule{
			{Method: MethodCarrier, Window: WindowBillingMonth, TimeZone: "Asia/Seoul", After: RefundStoreCash},
		},
	}
}

// Validate checks a policy before it is stored.
func (p *RefundPolicy) Validate() error {
	seen := map[string]bool{}
	for _, r := range p.AutoApprove {
		if _, ok := CurrencyExponent(r.Currency); !ok {
			return Errorf(EINVALID, "auto_approve: unknown currency %q", r.Currency)
		}
		if seen[r.Currency] {
			return Errorf(EINVALID, "auto_approve: currency %s appears twice", r.Currency)
		}
		seen[r.Currency] = true
		if r.MaxAmount < 0 {
			return Errorf(EINVALID, "auto_approve: max_amount must not be negative")
		}
		if r.WithinDays < 0 || r.WithinDays > MaxPolicyDays {
			return Errorf(EINVALID, "auto_approve: within_days must be from 0 to %d", MaxPolicyDays)
		}
	}
	methods := map[Method]bool{}
	for _, m := range p.Methods {
		switch {
		case !m.Method.Valid():
			return Errorf(EINVALID, "methods: method must be one of carrier, card, cash, gift")
		case methods[m.Method]:
			return Errorf(EINVALID, "methods: method %s appears twice", m.Method)
		case m.Window != WindowBillingMonth:
			return Errorf(EINVALID, "methods: window must be %s", WindowBillingMonth)
		case !m.After.Valid() || m.After == RefundOriginal:
			return Errorf(EINVALID, "methods: after_window must be store_cash")
		}
		if _, err := time.LoadLocation(m.TimeZone); err != nil || m.TimeZone == "" {
			return Errorf(EINVALID, "methods: unknown time_zone %q", m.TimeZone)
		}
		methods[m.Method] = true
	}
	return nil
}

// PolicyDecision is what the policy says about one request.
type PolicyDecision struct {
	AutoApprove bool
	Method      RefundMethod
	Notice      string // a Notice* code when Method is not the original, else ""
}

// Decide applies the policy to a developer's request for amount of purchase
// p at now. It is a pure function of its arguments.
func (p *RefundPolicy) Decide(pur *Purchase, amount int64, now time.Time) PolicyDecision {
	var d PolicyDecision
	for _, r := range p.AutoApprove {
		if r.Currency != pur.Currency {
			continue
		}
		within := !now.After(pur.PaidAt.Add(time.Duration(r.WithinDays) * 24 * time.Hour))
		d.AutoApprove = amount <= r.MaxAmount && within
	}
	d.Method, d.Notice = p.MethodFor(pur, now)
	return d
}

// MethodFor says where a refund of pur made at now goes, and why when it is
// not the original way.
func (p *RefundPolicy) MethodFor(pur *Purchase, now time.Time) (RefundMethod, string) {
	for _, m := range p.Methods {
		if m.Method != pur.Method {
			continue
		}
		loc, err := time.LoadLocation(m.TimeZone)
		if err != nil {
			loc = time.UTC // Validate refuses unknown zones; this only guards old data
		}
		py, pm, _ := pur.PaidAt.In(loc).Date()
		ny, nm, _ := now.In(loc).Date()
		if py != ny || pm != nm {
			return m.After, NoticeBillingMonthClosed
		}
	}
	return RefundOriginal, ""
}
