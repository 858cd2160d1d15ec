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

	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// partyEnv adds a party register to the test zone: a committee with two
// branches; branch 1 covers an enterprise in grid A1, and an enterprise in
// grid B1 employs members of branch 2. sec1 and sec2 are their secretaries.
type partyEnv struct {
	*env
	top, br1, br2 model.Organization
	entA1, entB1  model.Enterprise
}

func newPartyEnv(t *testing.T) *partyEnv {
	t.Helper()
	e := &partyEnv{env: newEnv(t)}
	org := func(code, name, kind string, parent int64) model.Organization {
		o, err := e.s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: code, Name: name, Kind: kind, ParentID: parent})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	e.top = org("CX", "城西新区党工委", store.OrgCommittee, 0)
	e.br1 = org("BR1", "安德电器党支部", store.OrgBranch, e.top.ID)
	e.br2 = org("BR2", "天天工贸党支部", store.OrgBranch, e.top.ID)
	e.entA1 = storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 1, "浙江安德电器有限公司")
	e.entB1 = storetest.MustEnterprise(t, e.s, e.f.GridB1.ID, e.f.Industry.ID, 2, "永康天天工贸有限公司")
	if _, err := e.s.AddCoverage(bg, model.System, e.br1.ID, store.CoverageInput{EnterpriseID: e.entA1.ID}); err != nil {
		t.Fatal(err)
	}
	for name, org := range map[string]int64{"sec1": e.br1.ID, "sec2": e.br2.ID} {
		if _, err := e.s.CreateUser(bg, model.System, store.UserInput{Username: name, DisplayName: name,
			Role: model.RoleOrgSecretary, OrgIDs: []int64{org}, Password: storetest.Password}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// idNumber builds a valid GB 11643 number for a birth date and a sequence.
func idNumber(birth string, seq int) string {
	body := fmt.Sprintf("330784%s%03d", birth, seq%1000)
	c, _ := ident.IDCheckChar(body)
	return body + string(c)
}

// memberForm is a valid new-member form.
func memberForm(name, id string, org int64) url.Values {
	return url.Values{"name": {name}, "id_number": {id}, "phone": {"13812345678"}, "ethnicity": {"汉族"},
		"education": {"大学本科"}, "category": {"full"}, "status": {"normal"}, "applied_on": {"2009-03-01"},
		"admitted_on": {"2011-07-01"}, "full_on": {"2012-07-01"}, "org_id": {strconv.FormatInt(org, 10)}}
}

func (e *partyEnv) member(name, id string, org, employer int64) model.Member {
	e.t.Helper()
	m, err := e.s.CreateMember(bg, model.System, model.MemberInput{Name: name, IDNumber: id, Phone: "13812345678",
		Category: model.CategoryFull, AppliedOn: "2009-03-01", AdmittedOn: "2011-07-01", FullOn: "2012-07-01",
		OrgID: org, EnterpriseID: employer})
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

var bg = context.Background()

func TestMemberListShowsMaskedValues(t *testing.T) {
	e := newPartyEnv(t)
	const published = "11010519491231002X"
	m, err := e.s.CreateMember(bg, model.System, model.MemberInput{Name: "王秀英", IDNumber: published, Phone: "13812345678",
		Category: model.CategoryFull, AdmittedOn: "1971-03-01", FullOn: "1972-03-01", OrgID: e.br1.ID, EnterpriseID: e.entA1.ID, Mobile: true})
	if err != nil {
		t.Fatal(err)
	}
	gone := e.member("艾青", idNumber("19700101", 11), e.br1.ID, 0)
	in := store.MemberInputOf(gone, model.MemberSecret{IDNumber: idNumber("19700101", 11)})
	in.Status = model.MemberLeft
	if _, err := e.s.UpdateMember(bg, model.System, gone.ID, in, gone.Version); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"admin", "sec1", "worker"} {
		t.Run(who, func(t *testing.T) {
			c := e.login(who)
			list := c.get("/members", 200)
			for _, want := range []string{"110105********002X", "王秀英", "女", "71", "49", "安德电器党支部", "浙江安德电器有限公司", "正式党员", "流动党员", `id="total"`} {
				if !strings.Contains(list, want) {
					t.Errorf("list lacks %q", want)
				}
			}
			for _, leak := range []string{published, "13812345678", "艾青"} {
				if strings.Contains(list, leak) {
					t.Errorf("list shows %q", leak)
				}
			}
			show := c.get(fmt.Sprintf("/members/%d", m.ID), 200)
			if strings.Contains(show, published) || strings.Contains(show, "13812345678") || !strings.Contains(show, "138****5678") {
				t.Error("detail page not masked")
			}
			if (who == "worker") == strings.Contains(show, `id="reveal-form"`) {
				t.Errorf("reveal form shown to %s: %v", who, who != "worker")
			}
		})
	}
	a := e.login("admin")
	// 出党 members appear with status=all or their own status; a full ID
	// number finds its holder by keyed hash.
	if all := a.get("/members?status=all", 200); !strings.Contains(all, "艾青") || !strings.Contains(all, "出党") {
		t.Error("status=all does not list every status")
	}
	if found := a.get("/members?q="+strings.ToLower(published), 200); !strings.Contains(found, "王秀英") || strings.Contains(found, published) {
		t.Error("search by full ID number")
	}
	if empty := a.get("/members?q="+url.QueryEscape("没有这个人"), 200); !strings.Contains(empty, `id="empty"`) {
		t.Error("no empty state")
	}
	if code, body := a.postBody("/members/0", url.Values{}); code != http.StatusNotFound {
		t.Errorf("bad id: %d %s", code, trim(body))
	}
	if body := a.get("/members?status=evil&org=x", 422); !strings.Contains(body, `id="form-error"`) {
		t.Error("bad filter not reported")
	}
	if body := a.get("/members?org=999999", 422); !strings.Contains(body, `id="form-error"`) {
		t.Error("unknown organization filter not reported")
	}
	// English labels for the closed lists.
	en := e.login("admin")
	en.get("/lang/en", 0)
	if list := en.get("/members", 200); !strings.Contains(list, "Full member") || !strings.Contains(list, "Female") {
		t.Error("list not localized")
	}
}

func TestMemberFormErrors(t *testing.T) {
	e := newPartyEnv(t)
	a := e.login("admin")
	good := idNumber("19850312", 21)
	bad := good[:17] + map[bool]string{true: "1", false: "0"}[good[17] == '0']
	cases := []struct {
		name     string
		edit     func(url.Values)
		field    string
		message  string
		override bool
	}{
		{"check digit", func(f url.Values) { f.Set("id_number", bad) }, "id_number", "校验位错误", true},
		{"length", func(f url.Values) { f.Set("id_number", good[:16]) }, "id_number", "应为18位", false},
		{"impossible date", func(f url.Values) { f.Set("id_number", "110105194902310029") }, "id_number", "不存在", false},
		{"under 18 at admission", func(f url.Values) {
			f.Set("id_number", idNumber("20000101", 11))
			f.Set("applied_on", "2017-01-01")
			f.Set("admitted_on", "2017-06-01")
			f.Set("full_on", "")
			f.Set("category", "probationary")
		}, "admitted_on", "年满18周岁", false},
		{"full before admission", func(f url.Values) { f.Set("full_on", "2011-01-01") }, "full_on", "接收为预备党员日期", false},
		{"unknown employer", func(f url.Values) { f.Set("employer_uscc", storetest.USCC(99)) }, "employer_uscc", "没有该信用代码", false},
		{"organization required", func(f url.Values) { f.Del("org_id") }, "org_id", "必填", false},
		{"status outside the closed list", func(f url.Values) { f.Set("status", "retired") }, "status", "请从列表中选择", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := memberForm("钱伟", good, e.br1.ID)
			tc.edit(f)
			code, body := a.postBody("/members", f)
			if code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", code)
			}
			i := strings.Index(body, `id="err-`+tc.field+`"`)
			if i < 0 || !strings.Contains(body[i:min(len(body), i+400)], tc.message) {
				t.Fatalf("no message %q beside %s\n%s", tc.message, tc.field, trim(body))
			}
			if strings.Contains(body, `id="override"`) != tc.override {
				t.Fatalf("override box shown: %v", !tc.override)
			}
			if !strings.Contains(body, `value="钱伟"`) {
				t.Fatal("typed values not kept")
			}
		})
	}
	// The override needs its reason, then saves and is recorded.
	f := memberForm("钱伟", bad, e.br1.ID)
	f.Set("id_override_on", "1")
	code, body := a.postBody("/members", f)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-id_override"`) {
		t.Fatalf("override without a reason: %d", code)
	}
	f.Set("id_override", "公安户籍系统核实")
	f.Set("employer_uscc", strings.ToLower(e.entA1.USCC))
	resp := a.post("/members", f)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create with override: %d", resp.StatusCode)
	}
	show := a.get(resp.Header.Get("Location"), 200)
	if !strings.Contains(show, "公安户籍系统核实") || !strings.Contains(show, "浙江安德电器有限公司") {
		t.Fatal("override or employer not shown")
	}
	// A duplicate names the holder to the admin, and to nobody else.
	dup := memberForm("钱伟二", bad, e.br2.ID)
	dup.Set("id_override_on", "1")
	dup.Set("id_override", "核实")
	code, body = a.postBody("/members", dup)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-id_number"`) || !strings.Contains(body, "已登记为党员“钱伟”") {
		t.Fatalf("duplicate for the admin: %d", code)
	}
	dup.Del("csrf") // the admin's token went into the form above
	code, body = e.login("sec2").postBody("/members", dup)
	if code != http.StatusUnprocessableEntity || strings.Contains(body, "钱伟”") || !strings.Contains(body, "请联系上级党组织核实") {
		t.Fatalf("duplicate for another branch: %d %s", code, trim(body))
	}
	// A secretary's organization select holds only what they manage.
	page := e.login("sec1").get("/members/new", 200)
	if !strings.Contains(page, "安德电器党支部") || strings.Contains(page, "天天工贸党支部") {
		t.Fatal("organization select not limited to managed organizations")
	}
	e.login("worker").get("/members/new", http.StatusForbidden)
}

