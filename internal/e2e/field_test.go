package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// geolocate grants the site the geolocation permission and makes the
// browser report a fixed position with its accuracy.
func (tb *tab) geolocate(lat, lng, acc float64) {
	tb.t.Helper()
	tb.do("emulate geolocation", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		c := chromedp.FromContext(ctx)
		if _, err := cdp.Call(ctx, c.Browser, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: "geolocation"}, Setting: cdpbrowser.PermissionSettingGranted,
			Origin: tb.base, BrowserContextID: c.BrowserContextID}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
			Latitude: &lat, Longitude: &lng, Accuracy: &acc})
		return err
	}))
}

// center scrolls an element to the middle of the screen, clear of the
// phone's fixed tab bar, before it is tapped.
func (tb *tab) center(sel string) {
	tb.t.Helper()
	eval[bool](tb, `(() => { document.querySelector(`+js(sel)+`).scrollIntoView({block: 'center'}); return true })()`)
}

// tap taps an element that does not load a page, centred first.
func (tb *tab) tap(sel string) {
	tb.t.Helper()
	tb.center(sel)
	tb.do("tap "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// openStep opens a problem step's panel and submits it.
func (tb *tab) step(action string, fill ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if !eval[bool](tb, `document.querySelector('#step-`+action+`').open`) {
		tb.tap("#step-" + action + " > summary")
	}
	if len(fill) > 0 {
		tb.do("fill step "+action, fill...)
	}
	tb.center("#do-" + action)
	tb.click("#do-"+action, 200)
	if !strings.HasPrefix(tb.location(), "/problems/") {
		tb.fatalf("after %s: at %s", action, tb.location())
	}
}

// A grid worker logs a visit with a problem on a 360 px phone, the browser's
// position emulated; the department resolves the problem; the worker records
// the enterprise's 不满意 and the problem reopens.
func TestVisitProblemLoopOnPhone(t *testing.T) {
	t.Parallel()
	st := newSite(t)
	ctx := context.Background()
	ent := st.enterprise(t, st.f.GridA1.ID, 11, "浙江安德电器有限公司", "安德电器", true, 320)
	in := store.EnterpriseInputOf(ent)
	lat, lng := 28.897, 120.039
	in.Lat, in.Lng = &lat, &lng
	if _, err := st.s.UpdateEnterprise(ctx, model.System, ent.ID, in, ""); err != nil {
		t.Fatal(err)
	}
	d, err := st.s.DepartmentByCode(ctx, "safety")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.s.CreateUser(ctx, model.System, store.UserInput{Username: "anjian", DisplayName: "安监科", Role: model.RoleDepartment,
		DepartmentID: d.ID, Password: storetest.Password}); err != nil {
		t.Fatal(err)
	}

	w := newTab(t, st.url)
	w.viewport(360, 740, true)
	w.geolocate(28.8972, 120.0391, 18) // about 30 m from the plant
	w.login("worker")
	w.open("/enterprises/"+id(ent.ID), 200)
	w.click("#btn-visit", 200)
	w.do("the form locates itself", chromedp.Poll[chromedp.Void](`document.querySelector('#f-lat').value !== ''`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if acc := w.value("#f-acc"); acc != "18" {
		w.fatalf("accuracy %q, want 18", acc)
	}
	w.noHorizontalScroll("visit form")
	w.phoneChrome("visit form")
	w.tap(`input[name=topics][value=party]`)
	w.tap(`input[name=topics][value=safety]`)
	w.tap("#raise-problem > summary")
	w.do("write the notes and the problem",
		chromedp.SendKeys(chromedp.CSS("#f-notes"), "检查车间党建园地，查看消防通道"),
		chromedp.SetValue(chromedp.CSS("#p-cat"), id(categoryID(t, st, "safety"))),
		chromedp.SendKeys(chromedp.CSS("#p-desc"), "二号车间消防通道堆放原料"))
	w.noHorizontalScroll("visit form with the problem open")
	w.screenshot("visit-form-360.png")
	w.center("#save-visit")
	w.click("#save-visit", 200)
	if !regexp.MustCompile(`^/visits/\d+$`).MatchString(w.location()) {
		w.fatalf("after saving: at %s", w.location())
	}
	if dist := w.text("#d-distance"); !strings.Contains(dist, " m") || strings.Contains(dist, "超过") {
		w.fatalf("distance shown %q", dist)
	}
	w.noHorizontalScroll("visit page")
	w.center("#visit-problems a")
	w.click("#visit-problems a", 200)
	problemURL := w.location()
	if got := w.text("#problem-state"); got != "已登记" {
		w.fatalf("new problem state %q", got)
	}
	w.step("accept")
	w.step("dispatch")
	if got := w.text("#d-department"); got != "安监" {
		w.fatalf("routed to %q", got)
	}
	w.noHorizontalScroll("problem page")

	dpt := newTab(t, st.url)
	dpt.login("anjian")
	dpt.open("/problems", 200)
	if row := dpt.text("#problem-table"); !strings.Contains(row, "浙江安德电器有限公司") {
		dpt.fatalf("inbox lacks the problem: %s", row)
	}
	dpt.open(problemURL, 200)
	dpt.step("start")
	dpt.step("resolve", chromedp.SendKeys(chromedp.CSS("#note-resolve"), "已督促企业清理通道并现场复查"))
	if got := dpt.text("#problem-state"); got != "已办结" {
		dpt.fatalf("after resolving: %q", got)
	}

	w.open(problemURL, 200)
	w.tap("#step-satisfaction > summary")
	w.tap(`#form-satisfaction input[value=unsatisfied]`)
	w.step("satisfaction",
		chromedp.SendKeys(chromedp.CSS("#note-satisfaction"), "通道仍有少量堆放"))
	if got := w.text("#problem-state"); got != "已重开" {
		w.fatalf("after 不满意: %q", got)
	}
	if tl := w.text("#timeline"); !strings.Contains(tl, "满意度回访") || !strings.Contains(tl, "已办结 → 已重开") || !strings.Contains(tl, "不满意 通道仍有少量堆放") {
		w.fatalf("timeline: %s", tl)
	}
	if !w.visible("#step-dispatch") {
		w.fatalf("a reopened problem can be dispatched again")
	}
	w.noHorizontalScroll("reopened problem")
	w.screenshot("problem-reopened-360.png")
}

func categoryID(t *testing.T, st *site, code string) int64 {
	t.Helper()
	cs, err := st.s.Categories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Code == code {
			return c.ID
		}
	}
	t.Fatalf("no category %s", code)
	return 0
}
