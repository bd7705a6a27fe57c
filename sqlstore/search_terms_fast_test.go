package sqlstore

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// runsByTables is runs as written before its fast paths: every rune
// through the unicode tables. The fast paths must cut text the same way.
func runsByTables(text string, fn func(run []rune, cjk bool)) {
	var run []rune
	cjk := false
	flush := func() {
		if len(run) > 0 {
			fn(run, cjk)
			run = run[:0]
		}
	}
	for _, r := range text {
		if !isWordRune(r) {
			flush()
			continue
		}
		c := isCJK(r)
		if len(run) > 0 && c != cjk {
			flush()
		}
		cjk = c
		run = append(run, unicode.ToLower(r))
	}
	flush()
}

func collect(cut func(string, func([]rune, bool)), text string) []string {
	var out []string
	cut(text, func(run []rune, cjk bool) {
		out = append(out, string(run)+map[bool]string{true: "/cjk", false: ""}[cjk])
	})
	return out
}

// FuzzRunsFastPath: the ASCII and Hangul fast paths of runs agree with the
// unicode tables on any text.
func FuzzRunsFastPath(f *testing.F) {
	f.Add("환불요청 Refund-TX0001, 젬! ÀÉÎ İstanbul ǅ 漢字かなカナ ㄱㅏ ꥠ 𝐀𝐁 ١٢٣")
	f.Add(strings.Repeat("Ab가", 100))
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			text = strings.ToValidUTF8(text, " ")
		}
		got, want := collect(runs, text), collect(runsByTables, text)
		if !slices.Equal(got, want) {
			t.Fatalf("runs(%q) = %q; the tables give %q", text, got, want)
		}
	})
}

// TestIndexedPrefix: a long text is indexed up to the cap, cut on a rune
// boundary; a word past it is not indexed.
func TestIndexedPrefix(t *testing.T) {
	long := strings.Repeat("가", maxIndexedBytes) + " needle"
	p := indexedPrefix(long)
	if len(p) > maxIndexedBytes || !utf8.ValidString(p) || !strings.HasPrefix(long, p) {
		t.Fatalf("prefix of %d bytes, valid %v", len(p), utf8.ValidString(p))
	}
	var terms []string
	indexTerms(long, func(s string) { terms = append(terms, s) })
	if slices.Contains(terms, "needle") {
		t.Error("a word past the cap was indexed")
	}
	if short := "short needle"; indexedPrefix(short) != short {
		t.Error("a short text was cut")
	}
}
