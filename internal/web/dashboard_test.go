package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// statsEnv adds two 规上 enterprises (grids A1 and B1) with output values
// for August 2020 and 2021, and one below size.
func statsEnv(t *testing.T) (*env, model.Enterprise, model.Enterprise) {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	mk := func(grid int64, n int, name string, above bool) model.Enterprise {
		en, err := e.s.CreateEnterprise(ctx, model.System, store.EnterpriseInput{USCC: storetest.USCC(n), Name: name,
			IndustryID: e.f.Industry.ID, GridID: grid, AboveScale: above, Status: model.StatusOperating})
		if err != nil {
			t.Fatal(err)
		}
		return en
	}
	a := mk(e.f.GridA1.ID, 1, "甲机械有限公司", true)
	b := mk(e.f.GridB1.ID, 2, "乙门业有限公司", true)
	mk(e.f.GridB1.ID, 3, "丙五金厂", false)
	set := func(en model.Enterprise, month string, yuan int64, orders *int64) {
		if err := e.s.SetOutputValue(ctx, model.System, store.OutputValueInput{EnterpriseID: en.ID, Month: month, ValueYuan: yuan, OrdersYuan: orders}); err != nil {
			t.Fatal(err)
		}
	}
	o20, o21 := int64(800_000), int64(1_000_000)
	set(a, "2020-08", 40_000_000, &o20)
	set(a, "2021-08", 60_000_000, &o21)
	set(b, "2021-08", 30_000_000, nil) // no figure the year before
	return e, a, b
}

