package vocdesk_test

import (
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
)

// FuzzParseAmount holds ParseAmount to its promises for any input: it never
// panics, it fails only with invalid_request, and whatever it accepts
// FormatAmount renders in the canonical form (no leading zeros, exactly the
// currency's decimals), which parses back to the same value.
func FuzzParseAmount(f *testing.F) {
	for _, seed := range []struct{ s, cur string }{
		{"1200", "KRW"}, {"1200.00", "KRW"}, {"12.5", "KRW"}, {"0.99", "USD"}, {"10", "USD"},
		{"-0.01", "USD"}, {"1.234", "KWD"}, {"007.10", "EUR"}, {"999999999999999", "KWD"},
		{"", "KRW"}, {".", "USD"}, {"1e3", "USD"}, {"1200", "XXX"},
	} {
		f.Add(seed.s, seed.cur)
	}
	f.Fuzz(func(t *testing.T, s, currency string) {
		v, err := vocdesk.ParseAmount(s, currency)
		if err != nil {
			if code := vocdesk.ErrorCode(err); code != vocdesk.EINVALID {
				t.Fatalf("ParseAmount(%q, %q): code %q", s, currency, code)
			}
			return
		}
		got := vocdesk.FormatAmount(v, currency)
		if want := canonical(s, currency); got != want {
			t.Fatalf("FormatAmount(ParseAmount(%q, %q)) = %q; want %q", s, currency, got, want)
		}
		back, err := vocdesk.ParseAmount(got, currency)
		if err != nil || back != v {
			t.Fatalf("ParseAmount(%q, %q) = %d, %v; want %d", got, currency, back, err, v)
		}
	})
}

// canonical is the canonical form of an amount ParseAmount accepted, worked
// out on the string alone: no leading zeros, fraction cut or padded to the
// currency's exponent, and no sign on zero.
func canonical(s, currency string) string {
	exp, _ := vocdesk.CurrencyExponent(currency)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	if len(frac) > exp {
		frac = frac[:exp]
	}
	frac += strings.Repeat("0", exp-len(frac))
	out := whole
	if exp > 0 {
		out += "." + frac
	}
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out
}
