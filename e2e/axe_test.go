package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

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
//
// A form posted back to its own page (a reply, a hide) leaves the browser
// at the same path while the next document streams in, so the page "as it
// is now" may be half parsed: a footer button whose text has not arrived
// yet reads as a button without a name. The script therefore loads axe into
// the document it runs in and waits for that document's load event first;
// a navigation that replaces the document mid-run destroys the script's
// context, and the check runs again on the new one.
func (s *Suite) Axe() {
	s.T.Helper()
	src, err := axeSource()
	if err != nil {
		s.T.Fatal(err)
	}
	// The page's CSP forbids inline scripts, but Runtime.evaluate from the
	// driver is not a page script and is not subject to it.
	const run = `(async () => {
		if (document.readyState !== "complete") {
			await new Promise(done => addEventListener("load", done, {once: true}));
		}
		const r = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
		return JSON.stringify(r.violations);
	})()`
	var out string
	for try := 1; ; try++ {
		out, err = chromedp.Run(s.ctx, chromedp.Evaluate[string](src+"\n;"+run, chromedp.EvalAwaitPromise))
		if err == nil {
			break
		}
		if try == 3 {
			s.T.Fatalf("axe on %s: %v", s.Location(), err)
		}
		time.Sleep(100 * time.Millisecond)
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

// Look opens path in Korean and in English (through the language
// switcher; Visit runs axe on each) and saves a screenshot of each, named
// name-ko and name-en, to be looked at. The page ends in English.
func (s *Suite) Look(path, name string) {
	s.T.Helper()
	for _, lang := range []string{"ko", "en"} {
		s.Visit("/lang/" + lang + "?next=" + url.QueryEscape(path))
		s.Shot(name + "-" + lang)
	}
}
