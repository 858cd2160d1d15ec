package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"redgrid/internal/model"
	"redgrid/internal/storetest"
	"redgrid/internal/tabular"
)

// readExport reads a downloaded file back with the register's spec and
// returns every data row's values by key (valid or not: masked ID numbers
// may coincide, which an import would call duplicates).
func readExport(t *testing.T, b []byte, name string, spec *tabular.Spec) []map[string]string {
	t.Helper()
	f, err := tabular.Open(b, name, tabular.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	keys := map[string]string{}
	for i, c := range spec.Columns {
		keys[tabular.ColumnLetter(i)] = c.Key
	}
	var out []map[string]string
	first := true
	for f.Next() {
		cells := f.Row().Cells
		if first {
			first = false
			if len(cells) != len(spec.Columns) || cells[0].Value != spec.Columns[0].Header.Zh {
				t.Fatalf("%s: header %+v", name, cells)
			}
			continue
		}
		row := map[string]string{}
		for _, c := range cells {
			if k, ok := keys[c.Col]; ok {
				row[k] = c.Value
			}
		}
		out = append(out, row)
	}
	if err := f.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// column returns one column of rows.
func column(rows []map[string]string, key string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r[key])
	}
	return out
}

// lastExport returns the newest export audit entry's action, actor and
// details.
func (e *env) lastExport() (model.AuditEntry, map[string]any) {
	e.t.Helper()
	es, err := e.s.ListAudit(bg, model.AuditFilter{Action: "export.", Limit: 1})
	if err != nil || len(es) != 1 {
		e.t.Fatalf("no export audit entry: %v", err)
	}
	var after map[string]any
	if err := json.Unmarshal([]byte(es[0].After), &after); err != nil {
		e.t.Fatal(err)
	}
	return es[0], after
}

// checkAudit asserts that the newest export entry is register's, by user,
// with rows rows.
func (e *env) checkAudit(register, user string, rows int) map[string]any {
	e.t.Helper()
	entry, after := e.lastExport()
	if entry.Action != "export."+register || entry.ActorName == "" || !strings.Contains(entry.ActorName+" "+user, user) ||
		after["rows"] != float64(rows) {
		e.t.Fatalf("export audit for %s by %s (%d rows): %+v %v", register, user, rows, entry, after)
	}
	return after
}

// fetch downloads with a bearer token.
func (a *api) fetch(path string, want int) ([]byte, http.Header) {
	a.e.t.Helper()
	req, _ := http.NewRequest("GET", a.e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		a.e.t.Fatalf("GET %s: %d, want %d: %.300s", path, resp.StatusCode, want, b)
	}
	return b, resp.Header
}