func TestDashboardAPIAndExport(t *testing.T) {
	e, _, _ := statsEnv(t)
	admin := e.apiLogin("admin")
	status, body := admin.call("GET", "/api/v1/stats?month=2021-08", "")
	if status != http.StatusOK {
		t.Fatalf("stats: %d %s", status, body)
	}
	var fig struct {
		Month       string `json:"month"`
		Enterprises int    `json:"enterprises"`
		AboveScale  int    `json:"above_scale"`
		Output      struct {
			YTD    int64 `json:"ytd_yuan"`
			Prev   int64 `json:"prev_ytd_yuan"`
			Growth struct {
				Percent *float64 `json:"percent"`
				Reason  string   `json:"reason"`
			} `json:"growth"`
			ByGrid []struct {
				Name string `json:"name"`
				YTD  int64  `json:"ytd_yuan"`
			} `json:"by_grid"`
		} `json:"output"`
	}
	if err := json.Unmarshal([]byte(body), &fig); err != nil {
		t.Fatal(err)
	}
	if fig.Month != "2021-08" || fig.Enterprises != 3 || fig.AboveScale != 2 || fig.Output.YTD != 90_000_000 || fig.Output.Prev != 40_000_000 ||
		fig.Output.Growth.Percent == nil || *fig.Output.Growth.Percent != 125 || len(fig.Output.ByGrid) != 2 {
		t.Fatalf("zone figures: %s", body)
	}
	// Grid B1: its output has no figure for last year: "—" with the reason, not 0 % or NaN.
	status, body = admin.call("GET", "/api/v1/stats?month=2021-08&grid="+sid(e.f.GridB1.ID), "")
	if status != http.StatusOK || !strings.Contains(body, `"percent":null`) || !strings.Contains(body, "stats.reason.no_prev") ||
		strings.Contains(body, "NaN") {
		t.Fatalf("grid B1: %d %s", status, body)
	}
	if err := json.Unmarshal([]byte(body), &fig); err != nil || fig.Enterprises != 2 || fig.Output.YTD != 30_000_000 {
		t.Fatalf("grid B1 figures: %v %s", err, body)
	}
	// Bad months: a field error naming month.
	for _, q := range []string{"month=2021-13", "month=2021-09", "month=2019-12", "month=abc", "grid=x"} {
		status, body = admin.call("GET", "/api/v1/stats?"+q, "")
		field := "month"
		if strings.HasPrefix(q, "grid") {
			field = "grid"
		}
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: %d %s", q, status, body)
		}
		if er := decodeErr(t, body); er.Error.Fields[field] == "" {
			t.Fatalf("%s: no %s field in %s", q, field, body)
		}
	}
	// A grid worker of A1 sees A1 only; B1 is not found.
	worker := e.apiLogin("worker")
	status, body = worker.call("GET", "/api/v1/stats?month=2021-08", "")
	if err := json.Unmarshal([]byte(body), &fig); status != http.StatusOK || err != nil || fig.Enterprises != 1 || fig.Output.YTD != 60_000_000 {
		t.Fatalf("worker: %d %s", status, body)
	}
	if status, _ = worker.call("GET", "/api/v1/stats?grid="+sid(e.f.GridB1.ID), ""); status != http.StatusNotFound {
		t.Fatalf("worker asks for B1: %d", status)
	}

	// The page: figures with links; a bad month is a message, not a 500.
	c := e.login("admin")
	page := c.get("/dashboard?month=2021-08", http.StatusOK)
	for _, want := range []string{`id="fig-enterprises">3<`, `id="fig-above">2<`, "9000.0 万元", "125.0%", `id="dash-charts"`, "vendor/echarts/echarts.min.js",
		`href="/enterprises?above_scale=1"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("dashboard lacks %q", want)
		}
	}
	page = c.get("/dashboard?month=2021-09", http.StatusUnprocessableEntity)
	if !strings.Contains(page, "不能晚于本月") {
		t.Fatal("future month: no message")
	}
	c.get("/dashboard/screen?month=2021-08", http.StatusOK)
	if js := c.get("/dashboard/screen.json?month=2021-08", http.StatusOK); !strings.Contains(js, `"enterprises":"3"`) || !strings.Contains(js, `"charts"`) {
		t.Fatalf("screen json: %s", js)
	}

	// The export: the same figures as the API.
	resp := c.do(mustReq("GET", e.srv.URL+"/dashboard/export?format=xlsx&month=2021-08"))
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) > 2 && r[1] == "规上工业总产值（本年累计）" && r[2] == "90000000" {
			found = true
		}
	}
	if !found {
		t.Fatalf("export rows lack the YTD output: %v", rows)
	}
	// A department user may read figures but has no party figures.
	dept := e.apiLogin("anjian")
	if status, body = dept.call("GET", "/api/v1/stats?month=2021-08", ""); status != http.StatusOK || strings.Contains(body, `"party"`) {
		t.Fatalf("department: %d %s", status, body)
	}
}

func mustReq(method, u string) *http.Request {
	r, err := http.NewRequest(method, u, nil)
	if err != nil {
		panic(err)
	}
	return r
}

func TestOutputEntry(t *testing.T) {
	e, a, _ := statsEnv(t)
	c := e.login("admin")
	c.get("/output?month=2021-08", http.StatusOK)
	// Bad input: negative, not a number, unknown code, future month.
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"uscc": {a.USCC}, "month": {"2021-07"}, "value": {"-5"}}, "范围"},
		{url.Values{"uscc": {a.USCC}, "month": {"2021-07"}, "value": {"十万"}}, "万元"},
		{url.Values{"uscc": {"91330784000000000X"}, "month": {"2021-07"}, "value": {"5"}}, "91330784000000000X"},
		{url.Values{"uscc": {a.USCC}, "month": {"2021-09"}, "value": {"5"}}, "month"},
	} {
		status, body := c.postBody("/output?month=2021-08", tc.form)
		if status != http.StatusUnprocessableEntity || (tc.want != "month" && !strings.Contains(body, tc.want)) {
			t.Fatalf("%v: %d (want %q)", tc.form, status, tc.want)
		}
	}
	resp := c.post("/output?month=2021-08", url.Values{"uscc": {a.USCC}, "month": {"2021-07"}, "value": {"1234.5678"}, "orders": {"100"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	api := e.apiLogin("admin")
	status, body := api.call("GET", "/api/v1/enterprises/"+sid(a.ID)+"/output-values", "")
	if status != http.StatusOK || !strings.Contains(body, `"value_yuan":12345678`) || !strings.Contains(body, `"orders_yuan":1000000`) {
		t.Fatalf("output values: %d %s", status, body)
	}
	// The API: negative is a field error; a grid worker may not write.
	status, body = api.call("POST", "/api/v1/output-values", `{"enterprise_id":`+sid(a.ID)+`,"month":"2021-06","value_yuan":-1}`)
	if status != http.StatusUnprocessableEntity || decodeErr(t, body).Error.Fields["value"] == "" {
		t.Fatalf("negative: %d %s", status, body)
	}
	status, body = api.call("POST", "/api/v1/output-values", `{"enterprise_id":`+sid(a.ID)+`,"month":"2021-06","value_yuan":"many"}`)
	if status != http.StatusBadRequest && status != http.StatusUnprocessableEntity {
		t.Fatalf("not a number: %d %s", status, body)
	}
	if status, _ = e.apiLogin("worker").call("POST", "/api/v1/output-values", `{"enterprise_id":`+sid(a.ID)+`,"month":"2021-06","value_yuan":1}`); status != http.StatusForbidden {
		t.Fatalf("worker writes output: %d", status)
	}
}

func sid(n int64) string { return strconv.FormatInt(n, 10) }

// Safety figures: the dashboard's count of major accidents and the days
// since the last one, per grid, within scope.
func TestSafetyOnDashboardAndByGrid(t *testing.T) {
	e, a, b := statsEnv(t)
	ctx := context.Background()
	if _, err := e.s.CreateSafety(ctx, model.System, model.SafetyInput{EnterpriseID: a.ID, Kind: "inspection", OccurredOn: "2021-03-02",
		Description: "消防检查"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.CreateSafety(ctx, model.System, model.SafetyInput{EnterpriseID: b.ID, Kind: "incident", OccurredOn: "2021-06-10",
		Description: "冲床伤人事故", Deaths: 10}); err != nil {
		t.Fatal(err)
	}
	c := e.login("admin")
	page := c.get("/dashboard?month=2021-08", http.StatusOK)
	if !strings.Contains(page, `id="fig-major">1<`) || !strings.Contains(page, `id="fig-days-safe">`) {
		t.Fatal("dashboard lacks the major accident")
	}
	page = c.get("/safety/grids?month=2021-08", http.StatusOK)
	if !strings.Contains(page, "西一网格") || !strings.Contains(page, `id="sg-major">1<`) {
		t.Fatal("safety by grid page")
	}
	api := e.apiLogin("admin")
	st, body := api.call("GET", "/api/v1/safety/grids?month=2021-08", "")
	var out struct {
		Items []struct {
			GridID         int64 `json:"grid_id"`
			Major          int   `json:"major"`
			DaysSinceMajor *int  `json:"days_since_major"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &out); st != http.StatusOK || err != nil {
		t.Fatalf("api: %d %s", st, body)
	}
	found := false
	for _, it := range out.Items {
		if it.GridID == e.f.GridB1.ID {
			found = it.Major == 1 && it.DaysSinceMajor != nil && *it.DaysSinceMajor == 82 // 10 June → 31 August
		}
	}
	if !found {
		t.Fatalf("grid B1: %s", body)
	}
	// The worker of A1 sees no major accident in their grid.
	w := e.login("worker")
	if p := w.get("/dashboard?month=2021-08", http.StatusOK); !strings.Contains(p, `id="fig-major">0<`) {
		t.Fatal("worker's dashboard counts another grid's accident")
	}
}
