// Package hangul chooses Korean particles. A particle after a name that is
// only known at run time ("초보자 패키지" + 이/가) depends on how the name
// ends: written "이(가)" it reads as a form letter, so the demo, and any
// text built from names, picks the one that fits.
package hangul

import "unicode/utf8"

// Particles are the pairs whose form depends on the word before: the first
// after a final consonant (batchim), the second after a vowel.
const (
	IGa      = "이/가"
	EulReul  = "을/를"
	EunNeun  = "은/는"
	GwaWa    = "과/와"
	EuroRo   = "으로/로"
	syllable = 0xAC00 // 가, the first precomposed Hangul syllable
	lastSyl  = 0xD7A3 // 힣
	rieul    = 8      // the index of final ㄹ among the 28 finals
)

// Attach returns word followed by the form of pair ("이/가", ...) that fits
// its last sound. An unknown pair is returned as written after the word.
func Attach(word, pair string) string {
	withFinal, afterVowel, ok := split(pair)
	if !ok {
		return word + pair
	}
	final, known := finalOf(word)
	switch {
	case !known:
		// Nothing to go by (an empty word, a symbol): the vowel form, the
		// one a reader skims over most easily.
		return word + afterVowel
	case pair == EuroRo && final == rieul:
		// ㄹ takes 로, as a vowel does: 서울로, 파일로.
		return word + afterVowel
	case final != 0:
		return word + withFinal
	}
	return word + afterVowel
}

func split(pair string) (string, string, bool) {
	switch pair {
	case IGa:
		return "이", "가", true
	case EulReul:
		return "을", "를", true
	case EunNeun:
		return "은", "는", true
	case GwaWa:
		return "과", "와", true
	case EuroRo:
		return "으로", "로", true
	}
	return "", "", false
}

// finalOf returns the index (0 for none, 1-27) of the final consonant the
// word ends with as read aloud, and whether it could tell. A closing
// bracket or quote is looked past; digits are read as Sino-Korean numbers
// (일, 이, 삼...), Latin letters as Korean reads their names (L 엘, M 엠,
// N 엔, R 알; the others end in a vowel: B 비, K 케이, W 더블유).
func finalOf(word string) (int, bool) {
	for word != "" {
		r, size := utf8.DecodeLastRuneInString(word)
		word = word[:len(word)-size]
		switch {
		case r >= syllable && r <= lastSyl:
			return int(r-syllable) % 28, true
		case r >= '0' && r <= '9':
			// 영 일 이 삼 사 오 육 칠 팔 구: which end in a consonant.
			return [10]int{21, rieul, 0, 16, 0, 0, 1, rieul, rieul, 0}[r-'0'], true
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			switch r | 0x20 {
			case 'l', 'r':
				return rieul, true
			case 'm':
				return 16, true // ㅁ
			case 'n':
				return 4, true // ㄴ
			}
			return 0, true
		case r == ')' || r == ']' || r == '"' || r == '\'' || r == '”' || r == '’' || r == ' ':
			continue
		default:
			return 0, false
		}
	}
	return 0, false
}
