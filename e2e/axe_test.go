package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// axeVersion is the axe-core release scripts/test-deps.sh installs into
// e2e/node_modules (npm, pinned): the accessibility rules every page a
// browser test visits is checked against.
const axeVersion = "4.11.0"

// axeSource is axe-core's script, read once per test binary.
var axeSource = sync.OnceValues(func() (string, error) {
	path := os.Getenv("VOCDESK_AXE")
	if path == "" {
		path = filepath.Join("node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("axe-core %s not found (%w): run scripts/test-deps.sh, or set VOCDESK_AXE to axe.min.js", axeVersion, err)
	}
	return string(b), nil
})

// axeViolation is what axe-core reports of one broken rule.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// Axe runs axe-core on the page as it is now and fails the test on every
// serious or critical violation (WCAG 2.1 A and AA rules, contrast among
// them), naming the elements. Minor and moderate findings are logged.
func (s *Suite) Axe() {
	s.T.Helper()
	src, err := axeSource()
	if err != nil {
		s.T.Fatal(err)
	}
	// The page's CSP forbids inline scripts, but Runtime.evaluate from the
	// driver is not a page script and is not subject to it.
	const run = `(async () => {
		const r = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
		return JSON.stringify(r.violations);
	})()`
	if _, err := chromedp.Run(s.ctx, chromedp.Evaluate[chromedp.Void](src+";0")); err != nil {
		s.T.Fatalf("axe: load on %s: %v", s.Location(), err)
	}
	out, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](run, func(p *runtime.EvaluateParams) { t := true; p.AwaitPromise = &t }))
	if err != nil {
		s.T.Fatalf("axe on %s: %v", s.Location(), err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		s.T.Fatalf("axe on %s: %v", s.Location(), err)
	}
	for _, v := range vs {
		var where []string
		for i, n := range v.Nodes {
			if i == 5 {
				where = append(where, fmt.Sprintf("... %d more", len(v.Nodes)-5))
				break
			}
			where = append(where, fmt.Sprintf("%v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " ")))
		}
		msg := fmt.Sprintf("axe %s on %s: %s (%s), %d elements:\n  %s", v.Impact, s.Location(), v.ID, v.Help, len(v.Nodes), strings.Join(where, "\n  "))
		if v.Impact == "serious" || v.Impact == "critical" {
			s.T.Error(msg)
		} else {
			s.T.Log(msg)
		}
	}
}
