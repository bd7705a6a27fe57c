package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/chromedp/chromedp"
)

// The mail pages' accessibility check: axe-core (the release
// scripts/test-deps.sh installs into e2e/node_modules, or $VOCDESK_AXE)
// on a page as it is, failing on serious and critical violations.
// Branches of the same day add a shared Suite.Axe; once they meet, this
// file is the one to fold into it.
var mailAxeSource = sync.OnceValues(func() (string, error) {
	path := os.Getenv("VOCDESK_AXE")
	if path == "" {
		path = filepath.Join("node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("axe-core not found (%w): set VOCDESK_AXE to axe.min.js", err)
	}
	return string(b), nil
})

// mailAxeIn runs axe on the part of the page a JavaScript expression names
// ("document", or document.querySelector(...) for the part a test added).
func (s *Suite) mailAxeIn(context string) {
	s.T.Helper()
	src, err := mailAxeSource()
	if err != nil {
		s.T.Fatal(err)
	}
	run := `(async () => {
		const r = await axe.run(` + context + `, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
		return JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, n: v.nodes.length,
			where: v.nodes.slice(0, 3).map(n => n.target.join(" "))})));
	})()`
	if _, err := chromedp.Run(s.ctx, chromedp.Evaluate[chromedp.Void](src+";0")); err != nil {
		s.T.Fatalf("axe: load on %s: %v", s.Location(), err)
	}
	out, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		s.T.Fatalf("axe on %s: %v", s.Location(), err)
	}
	var vs []struct {
		ID, Impact, Help string
		N                int
		Where            []string
	}
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		s.T.Fatalf("axe on %s: %v", s.Location(), err)
	}
	for _, v := range vs {
		msg := fmt.Sprintf("axe %s on %s: %s (%s), %d elements: %s", v.Impact, s.Location(), v.ID, v.Help, v.N, strings.Join(v.Where, "; "))
		if v.Impact == "serious" || v.Impact == "critical" {
			s.T.Error(msg)
		} else {
			s.T.Log(msg)
		}
	}
}

// mailLook opens path in Korean and in English, runs axe on each and saves
// screenshots name-ko and name-en. The page ends in English.
func (s *Suite) mailLook(path, name string) { s.mailLookIn(path, name, "document") }

// mailLookIn is mailLook with axe run on one part of the page only: on a
// page mail adds a little to, the part it adds.
func (s *Suite) mailLookIn(path, name, context string) {
	s.T.Helper()
	for _, lang := range []string{"ko", "en"} {
		s.Visit("/lang/" + lang + "?next=" + url.QueryEscape(path))
		s.WaitLocation(path)
		s.mailAxeIn(context)
		s.Shot(name + "-" + lang)
	}
}
