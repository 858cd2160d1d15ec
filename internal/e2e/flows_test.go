package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"redgrid/internal/storetest"
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

// Flow 1: an admin signs in, enters an enterprise with a credit code whose
// check character is wrong, sees the error beside the field with what was
// typed kept, corrects the code, saves, and finds the enterprise by two
// characters of its name.
func TestAdminEntersEnterpriseAndFindsIt(t *testing.T) {
	t.Parallel()
	st := newSite(t)
	unrelated := storetest.MustEnterprise(t, st.s, st.f.GridA2.ID, st.f.Industry.ID, 1, "东一机械有限公司")
	tb := newTab(t, st.url)
	tb.viewport(1280, 900, false)
	tb.login("admin")

	tb.open("/enterprises/new", 200)
	// The desk layout: the menu is shown, the phone tab bar and ☰ are not.
	if !tb.visible("#sidebar") || tb.visible("nav.tabbar") || tb.visible("button.menu-toggle") {
		t.Errorf("at 1280 px want the sidebar and neither the tab bar nor ☰: sidebar %v, tabbar %v, ☰ %v",
			tb.visible("#sidebar"), tb.visible("nav.tabbar"), tb.visible("button.menu-toggle"))
	}
	const (
		bad  = "91330784MA2E8XKB0A" // 18 characters, wrong check character
		name = "永康市红旗五金制品有限公司"
	)
	tb.do("fill in the form with a bad credit code",
		chromedp.WaitVisible(chromedp.CSS("#f-uscc")),
		chromedp.SendKeys(chromedp.CSS("#f-uscc"), bad),
		chromedp.SendKeys(chromedp.CSS("#f-name"), name),
		chromedp.SetValue(chromedp.CSS("#f-industry"), id(st.f.Industry.ID)),
		chromedp.SetValue(chromedp.CSS("#f-grid"), id(st.f.GridA1.ID)))
	tb.click("#save", 422)
	tb.do("field error shown", chromedp.WaitVisible(chromedp.CSS("#err-uscc")))
	if msg := tb.text("#err-uscc"); !strings.Contains(msg, "校验位") {
		t.Errorf("#err-uscc = %q, want it to name the check character (校验位)", msg)
	}
	if !eval[bool](tb, `(() => { const f = document.querySelector('#f-uscc').closest('.field');
		return f === document.querySelector('#err-uscc').closest('.field') && f.classList.contains('has-error') })()`) {
		t.Error("#err-uscc is not in the credit-code field's .field, or that .field lacks has-error")
	}
	if d := eval[string](tb, `document.querySelector('#f-uscc').getAttribute('aria-describedby') || ''`); !strings.Contains(d, "err-uscc") {
		t.Errorf("#f-uscc aria-describedby = %q, want it to point at err-uscc", d)
	}
	for sel, want := range map[string]string{"#f-uscc": bad, "#f-name": name,
		"#f-industry": id(st.f.Industry.ID), "#f-grid": id(st.f.GridA1.ID)} {
		if got := tb.value(sel); got != want {
			t.Errorf("after the error %s = %q, want what was entered, %q", sel, got, want)
		}
	}
	tb.noHorizontalScroll("enterprise form with an error at 1280 px")
	tb.screenshot("enterprise-form-1280.png")

	tb.do("correct the credit code",
		chromedp.Clear(chromedp.CSS("#f-uscc")),
		chromedp.SendKeys(chromedp.CSS("#f-uscc"), storetest.USCC(77)))
	tb.click("#save", 200)
	show := tb.location()
	if !regexp.MustCompile(`^/enterprises/\d+$`).MatchString(show) {
		tb.fatalf("after saving: at %s, want the enterprise's page", show)
	}
	if h := tb.text("h1.page-title"); !strings.Contains(h, name) {
		t.Errorf("enterprise page heading %q, want %q", h, name)
	}

	tb.open("/enterprises", 200)
	tb.do("search by two characters of the name",
		chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SendKeys(chromedp.CSS("#q"), "红旗"))
	tb.click("#search-submit", 200)
	if loc := tb.location(); !strings.Contains(loc, "q=") {
		t.Errorf("search did not put the keyword in the address: %s", loc)
	}
	tb.do("result table shown", chromedp.WaitVisible(chromedp.CSS("#enterprise-table")))
	table := tb.text("#enterprise-table")
	if !strings.Contains(table, name) || !strings.Contains(table, storetest.USCC(77)) {
		t.Errorf("the new enterprise is not in #enterprise-table:\n%s", table)
	}
	if strings.Contains(table, unrelated.Name) {
		t.Errorf("the search for 红旗 also lists %s", unrelated.Name)
	}
	if !eval[bool](tb, fmt.Sprintf(`!!document.querySelector('#enterprise-table a[href=%s]')`, js(show))) {
		t.Errorf("#enterprise-table has no link to %s", show)
	}
}

