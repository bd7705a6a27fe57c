package vocdesk_test

import (
	"testing"
	"time"

	"github.com/vocdesk/vocdesk"
)

func TestPolicyDecide(t *testing.T) {
	seoul := time.FixedZone("KST", 9*3600)
	policy := &vocdesk.RefundPolicy{
		AutoApprove: []vocdesk.AutoApproveRule{{Currency: "KRW", MaxAmount: 5000, WithinDays: 7}, {Currency: "USD", MaxAmount: 500, WithinDays: 3}},
		Methods:     []vocdesk.MethodRule{{Method: vocdesk.MethodCarrier, Window: vocdesk.WindowBillingMonth, TimeZone: "Asia/Seoul", After: vocdesk.RefundStoreCash}},
	}
	paid := time.Date(2026, 3, 10, 12, 0, 0, 0, seoul)
	tests := []struct {
		name   string
		method vocdesk.Method
		cur    string
		amount int64
		paid   time.Time
		now    time.Time
		auto   bool
		refund vocdesk.RefundMethod
	}{
		{"small and recent", vocdesk.MethodCard, "KRW", 5000, paid, paid.Add(24 * time.Hour), true, vocdesk.RefundOriginal},
		{"one won over", vocdesk.MethodCard, "KRW", 5001, paid, paid.Add(24 * time.Hour), false, vocdesk.RefundOriginal},
		{"exactly 7 days", vocdesk.MethodCard, "KRW", 100, paid, paid.Add(7 * 24 * time.Hour), true, vocdesk.RefundOriginal},
		{"7 days and a second", vocdesk.MethodCard, "KRW", 100, paid, paid.Add(7*24*time.Hour + time.Second), false, vocdesk.RefundOriginal},
		{"currency without a rule", vocdesk.MethodCard, "JPY", 1, paid, paid, false, vocdesk.RefundOriginal},
		{"USD rule", vocdesk.MethodCard, "USD", 500, paid, paid.Add(time.Hour), true, vocdesk.RefundOriginal},
		{"carrier in its month", vocdesk.MethodCarrier, "KRW", 100, paid, time.Date(2026, 3, 31, 23, 59, 0, 0, seoul), false, vocdesk.RefundOriginal},
		// 1 April 00:30 in Seoul is still 31 March in UTC: Seoul's month counts.
		{"carrier after its month (Seoul)", vocdesk.MethodCarrier, "KRW", 100, paid, time.Date(2026, 4, 1, 0, 30, 0, 0, seoul), false, vocdesk.RefundStoreCash},
		// Paid 1 March 08:00 in Seoul is February in UTC; refunded in March in Seoul.
		{"carrier paid early on the 1st", vocdesk.MethodCarrier, "KRW", 100, time.Date(2026, 3, 1, 8, 0, 0, 0, seoul), time.Date(2026, 3, 2, 0, 0, 0, 0, seoul), true, vocdesk.RefundOriginal},
		{"card after the month", vocdesk.MethodCard, "KRW", 100, paid, paid.AddDate(0, 2, 0), false, vocdesk.RefundOriginal},
	}
	for _, tt := range tests {
		p := &vocdesk.Purchase{Amount: 100000, Currency: tt.cur, Method: tt.method, PaidAt: tt.paid}
		d := policy.Decide(p, tt.amount, tt.now)
		if d.AutoApprove != tt.auto || d.Method != tt.refund {
			t.Errorf("%s: %+v, want auto %v method %s", tt.name, d, tt.auto, tt.refund)
		}
		if (d.Method == vocdesk.RefundStoreCash) != (d.Notice == vocdesk.NoticeBillingMonthClosed) {
			t.Errorf("%s: notice %q with method %s", tt.name, d.Notice, d.Method)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	good := vocdesk.DefaultRefundPolicy()
	if err := good.Validate(); err != nil {
		t.Fatalf("default policy: %v", err)
	}
	bad := []vocdesk.RefundPolicy{
		{AutoApprove: []vocdesk.AutoApproveRule{{Currency: "XXX"}}},
		{AutoApprove: []vocdesk.AutoApproveRule{{Currency: "KRW"}, {Currency: "KRW"}}},
		{AutoApprove: []vocdesk.AutoApproveRule{{Currency: "KRW", MaxAmount: -1}}},
		{AutoApprove: []vocdesk.AutoApproveRule{{Currency: "KRW", WithinDays: 3651}}},
		{Methods: []vocdesk.MethodRule{{Method: "bitcoin", Window: vocdesk.WindowBillingMonth, TimeZone: "UTC", After: vocdesk.RefundStoreCash}}},
		{Methods: []vocdesk.MethodRule{{Method: vocdesk.MethodCarrier, Window: "week", TimeZone: "UTC", After: vocdesk.RefundStoreCash}}},
		{Methods: []vocdesk.MethodRule{{Method: vocdesk.MethodCarrier, Window: vocdesk.WindowBillingMonth, TimeZone: "Mars/Olympus", After: vocdesk.RefundStoreCash}}},
		{Methods: []vocdesk.MethodRule{{Method: vocdesk.MethodCarrier, Window: vocdesk.WindowBillingMonth, TimeZone: "UTC", After: vocdesk.RefundOriginal}}},
	}
	for i, p := range bad {
		if err := p.Validate(); vocdesk.ErrorCode(err) != vocdesk.EINVALID {
			t.Errorf("bad policy %d: %v", i, err)
		}
	}
}
