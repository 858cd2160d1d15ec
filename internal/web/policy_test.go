package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/storetest"
)

func TestPolicyAPIFlowAndScope(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC))
	mine := storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 601, "东一机械有限公司")
	other := storetest.MustEnterprise(t, e.s, e.f.GridB1.ID, e.f.Industry.ID, 602, "西一门业有限公司")
	admin, worker := e.apiLogin("admin"), e.apiLogin("worker")

	// An unknown attribute is a field error naming it.
	status, out := admin.call("POST", "/api/v1/policies", `{"code":"P1","title":"稳岗补贴","rule":{"revenue_min":2000},"active":true}`)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown attribute: %d %s", status, out)
	}
	if fe := decodeErr(t, out).Error.Fields; !strings.Contains(fe["rule.revenue_min"], "revenue_min") {
		t.Fatalf("fields: %v", fe)
	}
	// The worker may not define policies.
	if status, _ := worker.call("POST", "/api/v1/policies", `{"code":"P1","title":"x"}`); status != http.StatusForbidden {
		t.Fatalf("worker create policy: %d", status)
	}
	status, out = admin.call("POST", "/api/v1/policies", `{"code":"P1","title":"稳岗补贴","rule":{"employees_max":1000},"active":true}`)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, out)
	}
	var p model.Policy
	json.Unmarshal([]byte(out), &p)
	if p.Counts.Matched != 2 {
		t.Fatalf("admin matched = %d", p.Counts.Matched)
	}
	base := "/api/v1/policies/" + strconv.FormatInt(p.ID, 10)
	status, out = worker.call("GET", base+"/enterprises", "")
	if status != 200 || !strings.Contains(out, mine.Name) || strings.Contains(out, other.Name) {
		t.Fatalf("worker matches: %d %s", status, out)
	}
	// Outside the grid: 404, with or without a delivery.
	status, _ = worker.call("POST", base+"/deliveries", fmt.Sprintf(`{"enterprise_id":%d,"state":"informed","version":0}`, other.ID))
	if status != http.StatusNotFound {
		t.Fatalf("worker delivering to another grid: %d", status)
	}
	if status, out = admin.call("POST", base+"/deliveries", fmt.Sprintf(`{"enterprise_id":%d,"state":"ineligible","version":0}`, other.ID)); status != 200 {
		t.Fatalf("admin ineligible: %d %s", status, out)
	}
	// Illegal step: informed → redeemed skips 已申请.
	step := func(a *api, state, wan string, version int) (int, string) {
		return a.call("POST", base+"/deliveries", fmt.Sprintf(`{"enterprise_id":%d,"state":%q,"amount_wan":%q,"version":%d}`,
			mine.ID, state, wan, version))
	}
	if status, out = step(worker, "informed", "", 0); status != 200 {
		t.Fatalf("informed: %d %s", status, out)
	}
	if status, out = step(worker, "redeemed", "3", 1); status != http.StatusConflict || decodeErr(t, out).Error.Code != model.ECONFLICT {
		t.Fatalf("illegal step: %d %s", status, out)
	}
	if status, out = step(worker, "applied", "", 1); status != 200 {
		t.Fatalf("applied: %d %s", status, out)
	}
	status, out = step(worker, "redeemed", "8.0005", 2)
	var d struct {
		model.Delivery
		AmountWan string `json:"amount_wan"`
	}
	json.Unmarshal([]byte(out), &d)
	if status != 200 || d.AmountYuan == nil || *d.AmountYuan != 80005 || d.AmountWan != "8.0005" {
		t.Fatalf("redeemed: %d %s", status, out)
	}
	// The worker sees only their grid's deliveries; the admin both.
	_, out = worker.call("GET", base+"/deliveries", "")
	var list struct{ Items []model.Delivery }
	json.Unmarshal([]byte(out), &list)
	if len(list.Items) != 1 || list.Items[0].EnterpriseID != mine.ID {
		t.Fatalf("worker deliveries: %s", out)
	}
	_, out = admin.call("GET", base+"/deliveries", "")
	json.Unmarshal([]byte(out), &list)
	if len(list.Items) != 2 {
		t.Fatalf("admin deliveries: %s", out)
	}
	if status, _ = worker.call("GET", fmt.Sprintf("/api/v1/enterprises/%d/policies", other.ID), ""); status != http.StatusNotFound {
		t.Fatalf("worker reading another grid's enterprise policies: %d", status)
	}
	status, out = worker.call("GET", fmt.Sprintf("/api/v1/enterprises/%d/policies", mine.ID), "")
	if status != 200 || !strings.Contains(out, `"redeemed"`) {
		t.Fatalf("enterprise policies: %d %s", status, out)
	}

	// Experts: the admin registers, the worker records a service in grid A1.
	_, out = admin.call("GET", "/api/v1/experts/kinds", "")
	var kinds struct{ Items []model.ExpertKind }
	json.Unmarshal([]byte(out), &kinds)
	if len(kinds.Items) != 3 {
		t.Fatalf("kinds: %s", out)
	}
	status, out = admin.call("POST", "/api/v1/experts", fmt.Sprintf(`{"name":"李会计","kind_id":%d,"employer":"某会计师事务所"}`, kinds.Items[1].ID))
	if status != http.StatusCreated {
		t.Fatalf("expert: %d %s", status, out)
	}
	var x model.Expert
	json.Unmarshal([]byte(out), &x)
	status, out = worker.call("POST", "/api/v1/experts/services", fmt.Sprintf(`{"expert_id":%d,"enterprise_id":%d,"served_on":"2026-11-18","topic":"税务筹划"}`, x.ID, mine.ID))
	if status != http.StatusCreated {
		t.Fatalf("service: %d %s", status, out)
	}
	status, out = worker.call("POST", "/api/v1/experts/services", fmt.Sprintf(`{"expert_id":%d,"enterprise_id":%d,"served_on":"2026-11-18","topic":"税务筹划"}`, x.ID, other.ID))
	if status != http.StatusUnprocessableEntity || decodeErr(t, out).Error.Fields["enterprise_id"] == "" {
		t.Fatalf("service outside grid: %d %s", status, out)
	}
	_, out = worker.call("GET", "/api/v1/experts/stats", "")
	if !strings.Contains(out, `"count":1`) || !strings.Contains(out, mine.Name) {
		t.Fatalf("stats: %s", out)
	}
}

