package vocdesk

// AnyIDDigits is the phone-number form of an any-id search: its digits, when
// it is written like a phone number (digits, spaces, dashes, parentheses, a
// leading +) with at least four digits, else "". Stored phone numbers are
// compared with the same characters removed, so "010-1234-5678",
// "010 1234 5678" and "01012345678" find one another.
func AnyIDDigits(q string) string {
	if !validPhone(q) {
		return ""
	}
	b := make([]byte, 0, len(q))
	for i := 0; i < len(q); i++ {
		if q[i] >= '0' && q[i] <= '9' {
			b = append(b, q[i])
		}
	}
	return string(b)
}
