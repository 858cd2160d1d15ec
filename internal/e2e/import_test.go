package e2e

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"redgrid/internal/storetest"
	"redgrid/internal/tabular"
)

// importFile writes an enterprise CSV the way a person would keep it:
// a title row, Chinese headers, dates in several spellings. bad puts
// three errors in it: a wrong check character, an unknown industry and a
// number of employees that is not a number.
func importFile(t *testing.T, st *site, bad bool) string {
	t.Helper()
	ind := st.f.Industry.Name
	rows := []string{"城西新区企业名单（2026年）",
		"统一社会信用代码,企业名称,行业,所属网格,从业人数,成立日期",
		storetest.USCC(701) + ",浙江导入一号实业有限公司," + ind + ",A1,10,2019/8/31",
		storetest.USCC(702) + ",浙江导入二号实业有限公司," + ind + ",A1,20,2019年8月31日",
		storetest.USCC(703) + ",浙江导入三号实业有限公司," + ind + ",A1,30,2019-08-31",
		storetest.USCC(704) + ",浙江导入四号实业有限公司," + ind + ",A1,40,",
	}
	if bad {
		rows[3] = storetest.USCC(702)[:17] + "0" + rows[3][18:]
		rows[4] = strings.Replace(rows[4], ind, "不存在的行业", 1)
		rows[5] = strings.Replace(rows[5], ",40,", ",四十,", 1)
	}
	p := filepath.Join(t.TempDir(), "企业名单.csv")
	if err := os.WriteFile(p, []byte(strings.Join(rows, "\r\n")+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// upload sends a file through the import form and waits for its check.
func (tb *tab) upload(path string) {
	tb.t.Helper()
	tb.open("/imports", 200)
	tb.do("choose the file",
		chromedp.WaitVisible(chromedp.CSS("#f-file")),
		chromedp.SetValue(chromedp.CSS("#f-register"), "enterprises"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{path}))
	tb.click("#btn-upload", 200)
	// The check runs in the background; the page shows its progress and
	// reloads itself when it ends.
	tb.do("the check ends", chromedp.WaitVisible(chromedp.CSS("#job-counts")))
}

func TestImportFlow(t *testing.T) {
	st := newSite(t)
	tb := newTab(t, st.url)
	tb.login("worker")

	// A file with three bad rows: three errors, each with row and column.
	tb.upload(importFile(t, st, true))
	if n := tb.text("#count-invalid"); n != "3" {
		tb.fatalf("invalid rows %q, want 3", n)
	}
	errs := eval[[]string](tb, `[...document.querySelectorAll('#error-table tr.import-error')].map(r => r.innerText.replace(/\s+/g, ' ').trim())`)
	want := []string{"4 A 统一社会信用代码", "5 C 行业", "6 E 从业人数"}
	if len(errs) != 3 {
		tb.fatalf("errors shown: %q", errs)
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i], w) {
			tb.fatalf("error %d is %q, want it to start %q", i, errs[i], w)
		}
	}
	if !strings.Contains(errs[1], "不存在的行业") || tb.visible("#btn-commit") {
		tb.fatalf("errors %q; commit offered: %v", errs, tb.visible("#btn-commit"))
	}

	// The fixed file: four new rows, confirmed, imported.
	tb.upload(importFile(t, st, false))
	if n := tb.text("#count-new"); n != "4" {
		tb.fatalf("new rows %q, want 4", n)
	}
	tb.click("#btn-commit", 200)
	tb.do("the import ends", chromedp.WaitVisible(chromedp.CSS("#job-done")))

	// The row is in the list; the filtered list exports and reads back.
	tb.open("/enterprises?q="+"导入三号", 200)
	if !strings.Contains(tb.text("main"), "浙江导入三号实业有限公司") {
		tb.fatalf("imported enterprise not in the list")
	}
	b64 := evalAsync(tb, `fetch(document.querySelector('#export-xlsx').href).then(r => r.arrayBuffer()).then(b => {
		let s = ''; const u = new Uint8Array(b); for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); return btoa(s) })`)
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	f, err := tabular.Open(data, "export.xlsx", tabular.Options{})
	if err != nil {
		t.Fatalf("export does not read back: %v", err)
	}
	res, err := tabular.Parse(f, tabular.Enterprises)
	if err != nil || len(res.Rows) != 1 || res.Rows[0].Text("name") != "浙江导入三号实业有限公司" ||
		res.Rows[0].Text("founded_on") != "2019-08-31" || res.Rows[0].Text("uscc") != storetest.USCC(703) {
		t.Fatalf("export read back: %v %+v %v", err, res.Rows, res.Errors)
	}
	tb.checkConsole()
}

// evalAsync evaluates an expression that yields a promise of a string.
func evalAsync(tb *tab, expr string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.fatalf("evaluate: %v", err)
	}
	return v
}
