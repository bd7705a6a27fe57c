package vocdesk_test

import (
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
)

// A connector's post URL becomes a link only when it is http or https with
// a host: anything else (javascript:, data:, relative, garbage) is text.
func TestSocialThreadSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://x.example/s/1":           "https://x.example/s/1",
		"HTTP://x.example/p?q=1":          "http://x.example/p?q=1",
		"javascript:alert(1)":             "",
		"JavaScript://x.example/%0aalert": "",
		"data:text/html,<b>x</b>":         "",
		"//x.example/s/1":                 "",
		"/s/1":                            "",
		"https://":                        "",
		"ftp://x.example/f":               "",
		"https://x.example/\x7f":          "",
		"":                                "",
	} {
		if got := (&vocdesk.SocialThread{URL: in}).SafeURL(); got != want {
			t.Errorf("SafeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSocialThreadSafeURL: whatever a connector sends, SafeURL gives ""
// or an http(s) address.
func FuzzSocialThreadSafeURL(f *testing.F) {
	for _, s := range []string{"https://x.example/s/1", "javascript:alert(1)", "//x", "http://[::1]:80/", "https://a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := (&vocdesk.SocialThread{URL: s}).SafeURL()
		if got != "" && !strings.HasPrefix(got, "http://") && !strings.HasPrefix(got, "https://") {
			t.Fatalf("SafeURL(%q) = %q", s, got)
		}
	})
}
