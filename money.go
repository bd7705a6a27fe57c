package vocdesk

import (
	"strconv"
	"strings"
)

// Money is an amount in the minor unit of its ISO 4217 currency: 1200 KRW is
// Money{1200, "KRW"}, 0.99 USD is Money{99, "USD"}. There is no floating point
// anywhere on the money path.
type Money struct {
	Amount   int64
	Currency string
}

// CurrencyExponent reports how many minor-unit digits the ISO 4217 currency
// has (KRW 0, USD 2, KWD 3) and whether vocdesk knows the currency at all.
func CurrencyExponent(code string) (int, bool) {
	switch code {
	// No minor unit.
	case "KRW", "JPY", "VND", "CLP", "ISK", "UGX", "PYG", "XAF", "XOF", "XPF", "KMF", "GNF", "RWF", "DJF", "VUV":
		return 0, true
	// Three-digit minor units.
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3, true
	// Two-digit minor units: the common case.
	case "USD", "EUR", "GBP", "CNY", "HKD", "TWD", "SGD", "AUD", "NZD", "CAD", "CHF",
		"SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "TRY", "RUB", "UAH",
		"INR", "IDR", "MYR", "PHP", "THB", "PKR", "BDT", "LKR", "NPR", "MNT", "KZT",
		"BRL", "MXN", "ARS", "COP", "PEN", "UYU", "ZAR", "EGP", "NGN", "KES", "MAD",
		"AED", "SAR", "QAR", "ILS", "MOP":
		return 2, true
	}
	return 0, false
}

// maxDigits bounds the integer part so that the minor-unit value always fits in
// an int64 (10^15 major units of a 3-digit currency is 10^18 minor units).
const maxDigits = 15

// ParseAmount turns a decimal string in major units ("1200", "0.99", "10.00")
// into minor units of currency. Digits beyond the currency's exponent are
// accepted only when they are zeros ("1200.00" KRW is 1200, "12.5" KRW is an
// error). A leading minus is accepted and yields a negative amount, so that the
// caller can say "must be positive" rather than "malformed"; no other sign,
// exponent, grouping or surrounding space is accepted.
func ParseAmount(s, currency string) (int64, error) {
	exp, ok := CurrencyExponent(currency)
	if !ok {
		return 0, Errorf(EINVALID, "unknown currency %q", currency).Because("currency_unknown", currency)
	}
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && frac == "") || !allDigits(whole) || !allDigits(frac) {
		return 0, Errorf(EINVALID, "amount %q is not a decimal number", s).Because("amount_invalid", s)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > maxDigits {
		return 0, Errorf(EINVALID, "amount %q is too large", s).Because("amount_too_large", s)
	}
	if len(frac) > exp {
		if strings.Trim(frac[exp:], "0") != "" {
			e := Errorf(EINVALID, "amount %q has more decimals than %s allows (%d)", s, currency, exp)
			if exp == 0 { // "at most 0 decimals" reads oddly: KRW, JPY
				return 0, e.Because("amount_whole", s, currency)
			}
			return 0, e.Because("amount_decimals", s, currency, exp)
		}
		frac = frac[:exp]
	}
	frac += strings.Repeat("0", exp-len(frac))
	digits := whole + frac
	if digits == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, Errorf(EINVALID, "amount %q is too large", s).Because("amount_too_large", s)
	}
	if neg {
		v = -v
	}
	return v, nil
}

// ParsePositiveAmount is ParseAmount for amounts that must be above zero, such
// as a purchase or a refund.
func ParsePositiveAmount(s, currency string) (int64, error) {
	v, err := ParseAmount(s, currency)
	if err != nil {
		return 0, err
	}
	if v <= 0 {
		return 0, Errorf(EINVALID, "amount must be greater than zero").Because("amount_positive")
	}
	return v, nil
}

// FormatAmount renders minor units as a decimal string in major units with
// exactly the currency's number of decimals ("1200", "0.99"). It is the
// inverse of ParseAmount for every value ParseAmount accepts.
func FormatAmount(minor int64, currency string) string {
	exp, _ := CurrencyExponent(currency)
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = uint64(-minor)
	}
	s := strconv.FormatUint(u, 10)
	if exp > 0 {
		if len(s) <= exp {
			s = strings.Repeat("0", exp-len(s)+1) + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// String renders money for people: "1,200 KRW", "0.99 USD".
func (m Money) String() string {
	s := FormatAmount(m.Amount, m.Currency)
	whole, frac, hasDot := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasDot {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	b.WriteByte(' ')
	b.WriteString(m.Currency)
	return b.String()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
