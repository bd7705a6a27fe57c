package desk

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// FuzzRender checks that rendering never panics, that text without
// placeholders passes unchanged, and that values are inserted verbatim and
// never expanded a second time.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"", "{{customer.name}}", "{{ app.name }}님", "{{{{x}}}}", "}}{{", "{{a}}{{b", "안녕 {{agent.name}}"} {
		f.Add(s, "김민지")
	}
	f.Fuzz(func(t *testing.T, body, value string) {
		vars := map[string]string{"customer.name": value, "app.name": "{{customer.name}}"}
		out := Render(body, vars)
		if !strings.Contains(body, "{{") && out != body {
			t.Fatalf("Render(%q) changed text without placeholders: %q", body, out)
		}
		if !strings.Contains(value, "{{") && !strings.Contains(body, "customer.name") &&
			!strings.Contains(body, "app.name") && out != body {
			t.Fatalf("Render(%q) changed a body that names no known placeholder: %q", body, out)
		}
		if body == "{{customer.name}}" && value != "" && out != value {
			t.Fatalf("value not inserted verbatim: %q", out)
		}
		// Unknown names exactly the placeholders Render leaves as written
		// when every known one has a value: giving its names values too
		// changes the text, and none of them is a known placeholder.
		known := map[string]string{}
		for _, p := range Placeholders {
			known[p] = "k"
		}
		more := maps.Clone(known)
		unknown := Unknown(body)
		for _, u := range unknown {
			if slices.Contains(Placeholders, u) {
				t.Fatalf("Unknown(%q) names the known %q", body, u)
			}
			more[u] = "u"
		}
		if len(unknown) > 0 && Render(body, known) == Render(body, more) {
			t.Fatalf("Unknown(%q) = %q, but Render fills none of them", body, unknown)
		}
		if body == "{{app.name}}" && out != "{{customer.name}}" {
			t.Fatalf("a value was expanded again: %q", out)
		}
	})
}
