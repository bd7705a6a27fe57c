package vocdesk_test

import (
	"testing"

	"github.com/vocdesk/vocdesk"
)

// TestTransitions holds the state machine to its legal moves: every pair of
// statuses is either in the table below or refused.
func TestTransitions(t *testing.T) {
	legal := map[[2]vocdesk.CancellationStatus]bool{
		{vocdesk.CancellationPending, vocdesk.CancellationApproved}:    true,
		{vocdesk.CancellationPending, vocdesk.CancellationRejected}:    true,
		{vocdesk.CancellationApproved, vocdesk.CancellationProcessing}: true,
		{vocdesk.CancellationProcessing, vocdesk.CancellationRefunded}: true,
		{vocdesk.CancellationProcessing, vocdesk.CancellationFailed}:   true,
		{vocdesk.CancellationFailed, vocdesk.CancellationApproved}:     true,
	}
	for _, from := range vocdesk.CancellationStatuses() {
		for _, to := range vocdesk.CancellationStatuses() {
			want := legal[[2]vocdesk.CancellationStatus{from, to}]
			if got := from.CanBecome(to); got != want {
				t.Errorf("%s -> %s: CanBecome = %v, want %v", from, to, got, want)
			}
			err := vocdesk.Transition(from, to)
			if (err == nil) != want || (err != nil && vocdesk.ErrorCode(err) != vocdesk.EUNPROCESSABLE) {
				t.Errorf("Transition(%s, %s) = %v", from, to, err)
			}
		}
	}
}

// TestReserves: exactly the statuses that may still become a refund hold
// money against the purchase.
func TestReserves(t *testing.T) {
	for _, s := range vocdesk.CancellationStatuses() {
		want := s == vocdesk.CancellationPending || s == vocdesk.CancellationApproved || s == vocdesk.CancellationProcessing
		if s.Reserves() != want || s.Final() == want {
			t.Errorf("%s: Reserves %v Final %v", s, s.Reserves(), s.Final())
		}
	}
}

func TestCancellationInputValidate(t *testing.T) {
	ok := vocdesk.CancellationInput{TxID: "TX1", Reason: vocdesk.ReasonOther, IdempotencyKey: "k"}
	tests := []struct {
		name string
		edit func(*vocdesk.CancellationInput)
		ok   bool
	}{
		{"valid", func(*vocdesk.CancellationInput) {}, true},
		{"no key", func(in *vocdesk.CancellationInput) { in.IdempotencyKey = " " }, false},
		{"long key", func(in *vocdesk.CancellationInput) { in.IdempotencyKey = string(make([]byte, 256)) }, false},
		{"no txid", func(in *vocdesk.CancellationInput) { in.TxID = "" }, false},
		{"negative", func(in *vocdesk.CancellationInput) { in.Amount = -1 }, false},
		{"bad reason", func(in *vocdesk.CancellationInput) { in.Reason = "bored" }, false},
		{"long note", func(in *vocdesk.CancellationInput) { in.Note = string(make([]rune, 2001)) }, false},
	}
	for _, tt := range tests {
		in := ok
		tt.edit(&in)
		if err := in.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: Validate = %v", tt.name, err)
		}
	}
}

func TestRefundSummary(t *testing.T) {
	r := &vocdesk.CancellationRequest{Amount: 1000, Currency: "KRW", PaymentMethod: vocdesk.MethodCarrier, Method: vocdesk.RefundOriginal}
	if got, want := vocdesk.RefundSummary("en", r, 3300), "1,000 KRW of 3,300 KRW refunded to your carrier bill."; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	if got, want := vocdesk.RefundSummary("ko", r, 3300), "결제 금액 3,300 KRW 중 1,000 KRW를 휴대폰 요금으로 환불해 드렸습니다."; got != want {
		t.Errorf("ko: %q, want %q", got, want)
	}
	r.Method, r.MethodNotice = vocdesk.RefundStoreCash, vocdesk.NoticeBillingMonthClosed
	if got := vocdesk.RefundSummary("en-US", r, 3300); got != "1,000 KRW of 3,300 KRW refunded as store cash." {
		t.Errorf("store cash: %q", got)
	}
	if _, text := vocdesk.RefundNotice("en", r, 3300); !containsAll(text, "only within the month of payment", "My Page") {
		t.Errorf("notice text: %q", text)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !contains(s, sub) {
			return false
		}
	}
	return true
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
