package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"redgrid/internal/model"
	"redgrid/internal/store"
)

// The dashboard draws its charts without console errors, a grid filter
// changes the figures, the 大屏 refreshes in place at 1920×1080, and the
// briefing shows the month's figures.
func TestDashboardChartsFilterScreenAndBriefing(t *testing.T) {
	st := newSite(t)
	ctx := context.Background()
	a := st.enterprise(t, st.f.GridA1.ID, 1, "甲机械有限公司", "甲机械", true, 300)
	b := st.enterprise(t, st.f.GridB1.ID, 2, "乙门业有限公司", "乙门业", true, 120)
	st.enterprise(t, st.f.GridB1.ID, 3, "丙五金厂", "丙五金", false, 12)
	set := func(e model.Enterprise, month string, yuan int64) {
		if err := st.s.SetOutputValue(ctx, model.System, store.OutputValueInput{EnterpriseID: e.ID, Month: month, ValueYuan: yuan}); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []string{"01", "02", "03", "04", "05", "06", "07", "08"} {
		set(a, "2020-"+m, 40_000_000)
		set(a, "2021-"+m, 60_000_000)
		set(b, "2020-"+m, 20_000_000)
		set(b, "2021-"+m, 30_000_000)
	}

	tb := newTab(t, st.url)
	tb.viewport(1280, 900, false)
	tb.login("admin")
	tb.open("/dashboard?month=2021-08", 200)
	tb.do("every chart is drawn", chromedp.Poll[chromedp.Void](
		`document.querySelectorAll('[data-chart][data-drawn="1"] canvas').length === 4`, chromedp.WithPollingTimeout(10*time.Second)))
	if got := tb.text("#fig-enterprises"); got != "3" {
		t.Fatalf("zone enterprises %q", got)
	}
	if got := tb.text("#fig-output"); got != "7.2 亿元" {
		t.Fatalf("zone output %q", got)
	}
	if got := tb.text("#fig-growth"); got != "50.0%" {
		t.Fatalf("zone growth %q", got)
	}
	// Filter by grid B1: the figures change.
	// Choose grid B1 and submit the filter (choosing alone also submits it,
	// through app.js; the button keeps the navigation in step with the test).
	eval[bool](tb, `(document.querySelector('#dash-grid').value = '`+id(st.f.GridB1.ID)+`', true)`)
	tb.click("#dash-filter button[type=submit]", 200)
	if !strings.Contains(tb.location(), "grid="+id(st.f.GridB1.ID)) {
		t.Fatalf("filtered page at %s", tb.location())
	}
	if got := tb.text("#fig-enterprises"); got != "2" {
		t.Fatalf("B1 enterprises %q", got)
	}
	if got := tb.text("#fig-output"); got != "2.4 亿元" {
		t.Fatalf("B1 output %q", got)
	}
	tb.do("charts drawn again", chromedp.Poll[chromedp.Void](
		`document.querySelectorAll('[data-chart][data-drawn="1"] canvas').length === 4`, chromedp.WithPollingTimeout(10*time.Second)))
	tb.screenshot("dashboard")

	// The 大屏: 1920×1080, refreshed without reloading after a new figure.
	tb.viewport(1920, 1080, false)
	tb.open("/dashboard/screen?month=2021-08", 200)
	tb.do("screen charts drawn", chromedp.Poll[chromedp.Void](
		`document.querySelectorAll('[data-chart][data-drawn="1"] canvas').length === 4`, chromedp.WithPollingTimeout(10*time.Second)))
	if got := tb.text(`[data-fig="output"]`); got != "7.2 亿元" {
		t.Fatalf("screen output %q", got)
	}
	if w := eval[float64](tb, `document.documentElement.scrollWidth`); w > 1920 {
		t.Fatalf("screen scrolls sideways: %v", w)
	}
	set(b, "2021-08", 130_000_000) // +1 亿元
	eval[bool](tb, `(window.redgridRefresh(), true)`)
	tb.do("the new figure arrives", chromedp.Poll[chromedp.Void](
		`document.querySelector('[data-fig="output"]').textContent === '8.2 亿元' && document.body.getAttribute('data-refreshed') === '1'`,
		chromedp.WithPollingTimeout(10*time.Second)))
	tb.screenshot("screen")

	// The briefing of the month.
	tb.viewport(1280, 900, false)
	tb.open("/briefings/2021-08", 200)
	tb.screenshot("briefing")
	text := tb.text("#briefing")
	for _, want := range []string{"8.2亿元", "同比增长70%以上", "经济运行"} {
		if !strings.Contains(text, want) {
			t.Fatalf("briefing lacks %q:\n%s", want, text)
		}
	}
	// 经济运行: the months, industries and grids of the same figures.
	tb.open("/output?month=2021-08", 200)
	if got := tb.text("#out-ytd"); got != "8.2 亿元" {
		t.Fatalf("output page YTD %q", got)
	}
	tb.screenshot("output")
}
