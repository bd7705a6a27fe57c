package vocdesk

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextProblem(t *testing.T) {
	ok := []string{"", "plain", "환불 요청", "tab\there", "line\nbreak", "crlf\r\nline", "\ufffd", "emoji 🎮", "rtl mark \u200f", "עברית"}
	bad := []string{"nul\x00", "esc\x1b[31m", "bell\a", "lone cr\r", "cr at end\r", "del\x7f", "c1 \u0085", "c1 \u009b",
		"\xff", "half \xed\xa0\x80", "\xc3", "rlo \u202e", "lre \u202a", "isolate \u2066", "pdi \u2069",
		HighlightStart + "x" + HighlightEnd}
	for _, s := range ok {
		if p := TextProblem(s); p != "" {
			t.Errorf("TextProblem(%q) = %q, want none", s, p)
		}
	}
	for _, s := range bad {
		if TextProblem(s) == "" {
			t.Errorf("TextProblem(%q) found nothing", s)
		}
	}
}

// Issue 16, finding 8: inquiry text keeps no ESC, U+202E or the highlight
// markers that search uses, whatever channel it came through.
func TestInquiryTextIsText(t *testing.T) {
	in := &Inquiry{Channel: ChannelEmail, Category: CategoryOther, Subject: "a " + HighlightStart + "b", AppSlug: "x"}
	if ErrorCode(in.Validate()) != EINVALIDTEXT {
		t.Errorf("subject with a highlight marker: %v", in.Validate())
	}
	for _, body := range []string{"\x1b]0;pwned\a", "abc\u202edef", "x" + HighlightEnd} {
		if ErrorCode(ValidateBody(body)) != EINVALIDTEXT {
			t.Errorf("body %q: %v", body, ValidateBody(body))
		}
	}
}

// FuzzTextProblem: what the rule accepts is valid UTF-8 holding no NUL, no
// control character but tab and newline (and CR before LF), and no
// highlight marker.
func FuzzTextProblem(f *testing.F) {
	for _, s := range []string{"", "a", "\x00", "\r\n", "\r", "\xff", "\u202e", "가"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if TextProblem(s) != "" {
			return
		}
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\x1b\x7f"+HighlightStart+HighlightEnd+"\u202e") {
			t.Fatalf("accepted %q", s)
		}
		if i := strings.IndexByte(s, '\r'); i >= 0 && (i+1 == len(s) || s[i+1] != '\n') {
			t.Fatalf("accepted a lone CR in %q", s)
		}
	})
}

// CleanText keeps acceptable text as it is and makes any other acceptable.
func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"plain\ttext\r\nline": "plain\ttext\r\nline",
		"a\x00b\x1bc\u202ed":  "abcd",
		"bad \xff byte":       "bad \uFFFD byte",
		"old\rmac":            "old\nmac",
		"환불\u0085요청":          "환불요청",
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q; want %q", in, got, want)
		}
	}
}

func FuzzCleanText(f *testing.F) {
	f.Add("a\x00b\r\xffc\u202e")
	f.Fuzz(func(t *testing.T, s string) {
		out := CleanText(s)
		if p := TextProblem(out); p != "" {
			t.Fatalf("CleanText(%q) = %q, which %s", s, out, p)
		}
		if TextProblem(s) == "" && out != s {
			t.Fatalf("CleanText changed acceptable text %q to %q", s, out)
		}
	})
}
