package vocdesk_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/vocdesk/vocdesk"
)

// FuzzCleanReviewText: whatever a customer sends, an accepted text is valid
// UTF-8 within its limits, holds no control character but line breaks and
// tabs, no line separator and no bidirectional control, and cleaning it
// again changes nothing.
func FuzzCleanReviewText(f *testing.F) {
	for _, seed := range []string{"좋아요", "  <b>x</b>\r\n", "a\u202eb", "\x00", "\xff", strings.Repeat("가", 21), "\t\n", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := vocdesk.CleanReviewText("body", s, 0, 20)
		if err != nil {
			if c := vocdesk.ErrorCode(err); c != vocdesk.EINVALID && c != vocdesk.EINVALIDTEXT {
				t.Fatalf("code %s", vocdesk.ErrorCode(err))
			}
			return
		}
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > 20 {
			t.Fatalf("accepted %q", got)
		}
		for _, r := range got {
			if r != '\n' && r != '\t' && (unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')) {
				t.Fatalf("control character in %q", got)
			}
		}
		if again, err := vocdesk.CleanReviewText("body", got, 0, 20); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q (%v)", got, again, err)
		}
	})
}

// FuzzReviewerName: the public name never shows an email address or a
// phone number.
func FuzzReviewerName(f *testing.F) {
	for _, seed := range []string{"김민지", "minji.kim@example.com", "010-1234-5678", "Bob", "", "a@b", "12345"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := vocdesk.ReviewerName(name)
		digits := 0
		for _, r := range got {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if strings.Contains(got, "@") || digits >= 4 || got == "" {
			t.Fatalf("ReviewerName(%q) = %q", name, got)
		}
	})
}
