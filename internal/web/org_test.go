package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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

func orgCtx() context.Context { return context.Background() }

// orgTestID returns a valid 居民身份证号 for test member n.
func orgTestID(n int) string {
	body := fmt.Sprintf("11010519800101%03d", n)
	c, _ := ident.IDCheckChar(body)
	return body + string(c)
}

func (e *env) orgMust(code, name, kind string, parent int64) model.Organization {
	e.t.Helper()
	o, err := e.s.CreateOrganization(orgCtx(), model.System, store.OrganizationInput{Code: code, Name: name, Kind: kind, ParentID: parent})
	if err != nil {
		e.t.Fatalf("organization %s: %v", code, err)
	}
	return o
}

func (e *env) orgMember(n int, orgID int64) model.Member {
	e.t.Helper()
	m, err := e.s.CreateMember(orgCtx(), model.System, model.MemberInput{Name: fmt.Sprintf("党员%03d", n), IDNumber: orgTestID(n),
		Category: model.CategoryFull, OrgID: orgID})
	if err != nil {
		e.t.Fatalf("member %d: %v", n, err)
	}
	return m
}

func orgPath(id int64, rest ...string) string {
	return "/organizations/" + strconv.FormatInt(id, 10) + strings.Join(rest, "")
}

func TestOrgFormsCreateAndEdit(t *testing.T) {
	e := newEnv(t)
	a := e.login("admin")
	if !strings.Contains(a.get("/organizations", 200), `id="empty"`) {
		t.Fatal("empty list has no empty state")
	}
	a.get("/organizations/new", 200)

	// A bad code is reported beside the field, and the typed values stay.
	form := url.Values{"code": {"a b"}, "name": {"城西新区党工委"}, "kind": {model.OrgCommittee}}
	code, body := a.postBody("/organizations", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-code"`) || !strings.Contains(body, "编码只能包含") ||
		!strings.Contains(body, `value="城西新区党工委"`) {
		t.Fatalf("bad code: %d\n%s", code, trim(body))
	}
	// A branch needs a parent.
	code, body = a.postBody("/organizations", url.Values{"code": {"B"}, "name": {"支部"}, "kind": {model.OrgBranch}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-parent_id"`) {
		t.Fatalf("branch without parent: %d", code)
	}
	// A term length that is not a number is a field error, not a zero.
	code, body = a.postBody("/organizations", url.Values{"code": {"B"}, "name": {"支部"}, "kind": {model.OrgBranch}, "term_years": {"three"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-term_years"`) {
		t.Fatalf("term years: %d", code)
	}

	form.Set("code", "CX-DGW")
	resp := a.post("/organizations", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create committee: %d", resp.StatusCode)
	}
	top := resp.Header.Get("Location")
	topID, _ := strconv.ParseInt(strings.TrimPrefix(top, "/organizations/"), 10, 64)
	if topID == 0 || !strings.Contains(a.get(top, 200), "城西新区党工委") {
		t.Fatalf("created committee at %q", top)
	}
	// The new form under a parent preselects it.
	if !strings.Contains(a.get("/organizations/new?parent="+strconv.FormatInt(topID, 10), 200),
		fmt.Sprintf(`<option value="%d" selected>`, topID)) {
		t.Fatal("parent not preselected")
	}
	resp = a.post("/organizations", url.Values{"code": {"CX-ANDE"}, "name": {"浙江安德电器有限公司党支部"}, "kind": {model.OrgBranch},
		"parent_id": {strconv.FormatInt(topID, 10)}, "term_start": {"2020-05-01"}, "founded_on": {"2015-07-01"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create branch: %d", resp.StatusCode)
	}
	branch := resp.Header.Get("Location")
	show := a.get(branch, 200)
	for _, want := range []string{"党支部", "2023年5月1日", "2015年7月1日", "城西新区党工委"} {
		if !strings.Contains(show, want) {
			t.Errorf("show page lacks %q", want)
		}
	}
	list := a.get("/organizations", 200)
	if !strings.Contains(list, "浙江安德电器有限公司党支部") || !strings.Contains(list, `class="depth-1"`) {
		t.Fatal("list lacks the indented branch")
	}
	if !strings.Contains(a.get("/organizations?kind=committee", 200), "城西新区党工委") ||
		strings.Contains(a.get("/organizations?kind=committee", 200), "安德电器有限公司党支部") {
		t.Fatal("kind filter")
	}
	a.get("/organizations?kind=evil", http.StatusUnprocessableEntity)

	// Edit with the version; a second edit from the same version is stale.
	edit := a.get(branch+"/edit", 200)
	if !strings.Contains(edit, `name="version" value="1"`) {
		t.Fatal("edit form lacks the version")
	}
	vals := url.Values{"code": {"CX-ANDE"}, "name": {"安德电器党支部"}, "kind": {model.OrgBranch},
		"parent_id": {strconv.FormatInt(topID, 10)}, "term_start": {"2020-05-01"}, "version": {"1"}}
	if resp := a.post(branch, vals); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	vals.Set("name", "覆盖前一次修改")
	code, body = a.postBody(branch, vals)
	if code != http.StatusConflict || !strings.Contains(body, "已被他人修改") {
		t.Fatalf("stale edit: %d", code)
	}
	if !strings.Contains(a.get(branch, 200), "安德电器党支部") {
		t.Fatal("first edit lost")
	}
	hist := a.get(branch+"?tab=history", 200)
	if !strings.Contains(hist, "修改党组织") || !strings.Contains(hist, "新增党组织") {
		t.Fatal("history tab lacks the audit entries")
	}
}

func TestOrgCoveragePostsAndChecksPages(t *testing.T) {
	e := newEnv(t)
	top := e.orgMust("T", "城西新区党工委", model.OrgCommittee, 0)
	small := e.orgMust("S", "小微企业党支部", model.OrgBranch, top.ID)
	fine := e.orgMust("F", "达标党支部", model.OrgBranch, top.ID)
	m1 := e.orgMember(1, small.ID)
	e.orgMember(2, small.ID)
	for i := 10; i < 13; i++ {
		e.orgMember(i, fine.ID)
	}
	ent := storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 7, "永康五金有限公司")
	a := e.login("admin")

	// The district list names the small branch with its localized warning.
	page := a.get("/organizations/checks", 200)
	if !strings.Contains(page, "小微企业党支部") || !strings.Contains(page, "正式党员2名，少于设立党支部所需的3名") ||
		strings.Contains(page, "达标党支部") {
		t.Fatalf("checks page:\n%s", trim(page))
	}
	if !strings.Contains(page, `data-code="too_few_full_members"><div class="card-num">1</div>`) {
		t.Fatal("summary count by code")
	}
	if strings.Contains(a.get("/organizations/checks?code=term_overdue", 200), "小微企业党支部") {
		t.Fatal("code filter")
	}
	a.get("/organizations/checks?code=evil", http.StatusUnprocessableEntity)
	show := a.get(orgPath(small.ID), 200)
	if !strings.Contains(show, `id="checks"`) || !strings.Contains(show, "少于设立党支部所需的3名") {
		t.Fatal("detail page lacks the warning")
	}
	if !strings.Contains(a.get(orgPath(fine.ID), 200), `id="checks-ok"`) {
		t.Fatal("fine branch shows warnings")
	}
	if !strings.Contains(a.get("/organizations", 200), "1项预警") {
		t.Fatal("list lacks the warning badge")
	}

	// Coverage by credit code: a wrong check character, an unknown code, then a good one.
	code, body := a.postBody(orgPath(small.ID, "/coverage"), url.Values{"uscc": {"91330784MA2E8XKB0A"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-uscc"`) {
		t.Fatalf("bad credit code: %d", code)
	}
	code, body = a.postBody(orgPath(small.ID, "/coverage"), url.Values{"uscc": {storetest.USCC(999)}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "没有该统一社会信用代码的企业") {
		t.Fatalf("unknown credit code: %d", code)
	}
	if resp := a.post(orgPath(small.ID, "/coverage"), url.Values{"uscc": {ent.USCC}, "since": {"2021-01-05"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cover: %d", resp.StatusCode)
	}
	code, body = a.postBody(orgPath(fine.ID, "/coverage"), url.Values{"uscc": {ent.USCC}, "kind": {"own"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "该企业已有本企业党组织：小微企业党支部") {
		t.Fatalf("second own organization: %d", code)
	}
	tab := a.get(orgPath(small.ID, "?tab=coverage"), 200)
	if !strings.Contains(tab, "永康五金有限公司") || !strings.Contains(tab, "2021年1月5日") {
		t.Fatal("coverage tab")
	}
	cov, err := e.s.Coverage(orgCtx(), small.ID)
	if err != nil || len(cov) != 1 {
		t.Fatal(cov, err)
	}
	confirm := a.get(orgPath(small.ID, "/coverage/end?coverage="+strconv.FormatInt(cov[0].ID, 10)), 200)
	if !strings.Contains(confirm, "永康五金有限公司") || !strings.Contains(confirm, `id="confirm-end"`) {
		t.Fatal("end coverage confirmation")
	}
	a.get(orgPath(small.ID, "/coverage/end?coverage=99999"), http.StatusNotFound)
	if code, _ := a.postBody(orgPath(small.ID, "/coverage/end"), url.Values{"coverage": {strconv.FormatInt(cov[0].ID, 10)}, "until": {"bad"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("bad end date: %d", code)
	}
	if resp := a.post(orgPath(small.ID, "/coverage/end"), url.Values{"coverage": {strconv.FormatInt(cov[0].ID, 10)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("end coverage: %d", resp.StatusCode)
	}
	if !strings.Contains(a.get(orgPath(small.ID, "?tab=coverage"), 200), `id="coverage-ended"`) {
		t.Fatal("ended coverage not listed")
	}

	// Posts: the form offers the branch's own members; a member of another
	// organization is refused beside the field.
	posts := a.get(orgPath(small.ID, "?tab=posts"), 200)
	if !strings.Contains(posts, m1.Name) || strings.Contains(posts, "党员010") {
		t.Fatal("post form candidates")
	}
	other, _ := e.s.ListMembers(orgCtx(), model.System, model.MemberFilter{OrgID: fine.ID, Limit: 1})
	code, body = a.postBody(orgPath(small.ID, "/posts"), url.Values{"member_id": {strconv.FormatInt(other.Items[0].ID, 10)}, "post": {"secretary"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-member_id"`) {
		t.Fatalf("post for another organization's member: %d", code)
	}
	if resp := a.post(orgPath(small.ID, "/posts"), url.Values{"member_id": {strconv.FormatInt(m1.ID, 10)}, "post": {"secretary"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d", resp.StatusCode)
	}
	cur, _ := e.s.Posts(orgCtx(), small.ID, false)
	if len(cur) != 1 || cur[0].MemberID != m1.ID {
		t.Fatalf("posts: %+v", cur)
	}
	if !strings.Contains(a.get(orgPath(small.ID, "/posts/end?post="+strconv.FormatInt(cur[0].ID, 10)), 200), "书记") {
		t.Fatal("end post confirmation")
	}
	if resp := a.post(orgPath(small.ID, "/posts/end"), url.Values{"post": {strconv.FormatInt(cur[0].ID, 10)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("end post: %d", resp.StatusCode)
	}
	if !strings.Contains(a.get(orgPath(small.ID, "?tab=posts"), 200), `id="posts-past"`) {
		t.Fatal("past posts not listed")
	}

	// Members tab and alliances.
	if !strings.Contains(a.get(orgPath(small.ID, "?tab=members"), 200), m1.Name) {
		t.Fatal("members tab")
	}
	resp := a.post("/alliances", url.Values{"code": {"HJ-1"}, "name": {"五金产业链党建联盟"},
		"org_ids": {strconv.FormatInt(small.ID, 10), strconv.FormatInt(fine.ID, 10)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("alliance: %d", resp.StatusCode)
	}
	al := a.get("/alliances", 200)
	if !strings.Contains(al, "五金产业链党建联盟") || !strings.Contains(al, "达标党支部") {
		t.Fatal("alliance list")
	}
	if !strings.Contains(a.get(orgPath(fine.ID, "?tab=alliances"), 200), "五金产业链党建联盟") {
		t.Fatal("alliance tab")
	}
	code, body = a.postBody("/alliances", url.Values{"code": {"HJ-1"}, "name": {"重复"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-code"`) {
		t.Fatalf("duplicate alliance: %d", code)
	}
	alls, _ := e.s.Alliances(orgCtx())
	aid := strconv.FormatInt(alls[0].ID, 10)
	if !strings.Contains(a.get("/alliances/"+aid+"/edit", 200), `name="version" value="1"`) {
		t.Fatal("alliance edit")
	}
	edit := url.Values{"code": {"HJ-1"}, "name": {"五金联盟"}, "version": {"1"}}
	if resp := a.post("/alliances/"+aid, edit); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("alliance edit: %d", resp.StatusCode)
	}
	if code, _ := a.postBody("/alliances/"+aid, edit); code != http.StatusConflict {
		t.Fatalf("stale alliance edit: %d", code)
	}
}

// callLang is api.call with an Accept-Language header.
func (a *api) callLang(lang, method, path string) (int, string) {
	a.e.t.Helper()
	req, _ := http.NewRequest(method, a.e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Accept-Language", lang)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestOrgAPI(t *testing.T) {
	e := newEnv(t)
	a := e.apiLogin("admin")
	code, body := a.call("POST", "/api/v1/organizations", `{"code":"T","name":"城西新区党工委","kind":"党委"}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	var top model.Organization
	_ = json.Unmarshal([]byte(body), &top)
	code, body = a.call("POST", "/api/v1/organizations", fmt.Sprintf(`{"code":"B","name":"某支部","kind":"branch","parent_id":%d,"term_start":"2020-01-01","term_years":5,"notes":"备注"}`, top.ID))
	if code != http.StatusCreated {
		t.Fatalf("create branch: %d %s", code, body)
	}
	var br model.Organization
	_ = json.Unmarshal([]byte(body), &br)
	if br.Kind != model.OrgBranch || br.ParentID != top.ID || br.TermEnd == nil || br.TermEnd.Format("2006-01-02") != "2025-01-01" {
		t.Fatalf("branch: %+v", br)
	}
	e.orgMember(1, br.ID)

	var list struct {
		Items      []model.Organization `json:"items"`
		NextCursor string               `json:"next_cursor"`
	}
	code, body = a.call("GET", "/api/v1/organizations?limit=1", "")
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list.Items) != 1 || list.Items[0].ID != top.ID || list.NextCursor == "" {
		t.Fatalf("list page 1: %d %s", code, body)
	}
	code, body = a.call("GET", "/api/v1/organizations?limit=1&cursor="+url.QueryEscape(list.NextCursor), "")
	list.Items = nil
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list.Items) != 1 || list.Items[0].ID != br.ID || list.Items[0].FullMembers != 1 {
		t.Fatalf("list page 2: %d %s", code, body)
	}
	code, body = a.call("GET", "/api/v1/organizations?kind=committee&q="+url.QueryEscape("党工委"), "")
	list.Items = nil
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list.Items) != 1 || list.Items[0].ID != top.ID {
		t.Fatalf("filtered list: %d %s", code, body)
	}

	cases := []struct {
		name, method, path, body string
		status                   int
		field                    string
	}{
		{"bad code", "POST", "/api/v1/organizations", `{"code":"a b","name":"x","kind":"党委"}`, 422, "code"},
		{"duplicate", "POST", "/api/v1/organizations", `{"code":"T","name":"x","kind":"党委"}`, 409, "code"},
		{"unknown field", "POST", "/api/v1/organizations", `{"kidn":"党委"}`, 400, ""},
		{"patch without version", "PATCH", fmt.Sprintf("/api/v1/organizations/%d", br.ID), `{"name":"x"}`, 422, "version"},
		{"stale patch", "PATCH", fmt.Sprintf("/api/v1/organizations/%d", br.ID), `{"name":"x","version":7}`, 409, ""},
		{"bad kind filter", "GET", "/api/v1/organizations?kind=evil", "", 422, "kind"},
		{"bad limit", "GET", "/api/v1/organizations?limit=0", "", 422, "limit"},
		{"missing", "GET", "/api/v1/organizations/99999", "", 404, ""},
		{"missing checks", "GET", "/api/v1/organizations/99999/checks", "", 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := a.call(c.method, c.path, c.body)
			if status != c.status {
				t.Fatalf("status %d want %d: %s", status, c.status, body)
			}
			er := decodeErr(t, body)
			if c.field != "" && er.Error.Fields[c.field] == "" {
				t.Fatalf("no message for %s: %+v", c.field, er)
			}
		})
	}

	// PATCH changes what it names and keeps the rest, the term length included.
	code, body = a.call("PATCH", fmt.Sprintf("/api/v1/organizations/%d", br.ID), `{"name":"改名支部","version":1}`)
	var got model.Organization
	if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil {
		t.Fatalf("patch: %d %s", code, body)
	}
	if got.Name != "改名支部" || got.Code != "B" || got.Notes != "备注" || got.ParentID != top.ID || got.TermYears != 5 || got.Version != 2 {
		t.Fatalf("patched: %+v", got)
	}
	code, body = a.call("GET", fmt.Sprintf("/api/v1/organizations/%d", br.ID), "")
	if code != 200 || !strings.Contains(body, `"name":"改名支部"`) {
		t.Fatalf("get: %d %s", code, body)
	}

	// Checks, localized by the request.
	type checks struct {
		Items []struct{ Code, Severity, Message string } `json:"items"`
	}
	var zh, en checks
	code, body = a.call("GET", fmt.Sprintf("/api/v1/organizations/%d/checks", br.ID), "")
	if err := json.Unmarshal([]byte(body), &zh); code != 200 || err != nil || len(zh.Items) != 1 {
		t.Fatalf("checks: %d %s", code, body)
	}
	if c := zh.Items[0]; c.Code != "too_few_full_members" || c.Severity != "alert" || !strings.Contains(c.Message, "正式党员1名") {
		t.Fatalf("check: %+v", c)
	}
	code, body = a.callLang("en", "GET", fmt.Sprintf("/api/v1/organizations/%d/checks", br.ID))
	if err := json.Unmarshal([]byte(body), &en); code != 200 || err != nil || len(en.Items) != 1 || en.Items[0].Message == zh.Items[0].Message ||
		strings.ContainsAny(en.Items[0].Message, "党员") {
		t.Fatalf("english checks: %d %s", code, body)
	}
	code, body = a.call("GET", fmt.Sprintf("/api/v1/organizations/%d/checks", top.ID), "")
	if code != 200 || body != "{\"items\":[]}\n" {
		t.Fatalf("no checks: %d %q", code, body)
	}

	if _, err := e.s.SaveAlliance(orgCtx(), model.System, 0, store.AllianceInput{Code: "L1", Name: "联盟一", OrgIDs: []int64{br.ID}}); err != nil {
		t.Fatal(err)
	}
	code, body = a.call("GET", "/api/v1/alliances", "")
	if code != 200 || !strings.Contains(body, `"name":"联盟一"`) || !strings.Contains(body, `"members":1`) {
		t.Fatalf("alliances: %d %s", code, body)
	}
}

func TestOrgScopeInPagesAndAPI(t *testing.T) {
	e := newEnv(t)
	top := e.orgMust("T", "城西新区党工委", model.OrgCommittee, 0)
	east := e.orgMust("E", "东片党支部", model.OrgBranch, top.ID)
	west := e.orgMust("W", "西片党支部", model.OrgBranch, top.ID)
	ea := storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 1, "东一企业")
	eb := storetest.MustEnterprise(t, e.s, e.f.GridB1.ID, e.f.Industry.ID, 2, "西一企业")
	for _, c := range []struct{ org, ent int64 }{{east.ID, ea.ID}, {west.ID, eb.ID}} {
		if _, err := e.s.AddCoverage(orgCtx(), model.System, c.org, store.CoverageInput{EnterpriseID: c.ent}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.s.SaveAlliance(orgCtx(), model.System, 0, store.AllianceInput{Code: "L", Name: "东西联盟", OrgIDs: []int64{east.ID, west.ID}}); err != nil {
		t.Fatal(err)
	}

	// A grid worker of A1 reads the east branch only, and writes nothing.
	w := e.login("worker")
	list := w.get("/organizations", 200)
	if !strings.Contains(list, "东片党支部") || strings.Contains(list, "西片党支部") || strings.Contains(list, `href="`+orgPath(top.ID)+`"`) {
		t.Fatalf("worker list:\n%s", trim(list))
	}
	w.get(orgPath(east.ID), 200)
	w.get(orgPath(west.ID), http.StatusNotFound)
	w.get(orgPath(top.ID, "?tab=history"), http.StatusNotFound)
	w.get(orgPath(east.ID, "/edit"), http.StatusForbidden)
	w.get("/organizations/new", http.StatusForbidden)
	if strings.Contains(w.get("/organizations/checks", 200), "西片党支部") {
		t.Fatal("worker checks page shows an organization outside scope")
	}
	al := w.get("/alliances", 200)
	if !strings.Contains(al, "东西联盟") || strings.Contains(al, "西片党支部") {
		t.Fatal("worker alliance list shows an organization outside scope")
	}
	wa := e.apiLogin("worker")
	for _, p := range []string{fmt.Sprintf("/api/v1/organizations/%d", west.ID), fmt.Sprintf("/api/v1/organizations/%d/checks", west.ID)} {
		if code, body := wa.call("GET", p, ""); code != http.StatusNotFound || decodeErr(t, body).Error.Code != "not_found" {
			t.Fatalf("worker GET %s: %d", p, code)
		}
	}
	if code, _ := wa.call("GET", fmt.Sprintf("/api/v1/organizations/%d", east.ID), ""); code != 200 {
		t.Fatalf("worker reads the east branch: %d", code)
	}
	if code, body := wa.call("GET", "/api/v1/organizations", ""); code != 200 || strings.Contains(body, "西片党支部") {
		t.Fatalf("worker API list: %d %s", code, body)
	}
	if code, _ := wa.call("PATCH", fmt.Sprintf("/api/v1/organizations/%d", east.ID), `{"name":"x","version":1}`); code != http.StatusForbidden {
		t.Fatalf("worker PATCH: %d", code)
	}

	// A secretary of the east branch edits it, but nothing above or beside it.
	if _, err := e.s.CreateUser(orgCtx(), model.System, store.UserInput{Username: "sec", Role: model.RoleOrgSecretary,
		OrgIDs: []int64{east.ID}, Password: storetest.Password}); err != nil {
		t.Fatal(err)
	}
	sc := e.login("sec")
	form := sc.get(orgPath(east.ID, "/edit"), 200)
	if !strings.Contains(form, fmt.Sprintf(`<option value="%d" selected>`, top.ID)) || strings.Contains(form, "顶级党委") {
		t.Fatal("secretary's edit form must keep the current parent")
	}
	sc.get(orgPath(west.ID, "/edit"), http.StatusNotFound)
	sc.get(orgPath(top.ID), http.StatusNotFound)
	resp := sc.post(orgPath(east.ID), url.Values{"code": {"E"}, "name": {"东片第一党支部"}, "kind": {"branch"},
		"parent_id": {strconv.FormatInt(top.ID, 10)}, "version": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("secretary edit: %d", resp.StatusCode)
	}
	code, body := sc.postBody(orgPath(west.ID), url.Values{"code": {"W"}, "name": {"x"}, "kind": {"branch"}, "version": {"1"}})
	if code != http.StatusNotFound {
		t.Fatalf("secretary edit outside: %d %s", code, trim(body))
	}
	code, body = sc.postBody("/organizations", url.Values{"code": {"N"}, "name": {"新支部"}, "kind": {"branch"}, "parent_id": {strconv.FormatInt(top.ID, 10)}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-parent_id"`) {
		t.Fatalf("secretary creating outside the subtree: %d", code)
	}
	sc.get("/alliances/new", http.StatusForbidden)
}
