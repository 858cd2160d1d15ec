package web_test

import (
	"context"
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

func TestSurveyPages(t *testing.T) {
	e := newEnv(t)
	p := twSetup(t, e)
	w := e.login("worker") // grid A1, where p.ent is
	if page := w.get("/surveys", 200); !strings.Contains(page, `id="empty"`) || !strings.Contains(page, "暂无排摸记录") {
		t.Fatal("empty survey list")
	}
	newForm := w.get(fmt.Sprintf("/surveys/new?enterprise=%d", p.ent.ID), 200)
	if !strings.Contains(newForm, p.ent.USCC) {
		t.Fatal("enterprise not prefilled")
	}
	good := url.Values{"name": {"赵晓燕"}, "phone": {"139-0579-6666"}, "enterprise_uscc": {p.ent.USCC}, "category": {"full"},
		"relation_place": {"江西省上饶市某村党支部"}, "willingness": {"considering"}, "surveyed_on": {"2021-08-20"}}
	bad := cloneVals(good)
	bad.Set("enterprise_uscc", storetest.USCC(7777))
	code, body := w.postBody("/surveys", bad)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-enterprise_uscc"`) || !strings.Contains(body, "赵晓燕") {
		t.Fatalf("unknown enterprise: %d\n%s", code, trim(body))
	}
	bad = cloneVals(good)
	bad.Set("phone", "12ab")
	bad.Set("name", "")
	code, body = w.postBody("/surveys", bad)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-phone"`) || !strings.Contains(body, `id="err-name"`) {
		t.Fatalf("bad fields: %d\n%s", code, trim(body))
	}
	id := twSeeOther(t, w.post("/surveys", good), "/surveys/")
	page := w.get(fmt.Sprintf("/surveys/%d", id), 200)
	for _, want := range []string{"赵晓燕", "139****6666", "考虑中", "江西省上饶市某村党支部", `id="note-form"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("detail lacks %q", want)
		}
	}
	if strings.Contains(page, `id="convert-form"`) {
		t.Fatal("a grid worker is offered the conversion")
	}
	if code, body := w.postBody(fmt.Sprintf("/surveys/%d/notes", id), url.Values{"note": {" "}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-note"`) {
		t.Fatalf("empty note: %d", code)
	}
	if resp := w.post(fmt.Sprintf("/surveys/%d/notes", id), url.Values{"note": {"电话联系，本人愿意转入"}}); resp.StatusCode != http.StatusSeeOther ||
		resp.Header.Get("Location") != fmt.Sprintf("/surveys/%d#notes", id) {
		t.Fatalf("note: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if page := w.get(fmt.Sprintf("/surveys/%d", id), 200); !strings.Contains(page, "电话联系，本人愿意转入") || !strings.Contains(page, "WORKER") {
		t.Fatal("note not shown")
	}

	// Edit: the phone stays unless retyped; a stale version is a conflict.
	edit := w.get(fmt.Sprintf("/surveys/%d/edit", id), 200)
	if !strings.Contains(edit, "留空则保留原号码（139****6666）") || strings.Contains(edit, "13905796666") {
		t.Fatal("edit form phone")
	}
	ver := twVersionRe.FindStringSubmatch(edit)
	upd := cloneVals(good)
	upd.Set("phone", "")
	upd.Set("willingness", "willing")
	upd.Set("version", ver[1])
	twSeeOther(t, w.post(fmt.Sprintf("/surveys/%d", id), upd), "/surveys/")
	code, body = w.postBody(fmt.Sprintf("/surveys/%d", id), upd)
	if code != http.StatusConflict || !strings.Contains(body, `id="form-error"`) {
		t.Fatalf("stale edit: %d\n%s", code, trim(body))
	}
	sv, _ := e.s.Survey(context.Background(), model.System, id)
	if sv.PhoneMasked != "139****6666" || sv.Willingness != model.WillingYes {
		t.Fatalf("after edit: %+v", sv)
	}

	// Filters.
	if page := w.get("/surveys?willingness=willing&converted=0&q=%E8%B5%B5", 200); !strings.Contains(page, fmt.Sprintf(`href="/surveys/%d"`, id)) {
		t.Fatal("filtered list")
	}
	if page := w.get("/surveys?converted=1", 200); !strings.Contains(page, "没有符合条件的记录") {
		t.Fatal("converted filter")
	}
	w.get("/surveys?converted=maybe", http.StatusUnprocessableEntity)
	w.get("/surveys?willingness=evil", http.StatusUnprocessableEntity)
	// Another grid's worker does not see it.
	storetest.MustUser(t, e.s, "worker2", model.RoleGridWorker, e.f.GridB1.ID)
	e.login("worker2").get(fmt.Sprintf("/surveys/%d", id), http.StatusNotFound)

	// The secretary of the branch covering the enterprise converts it.
	s := e.login("seca")
	page = s.get(fmt.Sprintf("/surveys/%d", id), 200)
	if !strings.Contains(page, `id="convert-form"`) || !strings.Contains(page, `value="江西省上饶市某村党支部"`) {
		t.Fatal("conversion form for the secretary")
	}
	conv := url.Values{"member.id_number": {"123"}, "to_org_id": {strconv.FormatInt(p.a.ID, 10)}, "from_name": {"江西省上饶市某村党支部"},
		"letter_no": {"饶组〔2021〕7号"}, "dues_paid_to": {"2021-06"}, "issued_on": {"2021-08-22"}, "valid_days": {"30"}}
	code, body = s.postBody(fmt.Sprintf("/surveys/%d/convert", id), conv)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-member-id_number"`) {
		t.Fatalf("bad ID: %d\n%s", code, trim(body))
	}
	conv.Set("member.id_number", twID(9))
	conv.Set("member.admitted_on", "2014-06-01")
	conv.Set("member.full_on", "2015-06-01")
	tid := twSeeOther(t, s.post(fmt.Sprintf("/surveys/%d/convert", id), conv), "/transfers/")
	tp := s.get(fmt.Sprintf("/transfers/%d", tid), 200)
	if !strings.Contains(tp, "赵晓燕") || !strings.Contains(tp, "在途") || !strings.Contains(tp, fmt.Sprintf(`href="/surveys/%d"`, id)) {
		t.Fatal("transfer from the survey")
	}
	page = s.get(fmt.Sprintf("/surveys/%d", id), 200)
	if !strings.Contains(page, "已转入") || !strings.Contains(page, fmt.Sprintf(`href="/transfers/%d"`, tid)) || strings.Contains(page, `id="convert-form"`) {
		t.Fatal("survey after conversion")
	}
	conv.Set("member.id_number", twID(11))
	code, body = s.postBody(fmt.Sprintf("/surveys/%d/convert", id), conv)
	if code != http.StatusConflict || !strings.Contains(body, "该排摸记录已转为组织关系转入") {
		t.Fatalf("second conversion: %d\n%s", code, trim(body))
	}
}

