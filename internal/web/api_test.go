package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func TestAPIEnterprises(t *testing.T) {
	e := newEnv(t)
	a := e.apiLogin("admin")
	body := fmt.Sprintf(`{"uscc":%q,"name":"浙江安德电器有限公司","short_name":"安德","industry_id":%d,"grid_id":%d,"employees":320,"above_scale":true}`,
		storetest.USCC(5), e.f.Industry.ID, e.f.GridA1.ID)
	code, resp := a.call("POST", "/api/v1/enterprises", body)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, resp)
	}
	var ent struct {
		ID      int64  `json:"id"`
		Version int    `json:"version"`
		Name    string `json:"name"`
	}
	_ = json.Unmarshal([]byte(resp), &ent)

	cases := []struct {
		name, method, path, body string
		status                   int
		code, field              string
	}{
		{"bad check char", "POST", "/api/v1/enterprises", fmt.Sprintf(`{"uscc":"91330784MA2E8XKB0A","name":"x","industry_id":%d,"grid_id":%d}`, e.f.Industry.ID, e.f.GridA1.ID), 422, "invalid", "uscc"},
		{"wrong length", "POST", "/api/v1/enterprises", fmt.Sprintf(`{"uscc":"9133","name":"x","industry_id":%d,"grid_id":%d}`, e.f.Industry.ID, e.f.GridA1.ID), 422, "invalid", "uscc"},
		{"duplicate", "POST", "/api/v1/enterprises", body, 409, "conflict", "uscc"},
		{"unknown field", "POST", "/api/v1/enterprises", `{"nmae":"typo"}`, 400, "bad_request", ""},
		{"malformed", "POST", "/api/v1/enterprises", `{"name":`, 400, "bad_request", ""},
		{"wrong type", "POST", "/api/v1/enterprises", `{"employees":"many"}`, 400, "bad_request", ""},
		{"trailing", "POST", "/api/v1/enterprises", `{} {}`, 400, "bad_request", ""},
		{"patch without version", "PATCH", fmt.Sprintf("/api/v1/enterprises/%d", ent.ID), `{"name":"x"}`, 422, "invalid", "version"},
		{"stale patch", "PATCH", fmt.Sprintf("/api/v1/enterprises/%d", ent.ID), `{"name":"x","version":99}`, 409, "conflict", ""},
		{"missing", "GET", "/api/v1/enterprises/99999", "", 404, "not_found", ""},
		{"bad sort", "GET", "/api/v1/enterprises?sort=evil", "", 422, "invalid", "sort"},
		{"bad cursor", "GET", "/api/v1/enterprises?cursor=!!", "", 422, "invalid", "cursor"},
		{"bad coords", "POST", "/api/v1/enterprises", fmt.Sprintf(`{"uscc":%q,"name":"y","industry_id":%d,"grid_id":%d,"lat":91,"lng":120}`, storetest.USCC(6), e.f.Industry.ID, e.f.GridA1.ID), 422, "invalid", "lat"},
		{"no route", "GET", "/api/v1/nothing", "", 404, "not_found", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := a.call(c.method, c.path, c.body)
			if status != c.status {
				t.Fatalf("status %d want %d: %s", status, c.status, body)
			}
			er := decodeErr(t, body)
			if er.Error.Code != c.code || er.Error.Message == "" {
				t.Fatalf("envelope %+v", er)
			}
			if c.field != "" && er.Error.Fields[c.field] == "" {
				t.Fatalf("no message for field %s: %+v", c.field, er)
			}
		})
	}
	// A good patch bumps the version; the list finds it by its short name.
	code, resp = a.call("PATCH", fmt.Sprintf("/api/v1/enterprises/%d", ent.ID), `{"employees":330,"version":1}`)
	if code != 200 || !strings.Contains(resp, `"version":2`) || !strings.Contains(resp, `"employees":330`) {
		t.Fatalf("patch: %d %s", code, resp)
	}
	code, resp = a.call("GET", "/api/v1/enterprises?q=%E5%AE%89%E5%BE%B7&total=1", "")
	if code != 200 || !strings.Contains(resp, "浙江安德电器有限公司") || !strings.Contains(resp, `"total":1`) {
		t.Fatalf("search: %d %s", code, resp)
	}
	// Body over 10 MB → 413.
	big := `{"name":"` + strings.Repeat("a", 11<<20) + `"}`
	if code, resp := a.call("POST", "/api/v1/enterprises", big); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("big body: %d %s", code, trim(resp))
	}
	// Delete needs the version; then the record is gone from the list.
	if code, _ := a.call("DELETE", fmt.Sprintf("/api/v1/enterprises/%d?version=2", ent.ID), ""); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if _, resp := a.call("GET", "/api/v1/enterprises", ""); strings.Contains(resp, "安德") {
		t.Fatal("deleted enterprise still listed")
	}
}

