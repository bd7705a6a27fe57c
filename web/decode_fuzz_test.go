package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/web"
)

// FuzzDecodePurchase feeds any body to the decoder of POST /api/v1/purchases.
// It must never panic, and must either return a purchase that passes
// Validate, with its amount as the positive minor units of the string sent,
// or an error whose code answers 4xx.
func FuzzDecodePurchase(f *testing.F) {
	for _, seed := range []string{
		`{"txid":"T1","tid":"o1","customer_id":1,"app":"a","item":"i","amount":"1200","currency":"KRW","method":"card","paid_at":"2024-05-01T09:30:00+09:00"}`,
		`{"txid":"T1","tid":"o1","customer_id":1,"app":"a","amount":"0.99","currency":"USD","method":"gift","paid_at":"2024-05-01T00:00:00Z"}`,
		`{"txid":"T1","tid":"o1","customer_id":1,"app":"a","amount":1200,"currency":"KRW","method":"card","paid_at":"2024-05-01T00:00:00Z"}`,
		`{"txid":"T1","amount":"0.5","currency":"KRW"}`,
		`{"txid":"T1"}{}`, `[]`, `null`, `{"x":1}`, ``, `{`, `"`, `{"customer_id":1e400}`,
		`{"txid":"` + strings.Repeat("t", 200) + `"}`,
	} {
		f.Add(seed, "application/json")
	}
	f.Add(`{}`, "text/plain")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		req := httptest.NewRequest("POST", "/api/v1/purchases", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		p, err := web.DecodePurchase(req)
		if err != nil {
			switch code := vocdesk.ErrorCode(err); code {
			case vocdesk.EINVALID, vocdesk.ETOOLARGE:
			default:
				t.Fatalf("error with code %q (%v) for %q", code, err, body)
			}
			if p != nil {
				t.Fatalf("both a purchase and an error for %q", body)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("decoded purchase does not validate (%v) for %q", err, body)
		}
		if p.Amount <= 0 {
			t.Fatalf("amount %d for %q", p.Amount, body)
		}
		back, err := vocdesk.ParseAmount(vocdesk.FormatAmount(p.Amount, p.Currency), p.Currency)
		if err != nil || back != p.Amount {
			t.Fatalf("amount %d %s does not round-trip: %d %v", p.Amount, p.Currency, back, err)
		}
	})
}
