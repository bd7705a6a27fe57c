package hangul_test

import (
	"testing"

	"github.com/vocdesk/vocdesk/hangul"
)

func TestAttach(t *testing.T) {
	for _, c := range []struct{ word, pair, want string }{
		{"초보자 패키지", hangul.IGa, "초보자 패키지가"},
		{"황금 상자", hangul.IGa, "황금 상자가"},
		{"시즌 패스", hangul.EulReul, "시즌 패스를"},
		{"다이아 60개", hangul.EulReul, "다이아 60개를"},
		{"전설의 드래곤 알", hangul.EulReul, "전설의 드래곤 알을"},
		{"광고 제거", hangul.EunNeun, "광고 제거는"},
		{"평생 이용권", hangul.EunNeun, "평생 이용권은"},
		{"자연의 소리 팩", hangul.GwaWa, "자연의 소리 팩과"},
		{"하트", hangul.GwaWa, "하트와"},
		{"서울", hangul.EuroRo, "서울로"},        // ㄹ takes 로
		{"부산", hangul.EuroRo, "부산으로"},       // another final takes 으로
		{"제주도", hangul.EuroRo, "제주도로"},      // a vowel takes 로
		{"VIP 30일", hangul.IGa, "VIP 30일이"}, // 일 ends in ㄹ: a consonant for 이/가
		{"Season pass", hangul.IGa, "Season pass가"},
		{"Full game unlock", hangul.EulReul, "Full game unlock를"},
		{"Premium", hangul.EulReul, "Premium을"}, // 엠
		{"Pro (yearly)", hangul.EulReul, "Pro (yearly)를"},
		{"3000", hangul.EulReul, "3000을"},               // 영
		{"9.99 EUR", hangul.EulReul, "9.99 EUR을"},       // 알
		{"500 KRW", hangul.EulReul, "500 KRW를"},         // 더블유
		{"Hint pack 2", hangul.EulReul, "Hint pack 2를"}, // 이
		{"레벨 1", hangul.EuroRo, "레벨 1로"},                // 일: ㄹ
		{"상품(프리미엄)", hangul.IGa, "상품(프리미엄)이"},           // past the bracket: 엄
		{"", hangul.IGa, "가"},
		{"★", hangul.EulReul, "★를"},
		{"책", "의", "책의"}, // not a pair: as written
	} {
		if got := hangul.Attach(c.word, c.pair); got != c.want {
			t.Errorf("Attach(%q, %q) = %q, want %q", c.word, c.pair, got, c.want)
		}
	}
}

// FuzzAttach: any word keeps its text and gains exactly one of the pair.
func FuzzAttach(f *testing.F) {
	for _, s := range []string{"초보자 패키지", "VIP 30일", "", ")", "힣", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, word string) {
		got := hangul.Attach(word, hangul.IGa)
		if got != word+"이" && got != word+"가" {
			t.Fatalf("Attach(%q) = %q", word, got)
		}
	})
}