// Every list exports its own filter within the user's scope, from its page
// and from its API list (?format=), masked, audited with the row count and
// the filter, and named in Chinese.
func TestExportEveryList(t *testing.T) {
	e := newPartyEnv(t)
	ctx := bg
	m1 := e.member("蒋文", idNumber("19850312", 21), e.br1.ID, e.entA1.ID)
	e.member("沈静", idNumber("19900101", 32), e.br1.ID, 0)
	e.member("韩梅", idNumber("19880808", 43), e.br2.ID, e.entB1.ID)
	for _, in := range []model.SurveyInput{
		{Name: "排摸甲", Phone: "13900001111", EnterpriseID: e.entA1.ID, Category: model.CategoryFull, Willingness: model.WillingYes},
		{Name: "排摸乙", EnterpriseID: e.entB1.ID, Category: model.CategoryFull, Willingness: model.WillingNo},
	} {
		if _, err := e.s.CreateSurvey(ctx, model.System, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.s.CreateTransfer(ctx, model.System, model.TransferInput{Kind: model.TransferOut, MemberID: m1.ID,
		ToName: "中共金华市某某委员会", LetterNo: "=城西〔2021〕8号", DuesPaidTo: "2021-07", IssuedOn: "2021-08-25", ValidDays: 30}); err != nil {
		t.Fatal(err)
	}
	admin := e.login("admin")

	// Grids: an area head exports their area's subtree, parents as codes.
	b, _ := e.login("head").download("/grids/export?format=csv", 200)
	rows := readExport(t, b, "g.csv", tabular.Grids)
	if got := strings.Join(column(rows, "code"), ","); got != "A,A1,A2" || strings.Join(column(rows, "parent"), ",") != "Z,A,A" ||
		rows[0]["level"] != "片区" {
		t.Fatalf("head's grids: %v", rows)
	}
	e.checkAudit("grids", "head", 3)

	// Organizations: a secretary gets their branch; the kind filter holds.
	b, _ = e.login("sec1").download("/organizations/export?format=xlsx", 200)
	rows = readExport(t, b, "o.xlsx", tabular.Organizations)
	if len(rows) != 1 || rows[0]["code"] != "BR1" || rows[0]["parent"] != "CX" || rows[0]["kind"] != "党支部" {
		t.Fatalf("secretary's organizations: %v", rows)
	}
	e.checkAudit("organizations", "sec1", 1)
	b, _ = admin.download("/organizations/export?format=csv&kind="+url.QueryEscape(e.br1.Kind), 200)
	if rows = readExport(t, b, "o.csv", tabular.Organizations); strings.Join(column(rows, "code"), ",") != "BR1,BR2" {
		t.Fatalf("branches: %v", rows)
	}
	if after := e.checkAudit("organizations", "admin", 2); !strings.Contains(fmt.Sprint(after["filter"]), e.br1.Kind) {
		t.Errorf("filter not audited: %v", after)
	}

	// Members: masked, organizations and employers by code; in scope.
	b, _ = e.login("sec1").download("/members/export?format=csv", 200)
	text := string(b)
	rows = readExport(t, b, "m.csv", tabular.Members)
	if len(rows) != 2 || strings.Contains(text, "韩梅") || strings.Contains(text, idNumber("19850312", 21)) ||
		strings.Contains(text, "13812345678") || !strings.Contains(text, "138****5678") {
		t.Fatalf("secretary's members:\n%s", text)
	}
	for _, r := range rows {
		if !strings.Contains(r["id_number"], "********") || r["org"] != "BR1" {
			t.Fatalf("member row %v", r)
		}
		if r["name"] == "蒋文" && r["enterprise"] != e.entA1.USCC {
			t.Fatalf("employer column %q", r["enterprise"])
		}
	}
	e.checkAudit("members", "sec1", 2)
	b, _ = admin.download(fmt.Sprintf("/members/export?format=xlsx&org=%d", e.br2.ID), 200)
	if rows = readExport(t, b, "m.xlsx", tabular.Members); len(rows) != 1 || rows[0]["name"] != "韩梅" {
		t.Fatalf("organization filter: %v", rows)
	}
	if after := e.checkAudit("members", "admin", 1); !strings.Contains(string(mustJSON(after["filter"])), fmt.Sprintf(`"OrgID":%d`, e.br2.ID)) {
		t.Errorf("member filter not audited: %v", after)
	}
	e.login("anjian").download("/members/export", http.StatusForbidden)
	// Filters fail as in the list; a failure on the first page (an unknown
	// parent organization) still answers as the list does, not with a cut
	// file.
	admin.get("/members?org=99999", http.StatusUnprocessableEntity)
	admin.download("/members/export?format=xlsx&org=99999", http.StatusUnprocessableEntity)
	admin.get("/organizations?parent=99999", http.StatusNotFound)
	if _, h := admin.download("/organizations/export?format=xlsx&parent=99999", http.StatusNotFound); h.Get("Content-Disposition") != "" ||
		!strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("failed export headers: %v", h)
	}
	// A secretary filtering by an organization outside their scope gets an
	// empty file, as the list is empty.
	b, _ = e.login("sec1").download(fmt.Sprintf("/members/export?format=csv&org=%d", e.br2.ID), 200)
	if rows = readExport(t, b, "m.csv", tabular.Members); len(rows) != 0 {
		t.Fatalf("outside the scope: %v", rows)
	}

	// Surveys: a grid worker sees their grid's; phones masked; employer codes.
	b, _ = e.login("worker").download("/surveys/export?format=csv", 200)
	rows = readExport(t, b, "s.csv", tabular.Surveys)
	if len(rows) != 1 || rows[0]["name"] != "排摸甲" || rows[0]["enterprise"] != e.entA1.USCC ||
		rows[0]["phone"] != "139****1111" || rows[0]["willingness"] != "愿意转入" {
		t.Fatalf("worker's surveys: %v", rows)
	}
	e.checkAudit("surveys", "worker", 1)
	b, _ = admin.download("/surveys/export?format=csv&willingness="+model.WillingNo, 200)
	if rows = readExport(t, b, "s.csv", tabular.Surveys); len(rows) != 1 || rows[0]["name"] != "排摸乙" {
		t.Fatalf("survey filter: %v", rows)
	}

	// Transfers: the sending secretary sees it, the other branch does not;
	// a letter number starting with = is guarded in CSV.
	b, _ = e.login("sec1").download("/transfers/export?format=csv", 200)
	rows = readExport(t, b, "t.csv", tabular.Transfers)
	if len(rows) != 1 || rows[0]["member_name"] != "蒋文" || !strings.Contains(rows[0]["member_id_masked"], "****") ||
		rows[0]["kind"] != "转出" || rows[0]["dues_paid_to"] != "2021-07" || rows[0]["issued_on"] != "2021-08-25" ||
		!strings.Contains(string(b), "'=城西〔2021〕8号") {
		t.Fatalf("secretary's transfers: %v\n%s", rows, b)
	}
	e.checkAudit("transfers", "sec1", 1)
	b, _ = e.login("sec2").download("/transfers/export?format=xlsx", 200)
	if rows = readExport(t, b, "t.xlsx", tabular.Transfers); len(rows) != 0 {
		t.Fatalf("other branch's transfers: %v", rows)
	}
	admin.download("/transfers/export?format=csv&org=99999", http.StatusUnprocessableEntity)
	e.login("worker").download("/transfers/export", http.StatusForbidden)

	// The audit log: the admin's filter applies; nobody else may.
	b, _ = admin.download("/admin/audit/export?format=csv&action=export.members", 200)
	rows = readExport(t, b, "a.csv", tabular.AuditLog)
	if len(rows) != 3 || rows[0]["action"] != "export.members" || rows[0]["actor"] != "sec1" || !strings.Contains(rows[0]["after"], `"rows":0`) {
		t.Fatalf("audit export: %v", rows)
	}
	e.checkAudit("audit", "admin", 3)
	e.login("worker").download("/admin/audit/export", http.StatusForbidden)

	// Every list page links to its export with the current filter.
	for page, want := range map[string]string{
		"/grids": `href="/grids/export?format=xlsx"`,
		"/organizations?kind=" + url.QueryEscape(e.br1.Kind): `href="/organizations/export?format=csv&amp;kind=`,
		"/members?status=normal":                             `href="/members/export?format=csv&amp;status=normal"`,
		"/surveys?willingness=willing":                       `href="/surveys/export?format=xlsx&amp;willingness=willing"`,
		"/transfers?kind=out":                                `href="/transfers/export?format=csv&amp;kind=out"`,
		"/admin/audit?action=export.":                        `href="/admin/audit/export?action=export.&amp;format=xlsx"`,
		"/enterprises?above_scale=1":                         `href="/enterprises/export?above_scale=1&amp;format=csv"`,
	} {
		if body := admin.get(page, 200); !strings.Contains(body, want) {
			t.Errorf("%s lacks %s", page, want)
		}
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// The API lists answer ?format= with the file, in the caller's scope and
// with the list's filter; a bad format is a JSON validation error.
func TestAPIListExports(t *testing.T) {
	e := newPartyEnv(t)
	for i := range 3 {
		storetest2(t, e, i)
	}
	worker := e.apiLogin("worker")
	admin := e.apiLogin("admin")
	cases := []struct {
		path string
		spec *tabular.Spec
		want int
	}{
		{"/api/v1/enterprises?format=csv", tabular.Enterprises, 4}, // A1: entA1 and three more
		{"/api/v1/enterprises?format=xlsx&q=" + url.QueryEscape("导出"), tabular.Enterprises, 3},
		{"/api/v1/grids?format=csv-gb18030", tabular.Grids, 1},
		{"/api/v1/organizations?format=csv", tabular.Organizations, 1}, // BR1 covers entA1 in A1
		{"/api/v1/members?format=xlsx", tabular.Members, 0},
		{"/api/v1/surveys?format=csv", tabular.Surveys, 0},
	}
	for _, c := range cases {
		b, h := worker.fetch(c.path, 200)
		if !strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''") || strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Errorf("%s: headers %v", c.path, h)
		}
		name := "x." + map[bool]string{true: "xlsx", false: "csv"}[strings.Contains(c.path, "xlsx")]
		if rows := readExport(t, b, name, c.spec); len(rows) != c.want {
			t.Errorf("%s: %d rows, want %d", c.path, len(rows), c.want)
		}
	}
	e.checkAudit("surveys", "worker", 0)
	// Without format the list is JSON as before.
	if code, body := worker.call("GET", "/api/v1/enterprises", ""); code != 200 || !strings.Contains(body, `"items"`) {
		t.Fatalf("JSON list: %d %s", code, body)
	}
	code, body := worker.call("GET", "/api/v1/enterprises?format=pdf", "")
	if code != http.StatusUnprocessableEntity || decodeErr(t, body).Error.Fields["format"] == "" {
		t.Fatalf("bad format: %d %s", code, body)
	}
	// The transfer list needs transfer rights, JSON or file.
	if code, _ := worker.call("GET", "/api/v1/transfers?format=csv", ""); code != http.StatusForbidden {
		t.Fatalf("worker transfers: %d", code)
	}
	b, _ := admin.fetch("/api/v1/transfers?format=csv&state=received", 200)
	if rows := readExport(t, b, "t.csv", tabular.Transfers); len(rows) != 0 {
		t.Fatalf("transfers: %v", rows)
	}
}

func storetest2(t *testing.T, e *partyEnv, i int) {
	t.Helper()
	storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 300+i, fmt.Sprintf("永康市导出%d有限公司", i))
}

// The streaming xlsx writer's files open in excelize as well as in the
// importer's reader: header styled, codes as text, numbers as numbers,
// dates as dates, markup and control characters escaped.
func TestExportXLSXOpensInExcelize(t *testing.T) {
	e := newEnv(t)
	storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 900, `永康"<&>"`+"\x01有限公司")
	b, _ := e.login("admin").download("/enterprises/export?format=xlsx", 200)
	x, err := excelize.OpenReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) != 1 || sheets[0] != "企业名录" {
		t.Fatalf("sheets %v", sheets)
	}
	got, err := x.GetRows(sheets[0])
	if err != nil || len(got) != 2 {
		t.Fatalf("rows %v %v", got, err)
	}
	if got[0][0] != "统一社会信用代码" || got[1][1] != `永康"<&>"有限公司` || len(got[1][0]) != 18 {
		t.Fatalf("cells %q", got)
	}
	typ, _ := x.GetCellType(sheets[0], "J2")
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("employees cell type %v", typ)
	}
	st, _ := x.GetCellStyle(sheets[0], "A2")
	style, err := x.GetStyle(st)
	if err != nil || style.NumFmt != 49 {
		t.Errorf("credit code style %+v %v", style, err)
	}
}
