package ui

import (
	"strings"
	"testing"
)

// TestKoDeveloperWording checks that the Korean catalog calls the company
// behind an app "개발사" throughout: "개발자" (a person who develops) is
// kept only inside the Developer Center's product name, "개발자센터", so the
// operator's home and the purchase help do not name the same party in two
// words.
func TestKoDeveloperWording(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{"개발자센터"}
	for key, msg := range c.msgs["ko"] {
		rest := msg
		for _, a := range allowed {
			rest = strings.ReplaceAll(rest, a, "")
		}
		if strings.Contains(rest, "개발자") {
			t.Errorf("ko %s says 개발자, not 개발사: %q", key, msg)
		}
	}
}
