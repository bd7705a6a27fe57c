package vocdesk_test

import (
	"testing"

	"github.com/vocdesk/vocdesk"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in, currency string
		want         int64
		wantErr      bool
	}{
		{"1200", "KRW", 1200, false},
		{"1200.00", "KRW", 1200, false}, // zeros past the exponent are fine
		{"1200.", "KRW", 0, true},
		{"12.5", "KRW", 0, true}, // KRW has no minor unit
		{"0.5", "KRW", 0, true},
		{"0", "KRW", 0, false},
		{"-0", "KRW", 0, false},
		{"-1200", "KRW", -1200, false}, // negative parses; callers reject it
		{"0012", "KRW", 12, false},
		{"0.99", "USD", 99, false},
		{"10", "USD", 1000, false},
		{"10.0", "USD", 1000, false},
		{"10.00", "USD", 1000, false},
		{"10.000", "USD", 1000, false},
		{"10.001", "USD", 0, true},
		{".99", "USD", 0, true},
		{"1.234", "KWD", 1234, false},
		{"1.2345", "KWD", 0, true},
		{"", "KRW", 0, true},
		{"-", "KRW", 0, true},
		{"+1", "KRW", 0, true},
		{" 1", "KRW", 0, true},
		{"1 ", "KRW", 0, true},
		{"1,200", "KRW", 0, true},
		{"1e3", "KRW", 0, true},
		{"0x10", "KRW", 0, true},
		{"１２", "KRW", 0, true}, // full-width digits
		{"1200", "XXX", 0, true},
		{"1200", "krw", 0, true},
		{"1200", "", 0, true},
		{"999999999999999", "KWD", 999999999999999000, false}, // 15 digits of a 3-digit currency fit
		{"1000000000000000", "KRW", 0, true},                  // 16 digits do not
		{"000000000000000000001", "KRW", 1, false},            // leading zeros do not count
	}
	for _, tt := range tests {
		got, err := vocdesk.ParseAmount(tt.in, tt.currency)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseAmount(%q, %q) = %d, %v; want %d, error %v", tt.in, tt.currency, got, err, tt.want, tt.wantErr)
		}
		if err != nil && vocdesk.ErrorCode(err) != vocdesk.EINVALID {
			t.Errorf("ParseAmount(%q, %q): code %q, want %q", tt.in, tt.currency, vocdesk.ErrorCode(err), vocdesk.EINVALID)
		}
	}
}

func TestParsePositiveAmount(t *testing.T) {
	for _, in := range []string{"0", "0.00", "-1", "-0.01"} {
		if _, err := vocdesk.ParsePositiveAmount(in, "USD"); vocdesk.ErrorCode(err) != vocdesk.EINVALID {
			t.Errorf("ParsePositiveAmount(%q) = %v; want invalid_request", in, err)
		}
	}
	if v, err := vocdesk.ParsePositiveAmount("0.01", "USD"); err != nil || v != 1 {
		t.Errorf("ParsePositiveAmount(0.01 USD) = %d, %v", v, err)
	}
}

func TestFormatAmount(t *testing.T) {
	tests := []struct {
		minor    int64
		currency string
		want     string
	}{
		{1200, "KRW", "1200"},
		{0, "KRW", "0"},
		{0, "USD", "0.00"},
		{1, "USD", "0.01"},
		{99, "USD", "0.99"},
		{1000, "USD", "10.00"},
		{-5, "USD", "-0.05"},
		{1, "KWD", "0.001"},
		{1234, "KWD", "1.234"},
		{-1200, "KRW", "-1200"},
		{999999999999999000, "KWD", "999999999999999.000"},
	}
	for _, tt := range tests {
		if got := vocdesk.FormatAmount(tt.minor, tt.currency); got != tt.want {
			t.Errorf("FormatAmount(%d, %q) = %q; want %q", tt.minor, tt.currency, got, tt.want)
		}
	}
}

func TestMoneyString(t *testing.T) {
	tests := []struct {
		m    vocdesk.Money
		want string
	}{
		{vocdesk.Money{Amount: 1200, Currency: "KRW"}, "1,200 KRW"},
		{vocdesk.Money{Amount: 1234567, Currency: "KRW"}, "1,234,567 KRW"},
		{vocdesk.Money{Amount: 99, Currency: "USD"}, "0.99 USD"},
		{vocdesk.Money{Amount: 123456789, Currency: "USD"}, "1,234,567.89 USD"},
		{vocdesk.Money{Amount: -120000, Currency: "KRW"}, "-120,000 KRW"},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.want {
			t.Errorf("%#v.String() = %q; want %q", tt.m, got, tt.want)
		}
	}
}