func TestCandidatesPage(t *testing.T) {
	e := newEnv(t)
	p := twSetup(t, e)
	ctx := context.Background()
	e1 := storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 811, "永康市飞达工贸有限公司")
	e2 := storetest.MustEnterprise(t, e.s, e.f.GridA2.ID, e.f.Industry.ID, 812, "永康市小五金厂")
	for i, orgID := range []int64{p.a.ID, p.b.ID} {
		if _, err := e.s.CreateMember(ctx, model.System, model.MemberInput{Name: fmt.Sprintf("飞达党员%d", i), IDNumber: twID(20 + i),
			Category: model.CategoryFull, OrgID: orgID, EnterpriseID: e1.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.s.CreateSurvey(ctx, model.System, model.SurveyInput{Name: "排摸甲", EnterpriseID: e1.ID, Category: model.CategoryFull}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.CreateSurvey(ctx, model.System, model.SurveyInput{Name: "排摸乙", EnterpriseID: e2.ID, Category: model.CategoryFull}); err != nil {
		t.Fatal(err)
	}
	page := e.login("admin").get("/party/candidates", 200)
	own := page[strings.Index(page, `id="own"`):strings.Index(page, `id="joint"`)]
	joint := page[strings.Index(page, `id="joint"`):]
	if !strings.Contains(own, "永康市飞达工贸有限公司") || strings.Contains(own, "永康市小五金厂") || !strings.Contains(own, "<strong>3</strong>") {
		t.Fatalf("可建支部 section\n%s", trim(own))
	}
	if !strings.Contains(joint, "永康市小五金厂") || strings.Contains(joint, "永康市飞达工贸有限公司") ||
		!strings.Contains(joint, "每个联合党支部一般不超过5个单位") || !strings.Contains(joint, e.f.GridA2.Name) ||
		!strings.Contains(joint, `class="group-title"`) || !strings.Contains(joint, `class="group-caption"`) {
		t.Fatalf("joint section\n%s", trim(joint))
	}
	// A worker of grid B1 sees neither enterprise: both empty states.
	storetest.MustUser(t, e.s, "workerb", model.RoleGridWorker, e.f.GridB1.ID)
	page = e.login("workerb").get("/party/candidates", 200)
	if !strings.Contains(page, `id="own-empty"`) || !strings.Contains(page, `id="joint-empty"`) {
		t.Fatal("empty states")
	}
	e.login("anjian").get("/party/candidates", http.StatusForbidden)
}

func TestSurveyAPI(t *testing.T) {
	e := newEnv(t)
	p := twSetup(t, e)
	w := e.apiLogin("worker")
	code, resp := w.call("POST", "/api/v1/surveys", fmt.Sprintf(`{"name":"钱卫东","phone":"13905797777","enterprise_id":%d,"category":"full","relation_place":"安徽省某乡党委"}`, p.ent.ID))
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, resp)
	}
	var sv struct {
		ID          int64  `json:"id"`
		Version     int    `json:"version"`
		PhoneMasked string `json:"phone_masked"`
		Willingness string `json:"willingness"`
		TransferID  int64  `json:"transfer_id"`
		FollowUps   []struct {
			Note string `json:"note"`
		} `json:"follow_ups"`
	}
	_ = json.Unmarshal([]byte(resp), &sv)
	if sv.Willingness != "unknown" || sv.PhoneMasked != "139****7777" {
		t.Fatalf("created: %s", resp)
	}
	path := fmt.Sprintf("/api/v1/surveys/%d", sv.ID)
	cases := []struct {
		name, method, path, body string
		status                   int
		field                    string
	}{
		{"bad create", "POST", "/api/v1/surveys", `{"name":"","enterprise_id":0,"category":"x"}`, 422, "enterprise_id"},
		{"patch without version", "PATCH", path, `{"willingness":"willing"}`, 422, "version"},
		{"stale patch", "PATCH", path, `{"willingness":"willing","version":9}`, 409, ""},
		{"bad willingness", "PATCH", path, `{"willingness":"maybe","version":1}`, 422, "willingness"},
		{"empty note", "POST", path + "/notes", `{"note":""}`, 422, "note"},
		{"worker converts", "POST", path + "/convert", `{}`, 403, ""},
		{"bad filter", "GET", "/api/v1/surveys?converted=perhaps", "", 422, "converted"},
		{"missing", "GET", "/api/v1/surveys/99999", "", 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := w.call(c.method, c.path, c.body)
			if status != c.status {
				t.Fatalf("status %d want %d: %s", status, c.status, body)
			}
			er := decodeErr(t, body)
			if c.field != "" && er.Error.Fields[c.field] == "" {
				t.Fatalf("no message for %s: %+v", c.field, er)
			}
		})
	}
	code, resp = w.call("PATCH", path, `{"willingness":"willing","version":1}`)
	if code != 200 || !strings.Contains(resp, `"willingness":"willing"`) || !strings.Contains(resp, `"phone_masked":"139****7777"`) {
		t.Fatalf("patch: %d %s", code, resp)
	}
	code, resp = w.call("POST", path+"/notes", `{"note":"已上门走访"}`)
	if code != 201 || !strings.Contains(resp, "已上门走访") {
		t.Fatalf("note: %d %s", code, resp)
	}
	s := e.apiLogin("seca")
	conv := fmt.Sprintf(`{"id_number":%q,"to_org_id":%d,"letter_no":"皖〔2021〕2号","member":{"admitted_on":"2015-01-01","full_on":"2016-01-01"}}`, twID(13), p.a.ID)
	code, resp = s.call("POST", path+"/convert", conv)
	if code != 201 || !strings.Contains(resp, `"state":"in_transit"`) || !strings.Contains(resp, `"from_name":"安徽省某乡党委"`) ||
		!strings.Contains(resp, fmt.Sprintf(`"survey_id":%d`, sv.ID)) {
		t.Fatalf("convert: %d %s", code, resp)
	}
	if code, resp := s.call("POST", path+"/convert", conv); code != 409 {
		t.Fatalf("second convert: %d %s", code, resp)
	}
	code, resp = w.call("GET", "/api/v1/surveys?converted=1", "")
	if code != 200 || !strings.Contains(resp, fmt.Sprintf(`"id":%d`, sv.ID)) || strings.Contains(resp, `"transfer_id":0`) {
		t.Fatalf("list converted: %d %s", code, resp)
	}
	code, resp = w.call("GET", path, "")
	_ = json.Unmarshal([]byte(resp), &sv)
	if code != 200 || sv.TransferID == 0 || len(sv.FollowUps) != 1 {
		t.Fatalf("get: %d %s", code, resp)
	}
}