func TestMemberRevealIsAudited(t *testing.T) {
	e := newPartyEnv(t)
	id := idNumber("19850312", 21)
	m := e.member("蒋文", id, e.br1.ID, e.entA1.ID)
	path := fmt.Sprintf("/members/%d/reveal", m.ID)
	sec := e.login("sec1")
	code, body := sec.postBody(path, url.Values{"reason": {"  "}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-reason"`) || strings.Contains(body, id) {
		t.Fatalf("reveal without a reason: %d", code)
	}
	code, body = sec.postBody(path, url.Values{"reason": {"组织关系转接核对"}})
	if code != http.StatusOK || !strings.Contains(body, `<code id="id-full">`+id+`</code>`) || !strings.Contains(body, "13812345678") {
		t.Fatalf("reveal: %d\n%s", code, trim(body))
	}
	es, err := e.s.ListAudit(bg, model.AuditFilter{Action: "member.reveal", EntityID: m.ID})
	if err != nil || len(es) != 1 || es[0].Reason != "组织关系转接核对" || es[0].ActorName == "" {
		t.Fatalf("audit: %+v %v", es, err)
	}
	// The history tab lists it; the page itself is masked again.
	if hist := sec.get(fmt.Sprintf("/members/%d?tab=history", m.ID), 200); !strings.Contains(hist, "查看完整个人信息") || !strings.Contains(hist, "组织关系转接核对") {
		t.Fatal("history tab lacks the reveal")
	}
	if again := sec.get(fmt.Sprintf("/members/%d", m.ID), 200); strings.Contains(again, id) {
		t.Fatal("full ID shown again without a reveal")
	}
	// Grid workers read masked data only; another branch's secretary does not see the member.
	if code, _ := e.login("worker").postBody(path, url.Values{"reason": {"好奇"}}); code != http.StatusForbidden {
		t.Fatalf("worker reveal: %d", code)
	}
	if code, _ := e.login("sec2").postBody(path, url.Values{"reason": {"好奇"}}); code != http.StatusNotFound {
		t.Fatalf("other secretary reveal: %d", code)
	}
	if es, _ := e.s.ListAudit(bg, model.AuditFilter{Action: "member.reveal"}); len(es) != 1 {
		t.Fatalf("refused reveals recorded: %d", len(es))
	}
}

func TestMemberOutsideScopeIsNotFound(t *testing.T) {
	e := newPartyEnv(t)
	inA1 := e.member("蒋文", idNumber("19850312", 21), e.br1.ID, e.entA1.ID)
	inB1 := e.member("沈洁", idNumber("19860412", 22), e.br2.ID, e.entB1.ID)
	w := e.login("worker")
	w.get(fmt.Sprintf("/members/%d", inB1.ID), http.StatusNotFound)
	w.get(fmt.Sprintf("/members/%d", inA1.ID), http.StatusOK)
	if list := w.get("/members", 200); !strings.Contains(list, "蒋文") || strings.Contains(list, "沈洁") {
		t.Fatal("worker list not scoped")
	}
	api := e.apiLogin("worker")
	if code, body := api.call("GET", fmt.Sprintf("/api/v1/members/%d", inB1.ID), ""); code != http.StatusNotFound || decodeErr(t, body).Error.Code != "not_found" {
		t.Fatalf("api outside scope: %d %s", code, body)
	}
	if code, body := api.call("GET", fmt.Sprintf("/api/v1/members/%d", inA1.ID), ""); code != 200 || !strings.Contains(body, "330784********") {
		t.Fatalf("api in scope: %d %s", code, body)
	}
	if code, _ := api.call("POST", fmt.Sprintf("/api/v1/members/%d/reveal", inA1.ID), `{"reason":"x"}`); code != http.StatusForbidden {
		t.Fatalf("api reveal by a worker: %d", code)
	}
	s2 := e.login("sec2")
	s2.get(fmt.Sprintf("/members/%d", inA1.ID), http.StatusNotFound)
	s2.get(fmt.Sprintf("/members/%d/edit", inA1.ID), http.StatusNotFound)
	if code, _ := s2.postBody(fmt.Sprintf("/members/%d", inA1.ID), url.Values{"name": {"x"}, "version": {"1"}}); code != http.StatusNotFound {
		t.Fatalf("update outside scope: %d", code)
	}
}

func TestMemberEditKeepsPersonalData(t *testing.T) {
	e := newPartyEnv(t)
	id := idNumber("19850312", 21)
	m := e.member("蒋文", id, e.br1.ID, e.entA1.ID)
	sec := e.login("sec1")
	form := sec.get(fmt.Sprintf("/members/%d/edit", m.ID), 200)
	if strings.Contains(form, id) || strings.Contains(form, "13812345678") || !strings.Contains(form, e.entA1.USCC) {
		t.Fatal("edit form leaks personal data or lacks the employer's code")
	}
	vals := memberForm("蒋文华", "", 0)
	vals.Set("phone", "")
	vals.Set("employer_uscc", e.entA1.USCC)
	vals.Set("version", strconv.Itoa(m.Version))
	resp := sec.post(fmt.Sprintf("/members/%d", m.ID), vals)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", resp.StatusCode)
	}
	got, err := e.s.RevealMember(bg, model.System, m.ID, "test")
	if err != nil || got.IDNumber != id || got.Phone != "13812345678" {
		t.Fatalf("kept values: %+v %v", got, err)
	}
	after, _ := e.s.Member(bg, model.System, m.ID)
	if after.Name != "蒋文华" || after.Version != m.Version+1 || after.EnterpriseID != e.entA1.ID {
		t.Fatalf("after update: %+v", after)
	}
	// The same stale version again: 409 with a message.
	code, body := sec.postBody(fmt.Sprintf("/members/%d", m.ID), vals)
	if code != http.StatusConflict || !strings.Contains(body, `id="form-error"`) {
		t.Fatalf("stale: %d", code)
	}
	// Removing the phone is explicit.
	vals.Set("version", strconv.Itoa(after.Version))
	vals.Set("phone_clear", "1")
	if resp := sec.post(fmt.Sprintf("/members/%d", m.ID), vals); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("clear phone: %d", resp.StatusCode)
	}
	if got, _ := e.s.RevealMember(bg, model.System, m.ID, "test"); got.Phone != "" || got.IDNumber != id {
		t.Fatalf("after clearing the phone: %+v", got)
	}
	// A grid worker may not open the edit form.
	e.login("worker").get(fmt.Sprintf("/members/%d/edit", m.ID), http.StatusForbidden)
}