func TestAPIAuthAndScope(t *testing.T) {
	e := newEnv(t)
	other := storetest.MustEnterprise(t, e.s, e.f.GridB1.ID, e.f.Industry.ID, 9, "西一不锈钢有限公司")
	anon := &api{e: e}
	if code, _ := anon.call("GET", "/api/v1/enterprises", ""); code != 401 {
		t.Fatalf("anonymous list: %d", code)
	}
	bad := &api{e: e, token: "forged"}
	if code, body := bad.call("GET", "/api/v1/enterprises", ""); code != 401 || decodeErr(t, body).Error.Code != "unauthorized" {
		t.Fatalf("forged token: %d", code)
	}
	if code, body := anon.call("POST", "/api/v1/session", `{"username":"worker","password":"wrong-Pass-9"}`); code != 401 {
		t.Fatalf("bad login: %d %s", code, body)
	}
	w := e.apiLogin("worker")
	if code, _ := w.call("GET", fmt.Sprintf("/api/v1/enterprises/%d", other.ID), ""); code != 404 {
		t.Fatalf("out-of-scope get: %d", code)
	}
	if code, body := w.call("PATCH", fmt.Sprintf("/api/v1/enterprises/%d", other.ID), `{"name":"hijack","version":1}`); code != 404 {
		t.Fatalf("out-of-scope patch: %d %s", code, body)
	}
	code, body := w.call("POST", "/api/v1/enterprises", fmt.Sprintf(`{"uscc":%q,"name":"越界公司","industry_id":%d,"grid_id":%d}`,
		storetest.USCC(10), e.f.Industry.ID, e.f.GridB1.ID))
	if code != 422 || decodeErr(t, body).Error.Fields["grid_id"] == "" {
		t.Fatalf("create outside scope: %d %s", code, body)
	}
	if code, _ := w.call("POST", "/api/v1/grids", `{"code":"X","name":"x","level":"zone"}`); code != 403 {
		t.Fatalf("worker creating a grid: %d", code)
	}
	_, body = w.call("GET", "/api/v1/enterprises", "")
	if strings.Contains(body, "西一不锈钢") {
		t.Fatal("worker sees another grid's enterprise")
	}
	// Department staff read everything but write nothing.
	d := e.apiLogin("anjian")
	if _, body := d.call("GET", "/api/v1/enterprises", ""); !strings.Contains(body, "西一不锈钢") {
		t.Fatal("department cannot read")
	}
	if code, _ := d.call("POST", "/api/v1/enterprises", `{}`); code != 403 {
		t.Fatalf("department write: %d", code)
	}
	// Revoking the token ends it.
	if code, _ := w.call("DELETE", "/api/v1/session", ""); code != 204 {
		t.Fatalf("logout: %d", code)
	}
	if code, _ := w.call("GET", "/api/v1/me", ""); code != 401 {
		t.Fatalf("revoked token still works: %d", code)
	}
}

func TestAPIGrids(t *testing.T) {
	e := newEnv(t)
	a := e.apiLogin("admin")
	code, body := a.call("POST", "/api/v1/grids", fmt.Sprintf(`{"code":"A3","name":"东三网格","level":"grid","parent_id":%d}`, e.f.AreaA.ID))
	if code != 201 {
		t.Fatalf("create grid: %d %s", code, body)
	}
	code, body = a.call("POST", "/api/v1/grids", fmt.Sprintf(`{"code":"A4","name":"错层","level":"grid","parent_id":%d}`, e.f.Zone.ID))
	if code != 422 || decodeErr(t, body).Error.Fields["parent_id"] == "" {
		t.Fatalf("grid under zone: %d %s", code, body)
	}
	code, body = a.call("PATCH", fmt.Sprintf("/api/v1/grids/%d", e.f.GridA1.ID), `{"name":"东一网格（新）","version":1}`)
	if code != 200 || !strings.Contains(body, "东一网格（新）") {
		t.Fatalf("patch grid: %d %s", code, body)
	}
	w := e.apiLogin("worker")
	_, body = w.call("GET", "/api/v1/grids", "")
	if strings.Contains(body, "西一网格") || !strings.Contains(body, "东一网格") {
		t.Fatalf("worker grid scope: %s", body)
	}
}

