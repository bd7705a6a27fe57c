package mail

import (
	"strings"
	"testing"
)

// lower is strings.ToLower with shortcuts: the answers must be the same.
func TestLower(t *testing.T) {
	for _, s := range []string{"", "Refund ORDER-7", "환불 요청 TXA1", "ÉCOLE Ärger ΣΊΣΥΦΟΣ", "Ｆｕｌｌ　ｗｉｄｔｈ", "bad \xff\xfe bytes İ", "日本語テキスト ＡＢＣ"} {
		if got, want := lower(s), strings.ToLower(s); got != want {
			t.Errorf("lower(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzLower(f *testing.F) {
	f.Add("Refund 환불 ÉCOLE \xff")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := lower(s), strings.ToLower(s); got != want {
			t.Fatalf("lower(%q) = %q, want %q", s, got, want)
		}
	})
}
