package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const (
	// testTimeout bounds one test's tab; stepTimeout one action in it, so a
	// missing element fails in seconds with its name rather than at the end.
	testTimeout = 60 * time.Second
	stepTimeout = 15 * time.Second
)

// findBrowser returns the browser to drive: REDGRID_CHROME, else the first of
// chromium, chromium-browser, google-chrome on PATH. It returns "" when there
// is none, and an error when REDGRID_CHROME names something that cannot run.
func findBrowser() (string, error) {
	if p := os.Getenv("REDGRID_CHROME"); p != "" {
		lp, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("REDGRID_CHROME=%q: %v", p, err)
		}
		return lp, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", nil
}

// allocatorOptions is the whole command line of the browser, built here
// rather than from chromedp.DefaultExecAllocatorOptions so that every flag is
// deliberate. Besides the required ones, the rest keep the browser off the
// network (a dead proxy catches anything that still tries; loopback, where
// the test servers listen, always bypasses a proxy) and keep parallel tabs
// from throttling each other.
func allocatorOptions(execPath, dataDir string, out *lockedBuffer) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.UserDataDir(dataDir),

		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,

		chromedp.Flag("proxy-server", "http://127.0.0.1:9"),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,"+
			"CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions"),

		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.CombinedOutput(out),
	}
}

// shared is the one browser of the package; each test gets its own tab in
// its own browser context (separate cookies), so tests run in parallel.
var shared struct {
	once    sync.Once
	ctx     context.Context
	err     error
	cancels []func()
	dir     string
	out     lockedBuffer
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, cancel := range shared.cancels {
		cancel()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// browser returns the shared browser's context, starting it on first use. It
// skips the test when there is no browser, unless REDGRID_REQUIRE_BROWSER=1.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := findBrowser()
	if err != nil {
		t.Fatal(err)
	}
	if path == "" {
		if os.Getenv("REDGRID_REQUIRE_BROWSER") == "1" {
			t.Fatal("REDGRID_REQUIRE_BROWSER=1 but no chromium, chromium-browser or google-chrome on PATH (or set REDGRID_CHROME)")
		}
		t.Skip("no Chromium found: set REDGRID_CHROME or install chromium (REDGRID_REQUIRE_BROWSER=1 makes this a failure)")
	}
	shared.once.Do(func() { shared.err = startBrowser(path) })
	if shared.err != nil {
		t.Fatalf("start browser %s: %v", path, shared.err)
	}
	return shared.ctx
}

func startBrowser(path string) error {
	dir, err := os.MkdirTemp("", "redgrid-e2e-profile-")
	if err != nil {
		return err
	}
	shared.dir = dir
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocatorOptions(path, dir, &shared.out)...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// The browser first, then the allocator, which waits for the process.
	shared.cancels = append(shared.cancels, cancel, cancelAlloc)
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }() // binds the browser's life to ctx
	select {
	case err := <-started:
		if err != nil {
			return fmt.Errorf("%w\nbrowser output:\n%s", err, shared.out.tail(2000))
		}
	case <-time.After(30 * time.Second):
		return fmt.Errorf("browser did not start in 30 s\nbrowser output:\n%s", shared.out.tail(2000))
	}
	shared.ctx = ctx
	return nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.b.String()
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}

// tab is one browser tab on one test server. From its first message it
// records console errors, uncaught exceptions, error entries of the browser
// log (CSP violations, failed loads) and requests that leave the test
// server; the test fails on any of them when it ends.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string

	width, height int64 // the emulated screen, for screenshots
	phone         bool

	mu       sync.Mutex
	problems []string
	notify   chan struct{}    // signalled (without blocking) when a problem is recorded
	expect   map[int64]int    // HTTP error status → documents still allowed to answer it
	allowed  map[string]int64 // document URL → the error status it was allowed to answer
}

