package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/storetest"
	"redgrid/internal/tabular"
)

// upload posts a file to the import form like a browser.
func (c *client) upload(path string, fields map[string]string, name string, data []byte) *http.Response {
	c.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if c.csrf != "" {
		mw.WriteField("csrf", c.csrf)
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

var jobLoc = regexp.MustCompile(`^/imports/(\d+)$`)

func enterpriseFile(e *env, bad bool) string {
	ind := e.f.Industry.Name
	rows := []string{"统一社会信用代码,企业名称,行业,所属网格,从业人数",
		storetest.USCC(101) + ",导入一号公司," + ind + ",A1,10",
		storetest.USCC(102) + ",导入二号公司," + ind + ",A1,20",
		storetest.USCC(103) + ",导入三号公司," + ind + ",A1,30",
		storetest.USCC(104) + ",导入四号公司," + ind + ",A1,40",
	}
	if bad {
		rows[2] = storetest.USCC(102)[:17] + "9,导入二号公司," + ind + ",A1,20"
		rows[3] = storetest.USCC(103) + ",导入三号公司,不存在的行业,A1,30"
		rows[4] = storetest.USCC(104) + ",导入四号公司," + ind + ",A1,很多"
	}
	return strings.Join(rows, "\r\n") + "\r\n"
}

func TestImportFlowThroughPages(t *testing.T) {
	e := newEnv(t)
	c := e.login("worker")
	resp := c.upload("/imports", map[string]string{"register": "enterprises", "mode": "upsert"}, "企业.csv", []byte(enterpriseFile(e, true)))
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !jobLoc.MatchString(loc) {
		t.Fatalf("upload: %d %q", resp.StatusCode, loc)
	}
	e.web.WaitImports()
	page := c.get(loc, 200)
	for _, want := range []string{`id="count-invalid">3<`, `id="count-new">1<`, "第3行A列（统一社会信用代码）", "第4行C列（行业）：找不到“不存在的行业”",
		"第5行E列（从业人数）", `id="fix-hint"`} {
		if !strings.Contains(page, want) {
			i := strings.Index(page, `id="main"`)
			t.Fatalf("preview lacks %q:\n%s", want, page[i:])
		}
	}
	if strings.Contains(page, `id="btn-commit"`) {
		t.Fatal("a file with errors can be committed")
	}
	// Committing anyway is refused.
	id := jobLoc.FindStringSubmatch(loc)[1]
	if st, _ := c.postBody(loc+"/commit", url.Values{"version": {"2"}}); st != http.StatusConflict {
		t.Fatalf("commit of a bad file: %d", st)
	}
	// The error report: the user's rows with the errors beside them.
	req, _ := http.NewRequest("GET", e.srv.URL+loc+"/errors", nil)
	rr := c.do(req)
	data, _ := io.ReadAll(rr.Body)
	rr.Body.Close()
	f, err := tabular.Open(data, "r.xlsx", tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for f.Next() {
		lines = append(lines, strings.Join(f.Row().Values(), "|"))
	}
	if len(lines) != 4 || !strings.Contains(lines[0], "错误") || !strings.Contains(lines[2], "找不到“不存在的行业”") {
		t.Fatalf("error report:\n%s", strings.Join(lines, "\n"))
	}

	// The fixed file goes in.
	resp = c.upload("/imports", map[string]string{"register": "enterprises"}, "企业.csv", []byte(enterpriseFile(e, false)))
	resp.Body.Close()
	loc = resp.Header.Get("Location")
	e.web.WaitImports()
	page = c.get(loc, 200)
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `id="count-new">4<`) {
		t.Fatalf("fixed preview:\n%s", trim(page))
	}
	if n := len(c.get("/enterprises?q=导入", 200)); strings.Contains(c.get("/enterprises?q=导入", 200), "导入一号公司") {
		t.Fatalf("a preview wrote rows (%d)", n)
	}
	resp = c.post(loc+"/commit", url.Values{"version": {m[1]}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("commit: %d", resp.StatusCode)
	}
	// A second click is a conflict, not a second import.
	if st, _ := c.postBody(loc+"/commit", url.Values{"version": {m[1]}}); st != http.StatusConflict {
		t.Fatalf("second commit: %d", st)
	}
	e.web.WaitImports()
	page = c.get(loc, 200)
	if !strings.Contains(page, `id="job-done"`) {
		t.Fatalf("not done:\n%s", trim(page))
	}
	if !strings.Contains(c.get("/enterprises?q=导入三号", 200), "导入三号公司") {
		t.Fatal("imported enterprise not listed")
	}
	es, _ := e.s.ListAudit(bg, model.AuditFilter{Action: "enterprise.import", Limit: 5})
	if len(es) != 1 || !strings.Contains(es[0].After, `"new":4`) || es[0].ActorName != "worker" {
		t.Fatalf("audit %+v", es)
	}
	// Another user does not see the job.
	e.login("head").get(loc, 404)
	_ = id
}

func TestImportUploadErrors(t *testing.T) {
	e := newEnv(t)
	c := e.login("worker")
	// No file; a register the worker may not import into.
	st, body := func() (int, string) {
		resp := c.upload("/imports", map[string]string{"register": "members"}, "x.csv", nil)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}()
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-register"`) || !strings.Contains(body, `id="err-file"`) {
		t.Fatalf("bad upload: %d\n%s", st, trim(body))
	}
	// Not a spreadsheet: one clear error on the job page.
	resp := c.upload("/imports", map[string]string{"register": "enterprises"}, "photo.xlsx", []byte("\x89PNG\r\n\x1a\n0000"))
	resp.Body.Close()
	e.web.WaitImports()
	page := c.get(resp.Header.Get("Location"), 200)
	if !strings.Contains(page, `id="file-error"`) || strings.Contains(page, `id="btn-commit"`) {
		t.Fatalf("png upload:\n%s", trim(page))
	}
	// Department staff have no import at all.
	e.login("anjian").get("/imports", 403)
}

func TestImportAPI(t *testing.T) {
	e := newEnv(t)
	a := e.apiLogin("admin")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("register", "enterprises")
	fw, _ := mw.CreateFormFile("file", "e.csv")
	fw.Write([]byte(enterpriseFile(e, true)))
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/imports", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("api upload %d %s", resp.StatusCode, b)
	}
	e.web.WaitImports()
	st, body := a.call("GET", resp.Header.Get("Location"), "")
	var j struct {
		State  string
		Counts struct{ New, Invalid int }
		Errors []struct {
			Row     int
			Column  string
			Message string
		}
	}
	if st != 200 || json.Unmarshal([]byte(body), &j) != nil || j.State != "checked" || j.Counts.Invalid != 3 || len(j.Errors) != 3 ||
		j.Errors[0].Row != 3 || j.Errors[0].Column != "A" {
		t.Fatalf("api job %d %s", st, body)
	}
}
