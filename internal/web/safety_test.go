package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/storetest"
)

func TestSafetyAPI(t *testing.T) {
	e := newEnv(t) // clock: 2021-08-25
	ent := storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 601, "城西五金有限公司")
	entB := storetest.MustEnterprise(t, e.s, e.f.GridB1.ID, e.f.Industry.ID, 602, "西区门业有限公司")
	storetest.MustUser(t, e.s, "workerb", model.RoleGridWorker, e.f.GridB1.ID)
	storetest.MustUser(t, e.s, "keeper", model.RoleStationKeeper)
	worker, workerB, dept, sec := e.apiLogin("worker"), e.apiLogin("workerb"), e.apiLogin("anjian"), e.apiLogin("keeper")

	// Field errors, never a 500.
	status, out := worker.call("POST", "/api/v1/safety", fmt.Sprintf(`{"enterprise_id":%d,"kind":"incident","occurred_on":"2021-09-01",
		"description":"","deaths":3,"severity":"general"}`, ent.ID))
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("bad incident: %d %s", status, out)
	}
	fe := decodeErr(t, out).Error.Fields
	for _, f := range []string{"occurred_on", "description", "severity"} {
		if fe[f] == "" {
			t.Errorf("no field error for %s: %v", f, fe)
		}
	}
	if status, out = worker.call("POST", "/api/v1/safety", `{"kind":`); status != http.StatusBadRequest {
		t.Fatalf("malformed JSON: %d %s", status, out)
	}
	// Another grid's enterprise is unknown to the worker.
	status, out = worker.call("POST", "/api/v1/safety", fmt.Sprintf(`{"enterprise_id":%d,"kind":"inspection","occurred_on":"2021-08-01","description":"检查"}`, entB.ID))
	if status != http.StatusUnprocessableEntity || decodeErr(t, out).Error.Fields["enterprise_id"] == "" {
		t.Fatalf("other grid's enterprise: %d %s", status, out)
	}

	status, out = worker.call("POST", "/api/v1/safety", fmt.Sprintf(`{"enterprise_id":%d,"kind":"violation","occurred_on":"2021-08-20",
		"description":"配电箱未上锁","hazard_level":"major"}`, ent.ID))
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, out)
	}
	var rec model.SafetyRecord
	json.Unmarshal([]byte(out), &rec)
	if !rec.Open || rec.GridID != e.f.GridA1.ID || rec.EnterpriseName != ent.Name {
		t.Fatalf("created: %s", out)
	}
	path := "/api/v1/safety/" + strconv.FormatInt(rec.ID, 10)

	// Lists and filters.
	var page struct {
		Items []model.SafetyRecord `json:"items"`
	}
	status, out = worker.call("GET", "/api/v1/safety?open=1&kind=violation&from=2021-08-01&to=2021-08-31", "")
	json.Unmarshal([]byte(out), &page)
	if status != 200 || len(page.Items) != 1 {
		t.Fatalf("list: %d %s", status, out)
	}
	if status, out = worker.call("GET", "/api/v1/safety?kind=fire&from=2021-02-30", ""); status != http.StatusUnprocessableEntity ||
		decodeErr(t, out).Error.Fields["from"] == "" {
		t.Fatalf("bad filter: %d %s", status, out)
	}
	status, out = workerB.call("GET", "/api/v1/safety", "")
	json.Unmarshal([]byte(out), &page)
	if status != 200 || len(page.Items) != 0 {
		t.Fatalf("other grid lists: %d %s", status, out)
	}
	if status, _ = workerB.call("GET", path, ""); status != http.StatusNotFound {
		t.Fatalf("other grid reads: %d", status)
	}
	// 安监 reads everything; a role without the permission gets 403.
	if status, _ = dept.call("GET", path, ""); status != 200 {
		t.Fatalf("安监 reads: %d", status)
	}
	if status, _ = sec.call("GET", "/api/v1/safety", ""); status != http.StatusForbidden {
		t.Fatalf("station keeper lists: %d", status)
	}
	if status, _ = sec.call("POST", "/api/v1/safety", `{}`); status != http.StatusForbidden {
		t.Fatalf("station keeper creates: %d", status)
	}

	// Replace: version required, stale → 409.
	body := `{"occurred_on":"2021-08-19","description":"配电箱未上锁，线路老化","hazard_level":"major"%s}`
	if status, out = worker.call("PUT", path, fmt.Sprintf(body, "")); status != http.StatusUnprocessableEntity {
		t.Fatalf("no version: %d %s", status, out)
	}
	if status, out = worker.call("PUT", path, fmt.Sprintf(body, `,"version":1`)); status != 200 {
		t.Fatalf("update: %d %s", status, out)
	}
	if status, out = worker.call("PUT", path, fmt.Sprintf(body, `,"version":1`)); status != http.StatusConflict {
		t.Fatalf("stale update: %d %s", status, out)
	}
	// Rectify.
	if status, out = worker.call("POST", path+"/rectify", `{"rectified_on":"2021-08-18","note":"已上锁","version":2}`); status != http.StatusUnprocessableEntity ||
		decodeErr(t, out).Error.Fields["rectified_on"] == "" {
		t.Fatalf("rectified before found: %d %s", status, out)
	}
	status, out = worker.call("POST", path+"/rectify", `{"rectified_on":"2021-08-24","note":"已上锁，更换线路","version":2}`)
	json.Unmarshal([]byte(out), &rec)
	if status != 200 || rec.Open || rec.RectifiedOn == nil {
		t.Fatalf("rectify: %d %s", status, out)
	}
	// Export with the list's filter.
	status, out = worker.call("GET", "/api/v1/safety?format=csv&kind=violation", "")
	if status != 200 || !strings.Contains(out, "配电箱未上锁，线路老化") || !strings.Contains(out, "重大隐患") {
		t.Fatalf("export: %d %s", status, out)
	}
	// Delete: version required, then gone.
	if status, _ = worker.call("DELETE", path, ""); status != http.StatusUnprocessableEntity {
		t.Fatalf("delete without version: %d", status)
	}
	if status, out = worker.call("DELETE", path+"?version="+strconv.Itoa(rec.Version), ""); status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", status, out)
	}
	if status, _ = worker.call("GET", path, ""); status != http.StatusNotFound {
		t.Fatalf("deleted: %d", status)
	}
}