func newTab(t *testing.T, base string) *tab {
	t.Helper()
	bctx := browser(t)
	tb := &tab{t: t, base: base, expect: map[int64]int{}, allowed: map[string]int64{}, notify: make(chan struct{}, 1)}
	tctx, cancelTab := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(tb.listen))
	ctx, cancel := context.WithTimeout(tctx, testTimeout)
	tb.ctx = ctx
	t.Cleanup(func() {
		tb.checkConsole()
		cancel()
		cancelTab()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return tb
}

// listen runs on chromedp's reader goroutine: it must only record.
func (tb *tab) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			tb.problem("console.%s(%s)", ev.Type, argsText(ev.Args))
		}
	case *runtime.EventExceptionThrown:
		tb.problem("uncaught exception: %s", exceptionText(ev.ExceptionDetails))
	case *log.EventEntryAdded:
		if e := ev.Entry; e != nil && e.Level == log.EntryLevelError && !tb.expectedFailure(e) {
			tb.problem("browser log [%s] %s (url %s)", e.Source, e.Text, e.URL)
		}
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		if !strings.HasPrefix(u, tb.base+"/") && u != tb.base &&
			!strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") && !strings.HasPrefix(u, "blob:") {
			tb.problem("request outside the test server: %s", u)
		}
	case *network.EventResponseReceived:
		if ev.Type == network.ResourceTypeDocument && ev.Response.Status >= 400 {
			tb.mu.Lock()
			if tb.expect[ev.Response.Status] > 0 {
				tb.expect[ev.Response.Status]--
				tb.allowed[ev.Response.URL] = ev.Response.Status
				tb.mu.Unlock()
			} else {
				tb.mu.Unlock()
				tb.problem("page %s answered %d", ev.Response.URL, ev.Response.Status)
			}
		}
	}
}

// expectedFailure reports whether a log entry is Chrome's "Failed to load
// resource: … status of N" for a document the test asked to answer N.
func (tb *tab) expectedFailure(e *log.Entry) bool {
	if e.Source != log.EntrySourceNetwork {
		return false
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	st, ok := tb.allowed[e.URL]
	return ok && strings.Contains(e.Text, fmt.Sprintf("status of %d", st))
}

func (tb *tab) problem(format string, args ...any) {
	tb.mu.Lock()
	tb.problems = append(tb.problems, fmt.Sprintf(format, args...))
	tb.mu.Unlock()
	select {
	case tb.notify <- struct{}{}:
	default:
	}
}

// expectStatus lets the next page that answers status (≥ 400) do so without
// counting as a problem; the steps that expect an error page call it.
func (tb *tab) expectStatus(status int) {
	if status < 400 {
		return
	}
	tb.mu.Lock()
	tb.expect[int64(status)]++
	tb.mu.Unlock()
}

// takeProblems returns and clears what the listener recorded.
func (tb *tab) takeProblems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	p := tb.problems
	tb.problems = nil
	return p
}

func (tb *tab) checkConsole() {
	tb.t.Helper()
	for _, p := range tb.takeProblems() {
		tb.t.Errorf("console/CSP/network problem: %s", p)
	}
}

func argsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case a == nil:
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, ", ")
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "?"
	}
	s := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		s += " " + d.Exception.Description
	}
	return fmt.Sprintf("%s at %s:%d", s, d.URL, d.LineNumber+1)
}

// do runs actions, failing the test with the page's state on error.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// js quotes a Go string as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// open navigates to path and checks the document's status.
func (tb *tab) open(path string, want int) *network.Response {
	tb.t.Helper()
	tb.expectStatus(want)
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.base+path))
	if err != nil {
		tb.fatalf("open %s: %v", path, err)
	}
	if resp == nil || int(resp.Status) != want {
		tb.fatalf("open %s: status %v, want %d", path, status(resp), want)
	}
	return resp
}

// click clicks an element that loads a new page (a submit button or a
// link), waits for the page and checks its status (after redirects).
func (tb *tab) click(sel string, want int) *network.Response {
	tb.t.Helper()
	tb.expectStatus(want)
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		tb.fatalf("click %s: %v", sel, err)
	}
	if resp == nil || int(resp.Status) != want {
		tb.fatalf("click %s: status %v, want %d", sel, status(resp), want)
	}
	return resp
}

func status(resp *network.Response) any {
	if resp == nil {
		return "none"
	}
	return resp.Status
}

// text is the rendered text (innerText) of the first element matching sel;
// the test fails at once when there is none.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	s := eval[*string](tb, fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e ? e.innerText : null })()`, js(sel)))
	if s == nil {
		tb.fatalf("no element %s", sel)
	}
	return *s
}