// Flow 2: a grid worker of A1 sees A1's enterprise and not B1's, and B1's
// enterprise's address gives the friendly 404 page, telling nothing of it.
func TestGridWorkerSeesOnlyOwnGrid(t *testing.T) {
	t.Parallel()
	st := newSite(t)
	mine := storetest.MustEnterprise(t, st.s, st.f.GridA1.ID, st.f.Industry.ID, 1, "东一机械有限公司")
	other := storetest.MustEnterprise(t, st.s, st.f.GridB1.ID, st.f.Industry.ID, 2, "西一门业有限公司")
	tb := newTab(t, st.url)
	tb.viewport(1280, 900, false)
	tb.login("worker")

	tb.open("/enterprises", 200)
	tb.do("list shown", chromedp.WaitVisible(chromedp.CSS("#enterprise-table")))
	table := tb.text("#enterprise-table")
	if !strings.Contains(table, mine.Name) {
		t.Errorf("worker's list lacks %s of grid A1:\n%s", mine.Name, table)
	}
	if strings.Contains(table, other.Name) {
		t.Errorf("worker's list shows %s of grid B1:\n%s", other.Name, table)
	}

	tb.open("/enterprises/"+id(other.ID), 404)
	tb.do("404 page shown", chromedp.WaitVisible(chromedp.CSS(".error-page h1")))
	if code := strings.TrimSpace(tb.text(".error-code")); code != "404" {
		t.Errorf(".error-code = %q, want 404", code)
	}
	page := tb.text(".error-page")
	if !strings.Contains(page, "页面不存在") && !strings.Contains(page, "不在您的管辖范围") {
		t.Errorf("404 page does not say the page is missing or out of scope:\n%s", page)
	}
	if body := tb.text("body"); strings.Contains(body, other.Name) || strings.Contains(body, other.USCC) {
		t.Errorf("404 page tells about the enterprise it hides:\n%s", body)
	}

	tb.open("/enterprises/"+id(mine.ID), 200)
	if h := tb.text("h1.page-title"); !strings.Contains(h, mine.Name) {
		t.Errorf("own enterprise page heading %q, want %q", h, mine.Name)
	}
}

// Flow 3: at 360 px (a phone, mobile emulation) no page scrolls sideways,
// the bottom tab bar is there and the menu stays hidden until ☰.
func TestPhoneLayout(t *testing.T) {
	t.Parallel()
	st := newSite(t)
	e := st.enterprise(t, st.f.GridA1.ID, 1, "浙江省永康市红旗五金制品股份有限公司城西新区第二分公司", "红旗五金", true, 1280)
	st.enterprise(t, st.f.GridA2.ID, 2, "永康市东一机械有限公司", "", false, 35)
	st.enterprise(t, st.f.GridB1.ID, 3, "WUYI INTERNATIONAL HARDWARE TRADING COMPANY LIMITED", "Wuyi", false, 8)
	tb := newTab(t, st.url)
	tb.viewport(360, 740, true)

	tb.open("/login", 200)
	if w := eval[int](tb, `document.documentElement.clientWidth`); w != 360 {
		tb.fatalf("viewport is %d px wide, want 360", w)
	}
	tb.noHorizontalScroll("login page")
	if !tb.visible("#login-submit") {
		t.Error("#login-submit not visible at 360 px")
	}
	tb.login("admin")

	pages := []struct{ name, path string }{
		{"enterprise list", "/enterprises"},
		{"enterprise form", "/enterprises/new"},
		{"grid list", "/grids"},
		{"enterprise page", "/enterprises/" + id(e.ID)},
	}
	for _, p := range pages {
		tb.open(p.path, 200)
		tb.noHorizontalScroll(p.name)
		tb.phoneChrome(p.name)
		if p.path == "/enterprises" {
			tb.do("list shown", chromedp.WaitVisible(chromedp.CSS("#enterprise-table")))
			tb.screenshot("enterprise-list-360.png")
			tb.menuToggle()
		}
	}

	// The form again, with every required field in error: the longest
	// messages must wrap, not widen the page.
	tb.open("/enterprises/new", 200)
	tb.click("#save", 422)
	tb.do("field errors shown", chromedp.WaitVisible(chromedp.CSS("#err-uscc")))
	tb.noHorizontalScroll("enterprise form with errors")
	tb.phoneChrome("enterprise form with errors")
}

