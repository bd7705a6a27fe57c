package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
	"github.com/vocdesk/vocdesk/web"
)

// FuzzDecodeDeliveries feeds any body to the decoder of POST
// /api/v1/deliveries. It must never panic; the body as a whole is either
// refused with a 4xx code, or every item is either a delivery that passes
// Validate (with an amount that round-trips) or an item error with a 4xx
// code, never both and never neither.
func FuzzDecodeDeliveries(f *testing.F) {
	for _, seed := range []string{
		`{"deliveries":[{"txid":"T1","tid":"o1","amount":"1200","currency":"KRW","delivered_at":"2024-05-01T09:30:00+09:00"}]}`,
		`{"deliveries":[{"tid":"o1","amount":"0.99","currency":"USD","delivered_at":"2024-05-01T00:00:00Z","delivery_id":"d1"}]}`,
		`{"deliveries":[{"tid":"o1","amount":1200,"currency":"KRW","delivered_at":"2024-05-01T00:00:00Z"}]}`,
		`{"deliveries":[{"tid":"o1","amount":"-1","currency":"KRW","delivered_at":"x"},{"tid":" ","amount":"1","currency":"XXX"}]}`,
		`{"deliveries":[]}`, `{"deliveries":null}`, `{"deliveries":[{}]}`, `{}`, `[]`, ``, `{"deliveries":[{"x":1}]}`,
		`{"deliveries":[{"tid":"` + strings.Repeat("t", 200) + `","amount":"1","currency":"KRW","delivered_at":"2024-05-01T00:00:00Z"}]}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/api/v1/deliveries", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		ds, errs, err := web.DecodeDeliveries(req)
		if err != nil {
			if c := vocdesk.ErrorCode(err); c != vocdesk.EINVALID && c != vocdesk.ETOOLARGE {
				t.Fatalf("error with code %q (%v) for %q", c, err, body)
			}
			return
		}
		if len(ds) == 0 || len(ds) > vocdesk.MaxDeliveryBatch {
			t.Fatalf("%d deliveries accepted for %q", len(ds), body)
		}
		for i, d := range ds {
			if (d == nil) == (errs[i] == nil) {
				t.Fatalf("item %d: delivery %v and error %v for %q", i, d, errs[i], body)
			}
			if errs[i] != nil {
				if vocdesk.ErrorCode(errs[i]) != vocdesk.EINVALID {
					t.Fatalf("item %d: error %v is not invalid_request", i, errs[i])
				}
				continue
			}
			if err := d.Validate(); err != nil {
				t.Fatalf("item %d does not validate: %v", i, err)
			}
			back, err := vocdesk.ParseAmount(vocdesk.FormatAmount(d.Amount, d.Currency), d.Currency)
			if err != nil || back != d.Amount {
				t.Fatalf("item %d: amount %d %s does not round-trip", i, d.Amount, d.Currency)
			}
		}
	})
}