func TestOpsEndpoints(t *testing.T) {
	e := newEnv(t)
	c := e.anon()
	if body := c.get("/healthz", 200); !strings.Contains(body, `"status":"ok"`) {
		t.Fatalf("healthz: %s", body)
	}
	e.login("admin").get("/enterprises", 200)
	m := c.get("/metrics", 200)
	for _, want := range []string{`route="GET /enterprises",status="200"`, "redgrid_http_request_duration_seconds_bucket", `redgrid_db_connections{pool="read"`} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics missing %s", want)
		}
	}
}

func TestReviewRegressions(t *testing.T) {
	e := newEnv(t)
	a := e.apiLogin("admin")
	// NUL and invalid UTF-8 are refused as malformed on both engines (PostgreSQL
	// cannot store them, so they must never reach a query).
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/enterprises?q=%E7%A7%91%00", ""},
		{"GET", "/api/v1/enterprises?q=%FF%FE", ""},
		{"POST", "/api/v1/enterprises", `{"name":"a\u0000b"}`},
		{"POST", "/api/v1/session", `{"username":"a\u0000b","password":"x"}`},
	} {
		status, body := a.call(c.method, c.path, c.body)
		if status != http.StatusBadRequest || decodeErr(t, body).Error.Code != "bad_request" {
			t.Errorf("%s %s: %d %s", c.method, c.path, status, body)
		}
	}
	// An account on a temporary password gets no API token.
	if _, err := e.s.CreateUser(context.Background(), model.System, store.UserInput{Username: "temp1", Role: model.RoleAdmin,
		Password: storetest.Password, MustChange: true}); err != nil {
		t.Fatal(err)
	}
	anon := &api{e: e}
	status, body := anon.call("POST", "/api/v1/session", `{"username":"temp1","password":"`+storetest.Password+`"}`)
	if status != http.StatusForbidden || !strings.Contains(body, "临时密码") {
		t.Fatalf("token for a temporary password: %d %s", status, body)
	}
}

func TestSafeRedirects(t *testing.T) {
	e := newEnv(t)
	c := e.anon()
	for _, next := range []string{"/%09/evil.example", "//evil.example", "/%5Cevil.example", "https://evil.example", "/%0a/evil"} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/lang/en?next="+next, nil)
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Errorf("next=%s redirected to %q", next, loc)
		}
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/lang/en?next=/enterprises%3Fq%3Dx", nil)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "/enterprises?q=x" {
		t.Errorf("a local next was not kept: %q", loc)
	}
}

func TestPatchClearsCoordinates(t *testing.T) {
	e := newEnv(t)
	a := e.apiLogin("admin")
	code, body := a.call("POST", "/api/v1/enterprises", fmt.Sprintf(`{"uscc":%q,"name":"坐标企业","industry_id":%d,"grid_id":%d,"lat":28.9,"lng":120.03}`,
		storetest.USCC(31), e.f.Industry.ID, e.f.GridA1.ID))
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	var ent struct{ ID int64 }
	_ = json.Unmarshal([]byte(body), &ent)
	path := fmt.Sprintf("/api/v1/enterprises/%d", ent.ID)
	// Absent fields keep their values.
	if code, body = a.call("PATCH", path, `{"employees":3,"version":1}`); code != 200 || !strings.Contains(body, `"lat":28.9`) {
		t.Fatalf("patch without coordinates: %d %s", code, body)
	}
	// Explicit nulls clear them.
	if code, body = a.call("PATCH", path, `{"lat":null,"lng":null,"version":2}`); code != 200 || !strings.Contains(body, `"lat":null`) {
		t.Fatalf("clearing coordinates: %d %s", code, body)
	}
	if code, body = a.call("PATCH", path, `{"lat":"north","version":3}`); code != 400 {
		t.Fatalf("a string latitude: %d %s", code, body)
	}
}
