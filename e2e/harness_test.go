// Package e2e drives the real server with a real browser (Chromium through
// chromedp): the flows a person clicks through. Each test starts the whole
// server in-process over a fresh seeded database and opens its own isolated
// browser context in one shared headless Chromium, so tests are independent
// and may run in parallel, and a later issue adds a flow by writing one
// function against the helpers here.
package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"

	"github.com/vocdesk/vocdesk/sqlstore/sqlstoretest"
	"github.com/vocdesk/vocdesk/web"
	"github.com/vocdesk/vocdesk/web/ui/uitest"
)

// testTimeout bounds one browser test, start-up included. Flows are meant to
// take a few seconds; a hang fails fast instead of eating CI's budget. Axe
// on every page adds a fraction of a second a page (more under -race on a
// busy machine), hence a minute.
const testTimeout = 60 * time.Second

// waitTimeout bounds waiting for one page to show what a step expects.
const waitTimeout = 5 * time.Second

// chromiumPath finds the browser: $VOCDESK_CHROMIUM, else Debian's
// /usr/bin/chromium, else chromium on $PATH; "" when there is none.
func chromiumPath() string {
	candidates := []string{os.Getenv("VOCDESK_CHROMIUM"), "/usr/bin/chromium"}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			candidates = append(candidates, p)
		}
	}
	for _, p := range candidates {
		if p == "" {
			continue
		}
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

// browserCtx is the one Chromium of this test binary, started by TestMain.
// Starting a browser costs seconds; a browser context (an isolated profile,
// like an incognito window) per test costs milliseconds and shares nothing
// with other tests: no cookies, no cache.
var browserCtx context.Context

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	exe := chromiumPath()
	if exe == "" {
		// Start skips or fails each test, with the reason.
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "vocdesk-e2e-chromium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "en-US"),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	// The first Do starts the browser; it must not carry a timeout, which
	// would end the browser with it.
	if err := chromedp.Do(bctx); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: start chromium %s: %v\n", exe, err)
		return 1
	}
	browserCtx = bctx
	return m.Run()
}

// Suite is one browser test: a seeded marketplace, the server, and a tab.
type Suite struct {
	T   *testing.T
	M   *uitest.Marketplace
	URL string // the server's base URL
	ctx context.Context

	mu       sync.Mutex
	problems []string // script errors and CSP violations seen in the page
}

// Start seeds a database, starts the server and opens a headless Chromium
// tab, and lets the test run beside others (t.Parallel). Everything is torn
// down when the test ends.
func Start(t *testing.T, opts ...func(*uitest.Marketplace)) *Suite {
	t.Helper()
	if browserCtx == nil {
		// Without a browser the tests skip on a laptop, but fail in CI
		// (CI=true), where a missing browser is a broken setup and must not
		// pass silently.
		msg := "no Chromium found (set VOCDESK_CHROMIUM or install Debian's chromium package)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}

	// Two tests at a time (go test's -parallel is the core count): most of
	// a browser test is waiting, on the page, the server or the database.
	t.Parallel()
	db := sqlstoretest.Open(t)
	m := uitest.Seed(t, db)
	for _, o := range opts {
		o(m) // e.g. more services, or a job runner
	}
	srv, err := web.NewServer(web.Config{AllowPrivateWebhooks: m.AllowPrivateWebhooks}, m.Svc)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	tab, closeTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(closeTab)
	// The log domain reports CSP violations and failed loads, which a test
	// should not pass over. Opening the tab here (without a timeout, as
	// chromedp asks) also keeps its start out of the first step's errors.
	if _, err := chromedp.Call(tab, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, testTimeout)
	t.Cleanup(cancel)
	bctx := ctx
	s := &Suite{T: t, M: m, URL: ts.URL, ctx: bctx}
	messages := chromedp.Console(bctx)
	go func() {
		for msg, err := range messages {
			if err != nil {
				return
			}
			if msg.Type == chromedp.ConsoleError || msg.IsException() {
				s.problem(msg.String())
			}
		}
	}()
	t.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, p := range s.problems {
			t.Errorf("page problem: %s", p)
		}
	})
	return s
}

func (s *Suite) problem(p string) {
	s.mu.Lock()
	s.problems = append(s.problems, p)
	s.mu.Unlock()
}

// Do runs chromedp actions in the tab and fails the test on error.
func (s *Suite) Do(actions ...chromedp.Action[chromedp.Void]) {
	s.T.Helper()
	if err := chromedp.Do(s.ctx, actions...); err != nil {
		s.Shot("failure")
		s.T.Fatalf("browser: %v", err)
	}
}

