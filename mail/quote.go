package mail

import (
	"regexp"
	"strings"
)

// A reply written in a mail client carries the message it answers below
// (or above) the customer's words: "On Mon, ... wrote:", Gmail's Korean
// "2026년 12월 1일 (월) 오전 10:00, ... 님이 작성:", Outlook's
// "-----Original Message-----" and the quoted lines ("> ..."). In the
// thread that quote is the desk's own answer again: StripQuoted keeps the
// new words only. The raw message keeps everything.

var (
	// attribution lines that open a quoted message.
	attribution = []*regexp.Regexp{
		regexp.MustCompile(`(?i)^On .{4,200} wrote:\s*$`),
		regexp.MustCompile(`님이 작성(하였|했)?(습니다)?:\s*$`),
		regexp.MustCompile(`(?i)^-{2,}\s*(Original Message|Forwarded message|원본 메시지|전달된 메시지)\s*-{2,}\s*$`),
		regexp.MustCompile(`(?i)^(From|보낸 사람):\s.+$`),
	}
)

// StripQuoted returns the new part of a reply: the text before the first
// attribution line or quoted block, without trailing quoted lines. When
// nothing would be left (a reply that only quotes, or writes below the
// quote), the text is returned whole rather than emptied.
func StripQuoted(text string) string {
	lines := strings.Split(text, "\n")
	cut := len(lines)
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, ">") && quotedFromHere(lines[i:]) {
			cut = i
			break
		}
		if matchesAttribution(t) && i > 0 {
			cut = i
			break
		}
	}
	out := strings.TrimSpace(strings.Join(lines[:cut], "\n"))
	if out == "" {
		return strings.TrimSpace(text)
	}
	return out
}

func matchesAttribution(line string) bool {
	for _, re := range attribution {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}

// quotedFromHere reports whether every non-blank line from here on is
// quoted: a quote in the middle, answered below, is part of the reply.
func quotedFromHere(lines []string) bool {
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, ">") {
			return false
		}
	}
	return true
}
