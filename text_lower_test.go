package vocdesk

import (
	"strings"
	"testing"
)

// LowerText is strings.ToLower with shortcuts: the answers must be the same.
func TestLowerText(t *testing.T) {
	for _, s := range []string{"", "Refund ORDER-7", "환불 요청 TXA1", "ÉCOLE Ärger ΣΊΣΥΦΟΣ", "Ｆｕｌｌ　ｗｉｄｔｈ", "bad \xff\xfe bytes İ", "日本語テキスト ＡＢＣ"} {
		if got, want := LowerText(s), strings.ToLower(s); got != want {
			t.Errorf("LowerText(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzLowerText(f *testing.F) {
	f.Add("Refund 환불 ÉCOLE \xff")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := LowerText(s), strings.ToLower(s); got != want {
			t.Fatalf("LowerText(%q) = %q, want %q", s, got, want)
		}
	})
}