// value is the current value of a form control.
func (tb *tab) value(sel string) string {
	tb.t.Helper()
	s := eval[*string](tb, fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e ? e.value : null })()`, js(sel)))
	if s == nil {
		tb.fatalf("no element %s", sel)
	}
	return *s
}

// visible reports whether the first element matching sel is rendered with a
// size, now (no waiting).
func (tb *tab) visible(sel string) bool {
	tb.t.Helper()
	return eval[bool](tb, fmt.Sprintf(`(() => { const e = document.querySelector(%s); if (!e) return false;
		const s = getComputedStyle(e), r = e.getBoundingClientRect();
		return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0 })()`, js(sel)))
}

// location is the page's path and query.
func (tb *tab) location() string {
	return eval[string](tb, `location.pathname + location.search`)
}

// fatalf fails the test, adding where the page is and what it says.
func (tb *tab) fatalf(format string, args ...any) {
	tb.t.Helper()
	msg := fmt.Sprintf(format, args...)
	if tb.ctx.Err() == nil {
		ctx, cancel := context.WithTimeout(tb.ctx, 3*time.Second)
		defer cancel()
		if st, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`location.href + "\n" + (document.body ? document.body.innerText.slice(0, 600) : "(no body)")`)); err == nil {
			msg += "\n--- page: " + st
		}
	}
	for _, p := range tb.takeProblems() {
		msg += "\n--- console: " + p
	}
	tb.t.Fatal(msg)
}

// layout is what noHorizontalScroll measures.
type layout struct {
	DocScroll  float64  `json:"docScroll"`
	DocClient  float64  `json:"docClient"`
	BodyScroll float64  `json:"bodyScroll"`
	BodyClient float64  `json:"bodyClient"`
	Wide       []string `json:"wide"`
}

const layoutJS = `(() => {
  const de = document.documentElement, b = document.body, vw = de.clientWidth;
  const wide = [];
  for (const el of b.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 0.5) continue;
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim()) d += '.' + el.className.trim().split(/\s+/).join('.');
    wide.push(d + ' [' + Math.round(r.left) + '…' + Math.round(r.right) + ']');
    if (wide.length >= 10) break;
  }
  return {docScroll: de.scrollWidth, docClient: de.clientWidth, bodyScroll: b.scrollWidth, bodyClient: b.clientWidth, wide};
})()`

// noHorizontalScroll checks that neither the document nor the body is wider
// than the viewport, naming the elements that stick out when they are.
func (tb *tab) noHorizontalScroll(page string) {
	tb.t.Helper()
	l := eval[layout](tb, layoutJS)
	if l.DocScroll > l.DocClient || l.BodyScroll > l.BodyClient {
		tb.t.Errorf("%s scrolls sideways: documentElement %v > %v or body %v > %v; elements past the right edge: %s",
			page, l.DocScroll, l.DocClient, l.BodyScroll, l.BodyClient, strings.Join(l.Wide, ", "))
	}
}

// viewport sets the tab's screen: a phone (mobile emulation, touch, portrait,
// 2× pixels) or a desk browser.
func (tb *tab) viewport(width, height int64, phone bool) {
	tb.t.Helper()
	tb.width, tb.height, tb.phone = width, height, phone
	tb.do(fmt.Sprintf("viewport %d×%d", width, height), tb.emulate(height))
}

func (tb *tab) emulate(height int64) chromedp.Action[chromedp.Void] {
	if tb.phone {
		return chromedp.EmulateViewport(tb.width, height,
			chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
	}
	return chromedp.EmulateViewport(tb.width, height)
}

// screenshot saves a PNG of the whole page in the test's temporary directory
// and, when REDGRID_SCREENSHOT_DIR is set, there as well. The screen is made
// as tall as the page for the shot, so that fixed bars sit where they do at
// the end of the page rather than across its middle.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	h := int64(eval[float64](tb, `Math.ceil(document.documentElement.scrollHeight)`))
	if h < tb.height {
		h = tb.height
	}
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, tb.emulate(h)); err != nil {
		tb.fatalf("screenshot %s: %v", name, err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err == nil {
		err = chromedp.Do(ctx, tb.emulate(tb.height))
	}
	if err != nil {
		tb.fatalf("screenshot %s: %v", name, err)
	}
	dirs := []string{tb.t.TempDir()}
	if d := os.Getenv("REDGRID_SCREENSHOT_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			tb.t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			tb.t.Fatal(err)
		}
		tb.t.Logf("screenshot %s (%d bytes)", p, len(png))
	}
}