func TestSafetyPages(t *testing.T) {
	e := newEnv(t)
	ent := storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 611, "城西电器有限公司")
	storetest.MustUser(t, e.s, "keeper", model.RoleStationKeeper)
	c := e.login("worker")
	entPath := "/enterprises/" + strconv.FormatInt(ent.ID, 10)

	if page := c.get("/safety", 200); !strings.Contains(page, `id="empty"`) || !strings.Contains(page, "/safety/export?format=xlsx") {
		t.Fatalf("empty list:\n%s", trim(page))
	}
	page := c.get(entPath, 200)
	if !strings.Contains(page, `id="safety"`) || !strings.Contains(page, "/safety/new?enterprise="+strconv.FormatInt(ent.ID, 10)) {
		t.Fatalf("enterprise page has no safety section:\n%s", trim(page))
	}
	newPath := "/safety/new?enterprise=" + strconv.FormatInt(ent.ID, 10)
	if f := c.get(newPath+"&kind=violation", 200); !strings.Contains(f, `id="violation-fields"`) || strings.Contains(f, `id="incident-fields"`) {
		t.Fatalf("violation form:\n%s", trim(f))
	}
	if f := c.get(newPath+"&kind=incident", 200); !strings.Contains(f, `id="incident-fields"`) || strings.Contains(f, `id="violation-fields"`) {
		t.Fatalf("incident form:\n%s", trim(f))
	}
	c.get("/safety/new?enterprise=999999", 404)

	form := url.Values{"enterprise_id": {strconv.FormatInt(ent.ID, 10)}, "kind": {"violation"}, "occurred_on": {"2021-08-20"},
		"hazard_level": {"ordinary"}}
	status, body := c.postBody("/safety", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-description"`) {
		t.Fatalf("missing description: %d\n%s", status, trim(body))
	}
	form.Set("deaths", "x")
	if status, body = c.postBody("/safety", form); status != http.StatusUnprocessableEntity {
		t.Fatalf("bad number: %d\n%s", status, trim(body))
	}
	form.Del("deaths")
	form.Set("description", "仓库消防通道堆放原料")
	form.Set("raise_problem", "1")
	resp := c.post("/safety", form)
	loc := resp.Header.Get("Location")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/safety/") {
		t.Fatalf("create: %d %s", resp.StatusCode, loc)
	}
	show := c.get(loc, 200)
	if !strings.Contains(show, `id="rectify-form"`) || !strings.Contains(show, `href="/problems/`) || strings.Contains(show, `id="raise-form"`) {
		t.Fatalf("record page:\n%s", trim(show))
	}
	if list := c.get("/safety?open=1", 200); !strings.Contains(list, "仓库消防通道堆放原料") {
		t.Fatalf("open list:\n%s", trim(list))
	}
	// Rectify with a bad date, then properly.
	status, body = c.postBody(loc+"/rectify", url.Values{"rectified_on": {"2021-08-01"}, "note": {"已清理"}, "version": {"1"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-rectified_on"`) {
		t.Fatalf("rectify before: %d\n%s", status, trim(body))
	}
	resp = c.post(loc+"/rectify", url.Values{"rectified_on": {"2021-08-22"}, "note": {"已清理"}, "version": {"1"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("rectify: %d", resp.StatusCode)
	}
	if show = c.get(loc, 200); strings.Contains(show, `id="rectify-form"`) || !strings.Contains(show, `id="d-rectified"`) {
		t.Fatalf("rectified page:\n%s", trim(show))
	}
	// Stale edit → 409 with the form again.
	edit := c.get(loc+"/edit", 200)
	if !strings.Contains(edit, "仓库消防通道堆放原料") {
		t.Fatalf("edit form:\n%s", trim(edit))
	}
	status, body = c.postBody(loc, url.Values{"occurred_on": {"2021-08-20"}, "description": {"改"}, "hazard_level": {"ordinary"}, "version": {"1"}})
	if status != http.StatusConflict {
		t.Fatalf("stale edit: %d\n%s", status, trim(body))
	}
	// An incident and its severity in the list; the enterprise page lists both.
	resp = c.post("/safety", url.Values{"enterprise_id": {strconv.FormatInt(ent.ID, 10)}, "kind": {"incident"}, "occurred_on": {"2021-08-23"},
		"description": {"叉车碰撞"}, "serious_injuries": {"1"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("incident: %d", resp.StatusCode)
	}
	if list := c.get("/safety?kind=incident&severity=general", 200); !strings.Contains(list, "叉车碰撞") || !strings.Contains(list, "一般事故") {
		t.Fatalf("incident list:\n%s", trim(list))
	}
	if page = c.get(entPath, 200); !strings.Contains(page, "叉车碰撞") || !strings.Contains(page, "仓库消防通道堆放原料") {
		t.Fatalf("enterprise section:\n%s", trim(page))
	}
	if list := c.get("/safety?sort=sideways", 422); !strings.Contains(list, "safety-search") {
		t.Fatalf("bad sort:\n%s", trim(list))
	}
	// Delete with confirmation.
	c.get(loc+"/delete", 200)
	resp = c.post(loc+"/delete", url.Values{"version": {"2"}, "reason": {"重复登记"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	c.get(loc, 404)

	// A role without the permission: 403, and no menu entry.
	s := e.login("keeper")
	s.get("/safety", 403)
	if home := s.get("/", 200); strings.Contains(home, `href="/safety"`) {
		t.Fatal("station keeper sees the safety menu")
	}
	if home := c.get("/", 200); !strings.Contains(home, `href="/safety"`) {
		t.Fatal("worker has no safety menu")
	}
}

// 安监 staff keep the register zone-wide (rectify, edit) but register no
// problems; grid staff do both.
func TestSafetyDepartmentPage(t *testing.T) {
	e := newEnv(t)
	ent := storetest.MustEnterprise(t, e.s, e.f.GridB1.ID, e.f.Industry.ID, 621, "西区铸造有限公司")
	rec, err := e.s.CreateSafety(bg, model.System, model.SafetyInput{EnterpriseID: ent.ID, Kind: model.SafetyViolation,
		OccurredOn: "2021-08-02", Description: "熔炼炉旁堆放易燃物", HazardLevel: "ordinary"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/safety/" + strconv.FormatInt(rec.ID, 10)
	d := e.login("anjian")
	if page := d.get(path, 200); !strings.Contains(page, `id="rectify-form"`) || strings.Contains(page, `id="raise-form"`) {
		t.Fatalf("安监 record page:\n%s", trim(page))
	}
	if page := e.login("admin").get(path, 200); !strings.Contains(page, `id="raise-form"`) {
		t.Fatalf("admin record page:\n%s", trim(page))
	}
	e.login("worker").get(path, 404) // grid A1's worker: another grid
}