func TestAPIMembers(t *testing.T) {
	e := newPartyEnv(t)
	a := e.apiLogin("admin")
	id := idNumber("19850312", 21)
	body := fmt.Sprintf(`{"name":"韩梅","id_number":%q,"phone":"13812345678","category":"full","applied_on":"2009-03-01",
		"admitted_on":"2011-07-01","full_on":"2012-07-01","org_id":%d,"enterprise_uscc":%q,"position_kind":"technical"}`,
		strings.ToLower(id), e.br1.ID, e.entA1.USCC)
	code, resp := a.call("POST", "/api/v1/members", body)
	if code != http.StatusCreated || strings.Contains(resp, id) || strings.Contains(resp, "13812345678") ||
		!strings.Contains(resp, `"id_number_masked":"330784********`) || !strings.Contains(resp, `"phone_masked":"138****5678"`) {
		t.Fatalf("create: %d %s", code, resp)
	}
	var m struct {
		ID           int64  `json:"id"`
		Version      int    `json:"version"`
		EnterpriseID int64  `json:"enterprise_id"`
		PartyYears   *int   `json:"party_years"`
		Age          int    `json:"age"`
		Sex          string `json:"sex"`
	}
	_ = json.Unmarshal([]byte(resp), &m)
	if m.EnterpriseID != e.entA1.ID || m.PartyYears == nil || *m.PartyYears != 9 || m.Age != 36 || m.Sex != "male" {
		t.Fatalf("derived fields: %+v", m)
	}
	path := fmt.Sprintf("/api/v1/members/%d", m.ID)
	cases := []struct {
		name, method, path, body string
		status                   int
		field                    string
	}{
		{"check digit", "POST", "/api/v1/members", strings.Replace(body, strings.ToLower(id), id[:17]+"0", 1), 422, "id_number"},
		{"dates out of order", "POST", "/api/v1/members", strings.Replace(strings.Replace(body, "2012-07-01", "2010-01-01", 1), strings.ToLower(id), idNumber("19850312", 23), 1), 422, "full_on"},
		{"unknown employer", "POST", "/api/v1/members", strings.Replace(strings.Replace(body, e.entA1.USCC, storetest.USCC(99), 1), strings.ToLower(id), idNumber("19850312", 23), 1), 422, "enterprise_uscc"},
		{"duplicate", "POST", "/api/v1/members", body, 409, "id_number"},
		{"unknown field", "POST", "/api/v1/members", `{"nmae":"x"}`, 400, ""},
		{"patch without version", "PATCH", path, `{"name":"x"}`, 422, "version"},
		{"stale patch", "PATCH", path, `{"name":"x","version":99}`, 409, ""},
		{"org by transfer only", "PATCH", path, fmt.Sprintf(`{"org_id":%d,"version":1}`, e.br2.ID), 422, "org_id"},
		{"reveal without reason", "POST", path + "/reveal", `{"reason":""}`, 422, "reason"},
		{"bad status filter", "GET", "/api/v1/members?status=evil", "", 422, "status"},
		{"missing", "GET", "/api/v1/members/99999", "", 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, resp := a.call(tc.method, tc.path, tc.body)
			if status != tc.status {
				t.Fatalf("status %d want %d: %s", status, tc.status, resp)
			}
			er := decodeErr(t, resp)
			if tc.field != "" && er.Error.Fields[tc.field] == "" {
				t.Fatalf("no message for %s: %s", tc.field, resp)
			}
		})
	}
	// A patch changes what it names and keeps the rest, the ID and phone included.
	code, resp = a.call("PATCH", path, `{"status":"lost","mobile":true,"version":1}`)
	if code != 200 || !strings.Contains(resp, `"status":"lost"`) || !strings.Contains(resp, `"version":2`) ||
		!strings.Contains(resp, `"position_kind":"technical"`) || strings.Contains(resp, id) {
		t.Fatalf("patch: %d %s", code, resp)
	}
	code, resp = a.call("POST", path+"/reveal", `{"reason":"API 核对"}`)
	if code != 200 || resp != fmt.Sprintf(`{"id_number":%q,"phone":"13812345678"}`, id)+"\n" {
		t.Fatalf("reveal: %d %s", code, resp)
	}
	// The list filters and counts; it never carries full values.
	code, resp = a.call("GET", "/api/v1/members?status=lost&mobile=1&total=1&org="+strconv.FormatInt(e.top.ID, 10), "")
	if code != 200 || !strings.Contains(resp, `"total":1`) || !strings.Contains(resp, "韩梅") || strings.Contains(resp, id) || strings.Contains(resp, "13812345678") {
		t.Fatalf("list: %d %s", code, resp)
	}
	code, resp = a.call("GET", "/api/v1/members?total=1", "")
	if code != 200 || !strings.Contains(resp, `"items":[]`) || !strings.Contains(resp, `"total":0`) {
		t.Fatalf("default status filter: %d %s", code, resp)
	}
	code, resp = a.call("GET", "/api/v1/members?q="+id+"&status=all", "")
	if code != 200 || !strings.Contains(resp, "韩梅") {
		t.Fatalf("search by ID: %d %s", code, resp)
	}
}