// Visit opens a path of the server and runs axe on the page (axe_test.go):
// every page a browser test visits is checked for accessibility.
func (s *Suite) Visit(path string) {
	s.T.Helper()
	s.Do(chromedp.Navigate(s.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
	s.Axe()
}

// LoginAs signs in through a realm's sign-in page ("/login",
// "/developer/login", "/operator/login") and waits for the page it lands
// on. It fills the fields directly rather than typing key by key: each key
// is a round trip to the browser, and sign-in is the first step of most
// tests.
func (s *Suite) LoginAs(loginPath string, a uitest.Account) {
	s.T.Helper()
	s.Visit(loginPath)
	s.Do(
		chromedp.SetValue(chromedp.ID("email"), a.Email),
		chromedp.SetValue(chromedp.ID("password"), uitest.Password),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
	)
	s.WaitText(a.Name)
}

// Click clicks the first element matching a CSS selector.
func (s *Suite) Click(sel string) {
	s.T.Helper()
	s.Do(chromedp.Click(chromedp.CSS(sel)))
}

// ClickLink clicks the link whose text is exactly text.
func (s *Suite) ClickLink(text string) {
	s.T.Helper()
	s.Do(chromedp.Click(chromedp.Search(fmt.Sprintf(`//a[normalize-space(.)=%q]`, text))))
}

// WaitText waits until the page shows every text (visible text, not
// markup). It polls from Go rather than in the page, so a click that
// navigates while it waits is just one more try.
func (s *Suite) WaitText(texts ...string) {
	s.T.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		body := s.BodyText()
		missing := ""
		for _, text := range texts {
			if !strings.Contains(body, text) {
				missing = text
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			s.Shot("waittext")
			s.T.Fatalf("page %s never showed %q; it shows:\n%s", s.Location(), missing, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitLocation waits until the browser is at a URL whose path and query
// start with prefix: the way to know a click has navigated before looking
// at the new page. It runs axe on the page it arrives at, as Visit does.
func (s *Suite) WaitLocation(prefix string) {
	s.T.Helper()
	s.waitLocation(prefix, func(loc string) bool { return strings.HasPrefix(loc, prefix) })
}

// WaitPath is WaitLocation for exactly one path (the query aside): leaving
// /console/inquiries/1 for the inbox is not done while the browser is still
// at a path that merely begins like the inbox's.
func (s *Suite) WaitPath(path string) {
	s.T.Helper()
	s.waitLocation(path, func(loc string) bool {
		loc, _, _ = strings.Cut(loc, "?")
		return loc == path
	})
}

// AtPath says whether the browser reaches path (the query aside) within d,
// for a step that may be tried again (a key pressed while the page was
// still loading).
func (s *Suite) AtPath(path string, d time.Duration) bool {
	for deadline := time.Now().Add(d); ; time.Sleep(50 * time.Millisecond) {
		if loc, _, _ := strings.Cut(s.Location(), "?"); loc == path {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

func (s *Suite) waitLocation(want string, reached func(loc string) bool) {
	s.T.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !reached(s.Location()) {
		if time.Now().After(deadline) {
			s.T.Fatalf("browser is at %s, never reached %s", s.Location(), want)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Do(chromedp.WaitReady(chromedp.CSS("footer")))
	s.Axe()
}

// BodyText is the visible text of the page.
func (s *Suite) BodyText() string {
	text, _ := chromedp.Run(s.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return text
}

// NoText fails the test if the page shows any of texts.
func (s *Suite) NoText(texts ...string) {
	s.T.Helper()
	body := s.BodyText()
	for _, text := range texts {
		if strings.Contains(body, text) {
			s.T.Errorf("page %s shows %q", s.Location(), text)
		}
	}
}

// Location is the current URL's path and query.
func (s *Suite) Location() string {
	loc, _ := chromedp.Run(s.ctx, chromedp.Location())
	return strings.TrimPrefix(loc, s.URL)
}

// Shot saves a full-page screenshot as $VOCDESK_E2E_SHOTS/<test>-<name>.png
// when that variable names a directory: for looking at pages, and at
// failures in CI artefacts.
func (s *Suite) Shot(name string) { s.shot(name, chromedp.FullScreenshot(100)) }

// ShotView is Shot of the viewport only: what a person sees first.
func (s *Suite) ShotView(name string) { s.shot(name, chromedp.CaptureScreenshot()) }

func (s *Suite) shot(name string, capture chromedp.Action[[]byte]) {
	dir := os.Getenv("VOCDESK_E2E_SHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(s.ctx, capture)
	if err != nil {
		s.T.Logf("screenshot: %v", err)
		return
	}
	file := strings.NewReplacer("/", "_", " ", "_").Replace(s.T.Name()) + "-" + name + ".png"
	if err := os.WriteFile(filepath.Join(dir, file), buf, 0o644); err != nil {
		s.T.Logf("screenshot: %v", err)
	}
}
