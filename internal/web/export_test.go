package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/tabular"
)

// download fetches an export and returns its body and headers.
func (c *client) download(path string, want int) ([]byte, http.Header) {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	resp := c.do(req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		c.e.t.Fatalf("GET %s: %d, want %d: %s", path, resp.StatusCode, want, b)
	}
	return b, resp.Header
}

func parseExport(t *testing.T, b []byte, name string, spec *tabular.Spec) *tabular.Result {
	t.Helper()
	f, err := tabular.Open(b, name, tabular.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	res, err := tabular.Parse(f, spec)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return res
}

// Exports carry the list's filter and the user's scope, read back as the
// register's own template would, name the file in Chinese (RFC 6266), and
// are audited with their row count.
func TestEnterpriseExport(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 100+i, fmt.Sprintf("永康市导出测试%d有限公司", i))
	}
	for i := range 3 {
		storetest.MustEnterprise(t, e.s, e.f.GridB1.ID, e.f.Industry.ID, 200+i, fmt.Sprintf("永康市别处%d有限公司", i))
	}
	admin := e.login("admin")
	if body := admin.get("/enterprises", 200); !strings.Contains(body, `href="/enterprises/export?format=xlsx"`) {
		t.Error("list page lacks the export link")
	}
	b, h := admin.download(fmt.Sprintf("/enterprises/export?format=xlsx&grid=%d", e.f.GridA1.ID), 200)
	if cd := h.Get("Content-Disposition"); !strings.Contains(cd, `filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95`) || !strings.Contains(cd, `filename="enterprises-`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	res := parseExport(t, b, "x.xlsx", tabular.Enterprises)
	if len(res.Rows) != 5 || len(res.Errors) != 0 {
		t.Fatalf("xlsx export: %d rows, errors %+v", len(res.Rows), res.Errors)
	}
	if got := res.Rows[0].Text("uscc"); len(got) != 18 {
		t.Errorf("credit code came back as %q", got)
	}
	// CSV in GB18030, as WPS on Chinese Windows reads it; the whole zone.
	b, h = admin.download("/enterprises/export?format=csv-gb18030", 200)
	if !strings.Contains(h.Get("Content-Type"), "gb18030") {
		t.Errorf("Content-Type %q", h.Get("Content-Type"))
	}
	res = parseExport(t, b, "x.csv", tabular.Enterprises)
	if len(res.Rows) != 8 {
		t.Fatalf("csv export: %d rows, errors %+v", len(res.Rows), res.Errors)
	}
	// A grid worker exports their grid only.
	b, _ = e.login("worker").download("/enterprises/export?format=csv", 200)
	if res = parseExport(t, b, "x.csv", tabular.Enterprises); len(res.Rows) != 5 {
		t.Fatalf("worker export: %d rows", len(res.Rows))
	}
	admin.download("/enterprises/export?format=pdf", 422)

	entries, err := e.s.ListAudit(context.Background(), model.AuditFilter{Action: "export.", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 || !strings.Contains(entries[len(entries)-1].After, `"rows":5`) && !strings.Contains(entries[0].After, `"rows":5`) {
		t.Fatalf("export audit: %+v", entries)
	}
}

func TestMemberExportIsMasked(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	top, err := e.s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: "EX", Name: "导出党委", Kind: "党委"})
	if err != nil {
		t.Fatal(err)
	}
	const id = "11010519491231002X"
	if _, err := e.s.CreateMember(ctx, model.System, model.MemberInput{Name: "导出", IDNumber: id, Phone: "13800138000",
		Category: model.CategoryFull, OrgID: top.ID}); err != nil {
		t.Fatal(err)
	}
	b, _ := e.login("admin").download("/members/export?format=csv", 200)
	text := string(b)
	if strings.Contains(text, id) || strings.Contains(text, "13800138000") || !strings.Contains(text, "110105********002X") ||
		!strings.Contains(text, "138****8000") || !strings.Contains(text, "正式党员") {
		t.Fatalf("member export:\n%s", text)
	}
	b, _ = e.login("admin").download("/members/export", 200)
	f, err := tabular.Open(b, "m.xlsx", tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for f.Next() {
		n++
	}
	if n != 2 { // header and one member
		t.Fatalf("xlsx rows %d (%v)", n, f.Err())
	}
	e.login("anjian").download("/members/export", 403)
}

// Import templates: localized headers, an example row that reads back as a
// valid row, drop-downs from the dictionaries; only for those who may write
// the register.
func TestImportTemplates(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin")
	for _, reg := range []string{"grids", "enterprises", "organizations", "members", "surveys", "output_values"} {
		for _, ext := range []string{"xlsx", "csv"} {
			b, h := admin.download("/templates/"+reg+"."+ext, 200)
			if !strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''") {
				t.Errorf("%s.%s: Content-Disposition %q", reg, ext, h.Get("Content-Disposition"))
			}
			res := parseExport(t, b, reg+"."+ext, tabular.Specs()[reg])
			if len(res.Rows) != 1 || len(res.Errors) != 0 {
				t.Errorf("%s.%s: %d rows, errors %+v", reg, ext, len(res.Rows), res.Errors)
			}
		}
	}
	worker := e.login("worker")
	worker.download("/templates/enterprises.xlsx", 200)
	worker.download("/templates/members.xlsx", 403)
	admin.download("/templates/nothing.xlsx", 404)
	admin.download("/templates/enterprises.pdf", 404)
	if body := admin.get("/enterprises", 200); !strings.Contains(body, `href="/templates/enterprises.xlsx"`) {
		t.Error("enterprise list lacks the template link")
	}
}
