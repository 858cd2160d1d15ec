package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A grid worker on a phone sees the daily job's reminder of an enterprise
// not yet visited: the unread count in the top bar, the inbox page without
// sideways scrolling, the link to the enterprise, and "mark all read"
// clearing the count.
func TestInboxOnPhone(t *testing.T) {
	t.Parallel()
	st := newSite(t)
	ent := st.enterprise(t, st.f.GridA1.ID, 21, "永康市城西新区飞腾工贸有限公司", "飞腾工贸", true, 120)
	if _, err := st.s.RunReminders(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t, st.url)
	tb.viewport(360, 740, true)
	tb.login("worker")
	if got := strings.TrimSpace(tb.text("#inbox-badge")); got != "1" {
		tb.fatalf("top bar unread count %q, want 1", got)
	}
	tb.noHorizontalScroll("home with the unread count")
	tb.open("/inbox", 200)
	tb.do("inbox shown", chromedp.WaitVisible(chromedp.CSS("#inbox-list")))
	tb.noHorizontalScroll("inbox")
	if row := tb.text("#inbox-list"); !strings.Contains(row, ent.Name) {
		tb.fatalf("inbox lacks %s:\n%s", ent.Name, row)
	}
	if href := eval[string](tb, `document.querySelector('#inbox-list a').getAttribute('href')`); href != "/enterprises/"+id(ent.ID) {
		tb.fatalf("reminder links to %q", href)
	}
	tb.center("#inbox-read-all")
	tb.click("#inbox-read-all", 200)
	if eval[bool](tb, `!!document.querySelector('#inbox-badge')`) {
		tb.fatalf("unread count still shown after mark all read")
	}
	if eval[int](tb, `document.querySelectorAll('#inbox-list tr.unread').length`) != 0 {
		tb.fatalf("unread rows after mark all read")
	}
}