func TestPolicyPages(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC))
	mine := storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 611, "东一五金厂")
	admin := e.login("admin")
	// The rule editor: plain fields; a bad number is a field error beside it.
	form := url.Values{"code": {"P2"}, "title": {"技改奖励"}, "employees_min": {"十"}, "grid_in": {"A"}, "active": {"1"}}
	status, body := admin.postBody("/policies", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "has-error") {
		t.Fatalf("bad form: %d %s", status, trim(body))
	}
	form.Set("employees_min", "0")
	resp := admin.post("/policies", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	page := admin.get(loc, 200)
	if !strings.Contains(page, mine.Name) || !strings.Contains(page, "东片区") {
		t.Fatalf("policy page lacks the match or the rule: %s", trim(page))
	}
	id := strings.TrimPrefix(loc, "/policies/")
	edit := admin.get(loc+"/edit", 200)
	if !strings.Contains(edit, `value="A" checked`) {
		t.Fatalf("edit form does not show the rule: %s", trim(edit))
	}
	worker := e.login("worker")
	// Redeemed straight away is illegal: 409 with the message on the page.
	status, body = worker.postBody("/policies/"+id+"/deliveries", url.Values{"enterprise_id": {strconv.FormatInt(mine.ID, 10)},
		"state": {"redeemed"}, "amount_wan": {"1"}, "version": {"0"}})
	if status != http.StatusConflict {
		t.Fatalf("illegal step page: %d %s", status, trim(body))
	}
	resp = worker.post("/policies/"+id+"/deliveries", url.Values{"enterprise_id": {strconv.FormatInt(mine.ID, 10)},
		"state": {"informed"}, "version": {"0"}, "back": {"enterprise"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/enterprises/%d", mine.ID) {
		t.Fatalf("deliver: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	ent := worker.get(fmt.Sprintf("/enterprises/%d", mine.ID), 200)
	if !strings.Contains(ent, `id="support"`) || !strings.Contains(ent, "技改奖励") || !strings.Contains(ent, "已告知") {
		t.Fatalf("enterprise page support section: %s", trim(ent))
	}
	// Expert kinds are a dictionary kept on the field dictionaries page.
	resp = admin.post("/admin/field/expert-kinds", url.Values{"code": {"patent"}, "name": {"专利代理师"}, "position": {"40"}, "active": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new expert kind: %d", resp.StatusCode)
	}
	if status, body = admin.postBody("/admin/field/expert-kinds", url.Values{"code": {"patent"}, "name": {"重复"}, "active": {"1"}}); status != http.StatusConflict {
		t.Fatalf("duplicate expert kind: %d %s", status, trim(body))
	}
	if page := admin.get("/admin/field", 200); !strings.Contains(page, "专利代理师") || !strings.Contains(page, "会计师") {
		t.Fatalf("dictionaries page lacks the expert kinds")
	}
	worker.get("/policies", 200)
	worker.get("/experts", 200)
	admin.get("/experts", 200)
	// A department user has no business here.
	e.login("anjian").get("/policies", http.StatusForbidden)
}