// The shared junk test has no members; throw garbage at the routes of an
// existing one, which reach the store and the reveal.
func TestMemberGarbageIsNeverServerError(t *testing.T) {
	e := newPartyEnv(t)
	m := e.member("蒋文", idNumber("19850312", 21), e.br1.ID, e.entA1.ID)
	c := e.login("admin")
	a := e.apiLogin("admin")
	forms := []url.Values{
		{},
		{"version": {"abc"}, "applied_on": {"2021-13-45"}, "org_id": {"x"}, "employer_uscc": {"%%"}, "category": {"evil"},
			"id_number": {strings.Repeat("长", 5000)}, "phone": {"abc"}, "status": {"all"}, "position_kind": {"<b>"}, "id_override_on": {"1"}},
		{"version": {"-1"}, "name": {"x"}, "id_number": {"11010519491231002X"}, "full_on": {"1900-01-01"}, "phone_clear": {"1"}},
		{"reason": {strings.Repeat("因", 500)}},
	}
	for _, path := range []string{"/members", fmt.Sprintf("/members/%d", m.ID), fmt.Sprintf("/members/%d/reveal", m.ID)} {
		for _, f := range forms {
			f.Del("csrf")
			if code, body := c.postBody(path, f); code >= 500 {
				t.Errorf("POST %s %v → %d\n%s", path, f, code, trim(body))
			}
		}
	}
	bodies := []string{`{}`, `{"version":1}`, `{"version":1,"mobile":"yes"}`, `{"version":1,"id_number":"","phone":null}`,
		`{"version":1,"enterprise_uscc":"","org_id":-5,"status":"all"}`, `{"reason":123}`, `{"version":1,"full_on":"2021-02-30"}`}
	for _, path := range []string{"/api/v1/members", fmt.Sprintf("/api/v1/members/%d", m.ID), fmt.Sprintf("/api/v1/members/%d/reveal", m.ID)} {
		for _, b := range bodies {
			for _, method := range []string{"POST", "PATCH"} {
				if code, resp := a.call(method, path, b); code >= 500 {
					t.Errorf("%s %s %s → %d %s", method, path, b, code, resp)
				}
			}
		}
	}
	for _, q := range []string{"org=-1", "enterprise=x", "mobile=2", "limit=0", "cursor=@@", "q=" + url.QueryEscape("' OR 1=1 --"), "status=all&category=full&mobile=0"} {
		if code, _ := a.call("GET", "/api/v1/members?"+q, ""); code >= 500 {
			t.Errorf("GET ?%s → %d", q, code)
		}
		req, _ := http.NewRequest("GET", e.srv.URL+"/members?"+q, nil)
		resp := c.do(req)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Errorf("page ?%s → %d", q, resp.StatusCode)
		}
	}
}
