package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A grid worker records a hazard from the enterprise page on a phone, finds
// it among the open hazards, and marks it rectified.
func TestSafetyHazardRectified(t *testing.T) {
	t.Parallel()
	st := newSite(t)
	ent := st.enterprise(t, st.f.GridA1.ID, 21, "永康市城西五金制品有限公司", "城西五金", false, 80)

	w := newTab(t, st.url)
	w.viewport(360, 740, true)
	w.login("worker")
	w.open("/enterprises/"+id(ent.ID), 200)
	if !strings.Contains(w.text("#safety"), "暂无安全生产记录") {
		w.fatalf("the safety section is not empty")
	}
	w.center("#btn-safety-violation")
	w.click("#btn-safety-violation", 200)
	w.noHorizontalScroll("safety form")
	w.do("describe the hazard",
		chromedp.SendKeys(chromedp.CSS("#f-desc"), "冲床安全防护装置缺失"),
		chromedp.SetValue(chromedp.CSS("#f-hazard"), "major"))
	w.center("#save-safety")
	w.click("#save-safety", 200)
	if !regexp.MustCompile(`^/safety/\d+$`).MatchString(w.location()) {
		w.fatalf("after saving: at %s", w.location())
	}
	if s := w.text("#state-tag"); s != "未整改" {
		w.fatalf("state %q, want 未整改", s)
	}
	record := w.location()

	w.open("/safety?open=1", 200)
	if !strings.Contains(w.text("#safety-table"), "冲床安全防护装置缺失") {
		w.fatalf("the hazard is not among the open ones")
	}
	w.noHorizontalScroll("safety list")

	w.open(record, 200)
	w.do("write what was done", chromedp.SendKeys(chromedp.CSS("#r-note"), "已加装光电保护装置"))
	w.center("#do-rectify")
	w.click("#do-rectify", 200)
	if s := w.text("#state-tag"); s != "已整改" {
		w.fatalf("state %q after rectifying, want 已整改", s)
	}
	w.open("/safety?open=1", 200)
	if !w.visible("#empty") {
		w.fatalf("open hazards remain after rectifying")
	}
	w.checkConsole()
}