// phoneChrome checks the phone frame of a signed-in page: the tab bar is
// shown at the bottom without covering the end of the page, ☰ is shown and
// the menu is not.
func (tb *tab) phoneChrome(page string) {
	tb.t.Helper()
	if !tb.visible("nav.tabbar") {
		tb.t.Errorf("%s: nav.tabbar not visible at 360 px", page)
	} else {
		if !eval[bool](tb, `Math.abs(document.querySelector('nav.tabbar').getBoundingClientRect().bottom - innerHeight) < 1`) {
			tb.t.Errorf("%s: nav.tabbar is not at the bottom of the screen", page)
		}
		if !eval[bool](tb, `parseFloat(getComputedStyle(document.querySelector('main.main')).paddingBottom) >= document.querySelector('nav.tabbar').offsetHeight`) {
			tb.t.Errorf("%s: main.main's bottom padding is less than the tab bar's height, so the bar covers the end of the page", page)
		}
	}
	if !tb.visible("button.menu-toggle") {
		tb.t.Errorf("%s: button.menu-toggle (☰) not visible at 360 px", page)
	}
	if tb.visible("#sidebar") {
		tb.t.Errorf("%s: nav.sidebar shown at 360 px before ☰ is pressed", page)
	}
}

// menuToggle opens the menu with ☰ and closes it again.
func (tb *tab) menuToggle() {
	tb.t.Helper()
	for _, open := range []bool{true, false} {
		tb.do("press ☰", chromedp.Click(chromedp.CSS("button.menu-toggle"), chromedp.NodeVisible))
		want := "block"
		if !open {
			want = "none"
		}
		tb.do(fmt.Sprintf("sidebar display becomes %s", want), chromedp.Poll[chromedp.Void](
			fmt.Sprintf(`getComputedStyle(document.querySelector('#sidebar')).display === %s`, js(want)),
			chromedp.WithPollingTimeout(5*time.Second)))
		if got := eval[string](tb, `document.querySelector('button.menu-toggle').getAttribute('aria-expanded')`); got != strconv.FormatBool(open) {
			tb.t.Errorf("after ☰: aria-expanded=%q, want %v", got, open)
		}
		if open {
			if !tb.visible("#sidebar") {
				tb.t.Error("sidebar not visible after ☰")
			}
			tb.noHorizontalScroll("enterprise list with the menu open")
		}
	}
}

// Flow 4's detector must work: a blocked inline script (a CSP violation)
// and a console.error on a real page are both caught.
func TestConsoleWatcherCatchesCSPViolation(t *testing.T) {
	t.Parallel()
	st := newSite(t)
	tb := newTab(t, st.url)
	tb.open("/login", 200)
	eval[chromedp.Void](tb, `(() => { const s = document.createElement('script');
		s.textContent = 'window.__inlineRan = true'; document.head.appendChild(s); })()`)
	eval[chromedp.Void](tb, `console.error('e2e probe')`)
	var csp, console bool
	for !csp || !console {
		select {
		case <-tb.notify:
		case <-tb.ctx.Done():
			t.Fatalf("watcher missed: CSP violation %v, console.error %v", csp, console)
		}
		tb.mu.Lock()
		for _, p := range tb.problems {
			csp = csp || strings.Contains(p, "Content Security Policy")
			console = console || strings.Contains(p, "e2e probe")
		}
		tb.mu.Unlock()
	}
	tb.takeProblems() // expected here; the tab must not fail the test
	if eval[bool](tb, `window.__inlineRan === true`) {
		t.Error("an inline script ran: the CSP does not block inline scripts")
	}
}
