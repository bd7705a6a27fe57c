package mail

import (
	"strings"
	"testing"
)

// A notice's URL lines are links; nothing else is, and nothing in a person's
// answer ever is.
func TestTextToHTMLLinks(t *testing.T) {
	text := "만족도를 알려 주세요.\n\n★★★★★ 매우 만족\nhttps://desk.example.com/rate/AbC-_1?rating=5\n\n" +
		"see https://evil.example/ here\nhttps://x.example/\"onmouseover=alert(1)\njavascript:alert(1)\nhttp://plain.example/a&b"
	got := textToHTML(text, true)
	for _, want := range []string{
		`<a href="https://desk.example.com/rate/AbC-_1?rating=5">https://desk.example.com/rate/AbC-_1?rating=5</a>`,
		`<a href="http://plain.example/a&amp;b">http://plain.example/a&amp;b</a>`,
		`see https://evil.example/ here`,
		`https://x.example/&#34;onmouseover=alert(1)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("notice HTML lacks %s:\n%s", want, got)
		}
	}
	if strings.Count(got, "<a ") != 2 {
		t.Errorf("notice HTML has %d links, want 2:\n%s", strings.Count(got, "<a "), got)
	}
	if answer := textToHTML(text, false); strings.Contains(answer, "<a ") {
		t.Errorf("an answer's URL became a link:\n%s", answer)
	}
}
