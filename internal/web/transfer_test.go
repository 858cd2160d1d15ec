package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// twParty is a committee with two branches (A with two full members, B
// empty), a secretary for each branch, and an enterprise A covers.
type twParty struct {
	top, a, b model.Organization
	ent       model.Enterprise
	m1, m2    model.Member
}

func twSetup(t *testing.T, e *env) twParty {
	t.Helper()
	ctx := context.Background()
	org := func(code, name, kind string, parent int64) model.Organization {
		o, err := e.s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: code, Name: name, Kind: kind, ParentID: parent})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	var p twParty
	p.top = org("TW-DGW", "城西新区党工委", store.OrgCommittee, 0)
	p.a = org("TW-A", "浙江安德电器有限公司党支部", store.OrgBranch, p.top.ID)
	p.b = org("TW-B", "永康五金城党支部", store.OrgBranch, p.top.ID)
	p.ent = storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 801, "浙江安德电器有限公司")
	if _, err := e.s.AddCoverage(ctx, model.System, p.a.ID, store.CoverageInput{EnterpriseID: p.ent.ID, Kind: model.CoverOwn}); err != nil {
		t.Fatal(err)
	}
	p.m1 = twMember(t, e, 1, "张建国", p.a.ID)
	p.m2 = twMember(t, e, 2, "李红梅", p.a.ID)
	for _, u := range []struct {
		name string
		org  int64
	}{{"seca", p.a.ID}, {"secb", p.b.ID}} {
		if _, err := e.s.CreateUser(ctx, model.System, store.UserInput{Username: u.name, DisplayName: u.name, Role: model.RoleOrgSecretary,
			OrgIDs: []int64{u.org}, Password: storetest.Password}); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// twID makes a valid 居民身份证号 (born 1985-01-01; odd n is male).
func twID(n int) string {
	body := fmt.Sprintf("33078419850101%03d", n%1000)
	c, _ := ident.IDCheckChar(body)
	return body + string(c)
}

func twMember(t *testing.T, e *env, n int, name string, orgID int64) model.Member {
	t.Helper()
	m, err := e.s.CreateMember(context.Background(), model.System, model.MemberInput{Name: name, IDNumber: twID(n),
		Ethnicity: "汉族", Category: model.CategoryFull, AdmittedOn: "2010-07-01", FullOn: "2011-07-01", OrgID: orgID})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// seeOther checks a 303 and returns the id at the end of its Location.
func twSeeOther(t *testing.T, resp *http.Response, prefix string) int64 {
	t.Helper()
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("status %d location %q, want 303 to %s…\n%s", resp.StatusCode, loc, prefix, trim(string(b)))
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, prefix), 10, 64)
	if err != nil {
		t.Fatalf("location %q", loc)
	}
	return id
}

var twVersionRe = regexp.MustCompile(`name="version" value="(\d+)"`)

func twComposition(t *testing.T, e *env, orgID int64) (full int, codes []string) {
	t.Helper()
	ctx := context.Background()
	o, err := e.s.Organization(ctx, model.System, orgID)
	if err != nil {
		t.Fatal(err)
	}
	checks, err := e.s.OrgChecks(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		codes = append(codes, c.Code)
	}
	counts, err := e.s.OrgMemberCounts(ctx, orgID)
	if err != nil || counts.Full != o.FullMembers {
		t.Fatalf("counters %+v vs %d: %v", counts, o.FullMembers, err)
	}
	return o.FullMembers, codes
}

// The test: a branch with two full members is warned it is too
// small; its secretary receives a member transferred in through the forms;
// the branch then has three full members and the warning is gone.
func TestSecretaryReceivesTransferIn(t *testing.T) {
	e := newEnv(t)
	p := twSetup(t, e)
	full, codes := twComposition(t, e, p.a.ID)
	if full != 2 || !slices.Contains(codes, "too_few_full_members") {
		t.Fatalf("before: %d full, checks %v", full, codes)
	}

	c := e.login("seca")
	form := c.get("/transfers/new?kind=in", 200)
	if !strings.Contains(form, fmt.Sprintf(`<option value="%d"`, p.a.ID)) || strings.Contains(form, fmt.Sprintf(`<option value="%d"`, p.b.ID)) {
		t.Fatal("the receiving select must offer the secretary's own branch only")
	}
	good := url.Values{"kind": {"in"}, "member.name": {"王志强"}, "member.id_number": {twID(3)}, "member.phone": {"13905791234"},
		"member.ethnicity": {"汉族"}, "member.category": {"full"}, "member.admitted_on": {"2012-07-01"}, "member.full_on": {"2013-07-01"},
		"member.enterprise_uscc": {p.ent.USCC}, "from_name": {"中共金华市婺城区某某支部委员会"}, "to_org_id": {strconv.FormatInt(p.a.ID, 10)},
		"letter_no": {"婺组〔2021〕12号"}, "dues_paid_to": {"2021-07"}, "issued_on": {"2021-08-20"}, "valid_days": {"30"}}

	// Bad input first: the reasons are shown beside the fields, nothing is written.
	bad := url.Values{}
	for k, v := range good {
		bad[k] = v
	}
	bad.Set("member.id_number", "330784198501010010")
	bad.Set("from_name", "")
	bad.Set("member.enterprise_uscc", storetest.USCC(9999))
	code, body := c.postBody("/transfers", bad)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-member-enterprise_uscc"`) || !strings.Contains(body, "王志强") {
		t.Fatalf("bad transfer in: %d\n%s", code, trim(body))
	}
	bad.Set("member.enterprise_uscc", p.ent.USCC)
	code, body = c.postBody("/transfers", bad)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-member-id_number"`) || !strings.Contains(body, `id="err-from_name"`) {
		t.Fatalf("bad transfer in (store checks): %d\n%s", code, trim(body))
	}
	if items, _, _, _ := e.s.ListTransfers(context.Background(), model.System, model.TransferFilter{}); len(items) != 0 {
		t.Fatal("a refused form wrote a transfer")
	}

	id := twSeeOther(t, c.post("/transfers", good), "/transfers/")
	page := c.get(fmt.Sprintf("/transfers/%d", id), 200)
	for _, want := range []string{"在途", "王志强", `id="act-receive"`, `id="act-cancel"`, `id="return-form"`, `data-check="too_few_full_members"`,
		`id="to-full">2<`, "婺组〔2021〕12号"} {
		if !strings.Contains(page, want) {
			t.Fatalf("detail in transit lacks %q\n%s", want, trim(page))
		}
	}
	if strings.Contains(page, `id="act-approve"`) || strings.Contains(page, `id="act-dispatch"`) {
		t.Fatal("an inward transfer offers sender steps")
	}
	if full, _ := twComposition(t, e, p.a.ID); full != 2 {
		t.Fatal("the member counted before receipt")
	}
	ver := twVersionRe.FindStringSubmatch(page)
	if ver == nil {
		t.Fatal("no version on the action forms")
	}
	resp := c.post(fmt.Sprintf("/transfers/%d/receive", id), url.Values{"version": {ver[1]}})
	if got := twSeeOther(t, resp, "/transfers/"); got != id {
		t.Fatalf("redirect to %d", got)
	}
	page = c.get(fmt.Sprintf("/transfers/%d", id), 200)
	for _, want := range []string{"已接收", `id="to-full">3<`, `id="to-checks-ok"`, "已接收，党员组织关系已转入", "接收组织关系"} {
		if !strings.Contains(page, want) {
			t.Fatalf("detail after receipt lacks %q\n%s", want, trim(page))
		}
	}
	if strings.Contains(page, "too_few_full_members") || strings.Contains(page, `id="actions"`) {
		t.Fatal("warning or buttons left after receipt")
	}
	full, codes = twComposition(t, e, p.a.ID)
	if full != 3 || slices.Contains(codes, "too_few_full_members") {
		t.Fatalf("after: %d full, checks %v", full, codes)
	}
	// The same button again: the step is no longer open.
	code, body = c.postBody(fmt.Sprintf("/transfers/%d/receive", id), url.Values{"version": {ver[1]}})
	if code != http.StatusConflict || !strings.Contains(body, "转接当前所处环节不能执行此操作") {
		t.Fatalf("second receipt: %d\n%s", code, trim(body))
	}
	if full, _ := twComposition(t, e, p.a.ID); full != 3 {
		t.Fatal("a refused step changed the counts")
	}
	// The new member works at the enterprise given by its credit code.
	tr, _ := e.s.Transfer(context.Background(), model.System, id)
	m, _ := e.s.Member(context.Background(), model.System, tr.MemberID)
	if m.EnterpriseID != p.ent.ID || m.OrgID != p.a.ID {
		t.Fatalf("member: %+v", m)
	}
}

func TestTransferWebFlowAndRefusals(t *testing.T) {
	e := newEnv(t)
	p := twSetup(t, e)
	a := e.login("seca")
	b := e.login("secb")

	// Starting from a member: the form names them.
	form := a.get(fmt.Sprintf("/transfers/new?kind=within&member=%d", p.m1.ID), 200)
	if !strings.Contains(form, `id="member-found"`) || !strings.Contains(form, "张建国") {
		t.Fatal("member not named on the form")
	}
	within := func(member, to int64) url.Values {
		return url.Values{"kind": {"within"}, "member_id": {strconv.FormatInt(member, 10)}, "to_org_id": {strconv.FormatInt(to, 10)},
			"letter_no": {"城西〔2021〕5号"}, "dues_paid_to": {"2021-08"}, "issued_on": {"2021-08-25"}, "valid_days": {"30"}}
	}
	// To the organization the member already belongs to: refused with the reason.
	code, body := a.postBody("/transfers", within(p.m1.ID, p.a.ID))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-to_org_id"`) || !strings.Contains(body, "该党员已在此党组织") {
		t.Fatalf("same organization: %d\n%s", code, trim(body))
	}
	// Bad numbers and months are field errors, not crashes.
	bad := within(p.m1.ID, p.b.ID)
	bad.Set("valid_days", "thirty")
	bad.Set("dues_paid_to", "2021-13")
	code, body = a.postBody("/transfers", bad)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-valid_days"`) {
		t.Fatalf("bad number: %d\n%s", code, trim(body))
	}
	bad.Set("valid_days", "30")
	code, body = a.postBody("/transfers", bad)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-dues_paid_to"`) {
		t.Fatalf("bad month: %d\n%s", code, trim(body))
	}
	// The other branch cannot start it.
	code, _ = b.postBody("/transfers", within(p.m1.ID, p.b.ID))
	if code != http.StatusNotFound {
		t.Fatalf("wrong side starts: %d", code)
	}

	id := twSeeOther(t, a.post("/transfers", within(p.m1.ID, p.b.ID)), "/transfers/")
	// A member in transit cannot be transferred again.
	again := within(p.m1.ID, p.top.ID)
	code, body = a.postBody("/transfers", again)
	if code != http.StatusConflict || !strings.Contains(body, "该党员已有一笔正在办理的组织关系转接") {
		t.Fatalf("second transfer: %d\n%s", code, trim(body))
	}
	out := url.Values{"kind": {"out"}, "member_id": {strconv.FormatInt(p.m1.ID, 10)}, "to_name": {"中共金华市某某委员会"}}
	if code, _ := a.postBody("/transfers", out); code != http.StatusConflict {
		t.Fatalf("second transfer out: %d", code)
	}

	step := func(c *client, action string, extra url.Values, want int) string {
		t.Helper()
		page := c.get(fmt.Sprintf("/transfers/%d", id), 200)
		ver := twVersionRe.FindStringSubmatch(page)
		if ver == nil {
			t.Fatalf("no action forms on the page for %s", action)
		}
		extra.Set("version", ver[1])
		code, body := c.postBody(fmt.Sprintf("/transfers/%d/%s", id, action), extra)
		if code != want {
			t.Fatalf("%s: %d, want %d\n%s", action, code, want, trim(body))
		}
		return body
	}
	// Only the sending side's buttons on the sender's page, none on the receiver's.
	if page := b.get(fmt.Sprintf("/transfers/%d", id), 200); strings.Contains(page, `id="actions"`) {
		t.Fatal("receiver offered steps at 发起")
	}
	if page := a.get(fmt.Sprintf("/transfers/%d", id), 200); !strings.Contains(page, `id="act-approve"`) || strings.Contains(page, `id="act-receive"`) {
		t.Fatal("sender's buttons at 发起")
	}
	code, _ = b.postBody(fmt.Sprintf("/transfers/%d/approve", id), url.Values{"version": {"1"}})
	if code != http.StatusForbidden {
		t.Fatalf("receiver approves: %d", code)
	}
	step(a, "approve", url.Values{}, http.StatusSeeOther)
	// A stale version is a conflict with a message.
	code, body = a.postBody(fmt.Sprintf("/transfers/%d/dispatch", id), url.Values{"version": {"1"}})
	if code != http.StatusConflict || !strings.Contains(body, `id="form-error"`) {
		t.Fatalf("stale step: %d\n%s", code, trim(body))
	}
	step(a, "dispatch", url.Values{}, http.StatusSeeOther)
	if page := a.get(fmt.Sprintf("/transfers/%d", id), 200); !strings.Contains(page, "在途期间，党员仍由浙江安德电器有限公司党支部管理") {
		t.Fatal("in transit: the sender's responsibility is not stated")
	}
	// Return needs a reason.
	body = step(b, "return", url.Values{"reason": {" "}}, http.StatusUnprocessableEntity)
	if !strings.Contains(body, `id="err-reason"`) {
		t.Fatalf("return without reason\n%s", trim(body))
	}
	step(b, "return", url.Values{"reason": {"介绍信抬头有误"}}, http.StatusSeeOther)
	page := a.get(fmt.Sprintf("/transfers/%d", id), 200)
	if !strings.Contains(page, "已退回") || !strings.Contains(page, "介绍信抬头有误") {
		t.Fatal("returned transfer page")
	}
	if m, _ := e.s.Member(context.Background(), model.System, p.m1.ID); m.OrgID != p.a.ID || m.InTransit {
		t.Fatal("a returned transfer moved the member")
	}

	// Cancel asks first.
	id = twSeeOther(t, a.post("/transfers", within(p.m1.ID, p.b.ID)), "/transfers/")
	confirm := a.get(fmt.Sprintf("/transfers/%d/cancel", id), 200)
	if !strings.Contains(confirm, `id="confirm-cancel"`) || !strings.Contains(confirm, "张建国") {
		t.Fatal("cancel confirmation")
	}
	b.get(fmt.Sprintf("/transfers/%d/cancel", id), http.StatusConflict)
	ver := twVersionRe.FindStringSubmatch(confirm)
	twSeeOther(t, a.post(fmt.Sprintf("/transfers/%d/cancel", id), url.Values{"version": {ver[1]}, "reason": {"本人暂缓"}}), "/transfers/")
	if page := a.get(fmt.Sprintf("/transfers/%d", id), 200); !strings.Contains(page, "已撤销") {
		t.Fatal("cancelled")
	}

	// Lists: filters, empty states, the expired badge with the clock.
	list := a.get("/transfers", 200)
	if !strings.Contains(list, `id="transfer-table"`) || strings.Count(list, `href="/transfers/`+strconv.FormatInt(id, 10)+`"`) == 0 {
		t.Fatal("list")
	}
	if page := a.get("/transfers?state=received", 200); !strings.Contains(page, `id="empty"`) || !strings.Contains(page, "没有符合条件的记录") {
		t.Fatal("filtered empty state")
	}
	a.get("/transfers?state=evil", http.StatusUnprocessableEntity)
	a.get("/transfers?org=99999", http.StatusUnprocessableEntity)
	a.get("/transfers?cursor=!!", http.StatusUnprocessableEntity)
	id3 := twSeeOther(t, a.post("/transfers", within(p.m2.ID, p.b.ID)), "/transfers/")
	e.clock.Add(31 * 24 * 3600 * 1e9)
	a, b = e.login("seca"), e.login("secb") // the sessions did not last the month
	page = a.get("/transfers?expired=1", 200)
	if !strings.Contains(page, "已过期") || !strings.Contains(page, fmt.Sprintf(`href="/transfers/%d"`, id3)) || strings.Contains(page, fmt.Sprintf(`href="/transfers/%d"`, id)) {
		t.Fatalf("expired list\n%s", trim(page))
	}
	if page := a.get(fmt.Sprintf("/transfers/%d", id3), 200); !strings.Contains(page, `id="expired"`) {
		t.Fatal("expired flag on the detail page")
	}
	if page := b.get("/transfers?kind=out", 200); !strings.Contains(page, "暂无") && !strings.Contains(page, `id="empty"`) {
		t.Fatal("empty state")
	}
}

func TestTransferLetterPage(t *testing.T) {
	e := newEnv(t)
	p := twSetup(t, e)
	tr, err := e.s.CreateTransfer(context.Background(), model.System, model.TransferInput{Kind: model.TransferOut, MemberID: p.m1.ID,
		ToName: "中共金华市某某委员会", LetterNo: "城西〔2021〕8号", DuesPaidTo: "2021-07", IssuedOn: "2021-08-25", ValidDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	a := e.login("seca")
	page := a.get(fmt.Sprintf("/transfers/%d/letter", tr.ID), 200)
	for _, want := range []string{`id="letter-stub"`, `id="letter-main"`, `id="letter-receipt"`, "（存根）", "（回执）",
		"张建国 同志（男，36 岁，汉族），系中共正式党员", "党费交到 2021 年 7 月", "有效期 30 天", "2021年8月25日", "城西〔2021〕8号</p>",
		"中共金华市某某委员会：", "浙江安德电器有限公司党支部（盖章）", "____ 年 __ 月 __ 日", `class="letter-cut"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("letter lacks %q\n%s", want, trim(page))
		}
	}
	if strings.Count(page, `class="letter-part"`) != 3 || strings.Count(page, `class="letter-cut"`) != 2 {
		t.Fatal("three parts, two cut lines")
	}
	if strings.Contains(page, p.m1.IDMasked) {
		t.Fatal("the letter shows an ID number")
	}
	// The official form stays Chinese for an English reader.
	a.get("/lang/en", 0)
	if page := a.get(fmt.Sprintf("/transfers/%d/letter", tr.ID), 200); !strings.Contains(page, "中国共产党党员组织关系介绍信") {
		t.Fatal("letter not Chinese in English")
	}
	// Outside the secretary's transfers: 404.
	b := e.login("secb")
	b.get(fmt.Sprintf("/transfers/%d/letter", tr.ID), http.StatusNotFound)
	b.get(fmt.Sprintf("/transfers/%d", tr.ID), http.StatusNotFound)
}

func TestTransferPermissions(t *testing.T) {
	e := newEnv(t)
	twSetup(t, e)
	w := e.login("worker")
	for _, path := range []string{"/transfers", "/transfers/new?kind=in", "/transfers/1", "/transfers/1/letter"} {
		w.get(path, http.StatusForbidden)
	}
	if code, _ := w.postBody("/transfers", url.Values{"kind": {"in"}}); code != http.StatusForbidden {
		t.Fatalf("worker posts a transfer: %d", code)
	}
	if code, _ := w.postBody("/surveys/1/convert", url.Values{}); code != http.StatusForbidden {
		t.Fatalf("worker converts a survey: %d", code)
	}
	if page := w.get("/", 200); strings.Contains(page, `href="/transfers"`) || !strings.Contains(page, `href="/surveys"`) {
		t.Fatal("menu for a grid worker")
	}
	api := e.apiLogin("worker")
	if code, _ := api.call("GET", "/api/v1/transfers", ""); code != http.StatusForbidden {
		t.Fatalf("worker API: %d", code)
	}
	e.login("anjian").get("/surveys", http.StatusForbidden)
}

func TestTransferAPI(t *testing.T) {
	e := newEnv(t)
	p := twSetup(t, e)
	a := e.apiLogin("seca")
	b := e.apiLogin("secb")
	type tj struct {
		ID      int64    `json:"id"`
		State   string   `json:"state"`
		Version int      `json:"version"`
		Allowed []string `json:"allowed_actions"`
		Expired bool     `json:"expired"`
	}
	decode := func(body string) tj {
		var x tj
		if err := json.Unmarshal([]byte(body), &x); err != nil {
			t.Fatalf("%v %s", err, body)
		}
		return x
	}
	body := fmt.Sprintf(`{"kind":"within","member_id":%d,"to_org_id":%d,"letter_no":"城西〔2021〕9号","dues_paid_to":"2021-08","valid_days":30}`, p.m1.ID, p.b.ID)
	code, resp := a.call("POST", "/api/v1/transfers", body)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, resp)
	}
	tr := decode(resp)
	if tr.State != "initiated" || fmt.Sprint(tr.Allowed) != "[approve cancel]" {
		t.Fatalf("created: %+v", tr)
	}
	path := fmt.Sprintf("/api/v1/transfers/%d", tr.ID)
	cases := []struct {
		name         string
		api          *api
		method, path string
		body         string
		status       int
		field        string
	}{
		{"in transit again", a, "POST", "/api/v1/transfers", body, 409, "member_id"},
		{"same organization", a, "POST", "/api/v1/transfers", fmt.Sprintf(`{"kind":"within","member_id":%d,"to_org_id":%d}`, p.m2.ID, p.a.ID), 422, "to_org_id"},
		{"in without member", b, "POST", "/api/v1/transfers", fmt.Sprintf(`{"kind":"in","from_name":"外地","to_org_id":%d}`, p.b.ID), 422, "member_id"},
		{"in with a bad member", b, "POST", "/api/v1/transfers", fmt.Sprintf(`{"kind":"in","from_name":"外地","to_org_id":%d,"member":{"name":"某","id_number":"1","category":"full"}}`, p.b.ID), 422, "member.id_number"},
		{"unknown field", a, "POST", "/api/v1/transfers", `{"kindd":"in"}`, 400, ""},
		{"no version", a, "POST", path + "/approve", `{}`, 422, "version"},
		{"stale", a, "POST", path + "/approve", `{"version":5}`, 409, ""},
		{"wrong step", a, "POST", path + "/receive", `{"version":1}`, 409, ""},
		{"wrong side", b, "POST", path + "/approve", `{"version":1}`, 403, ""},
		{"bad filter", a, "GET", "/api/v1/transfers?kind=sideways", "", 422, "kind"},
		{"unknown org filter", a, "GET", "/api/v1/transfers?org=99999", "", 422, "org"},
		{"missing", a, "GET", "/api/v1/transfers/99999", "", 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := c.api.call(c.method, c.path, c.body)
			if status != c.status {
				t.Fatalf("status %d want %d: %s", status, c.status, body)
			}
			er := decodeErr(t, body)
			if c.field != "" && er.Error.Fields[c.field] == "" {
				t.Fatalf("no message for %s: %+v", c.field, er)
			}
		})
	}
	code, resp = a.call("POST", path+"/approve", `{"version":1}`)
	if code != 200 || decode(resp).State != "approved" {
		t.Fatalf("approve: %d %s", code, resp)
	}
	code, resp = a.call("POST", path+"/dispatch", `{"version":2}`)
	if tr = decode(resp); code != 200 || tr.State != "in_transit" || len(tr.Allowed) != 0 {
		t.Fatalf("dispatch: %d %s", code, resp)
	}
	code, resp = b.call("GET", path, "")
	if tr = decode(resp); code != 200 || fmt.Sprint(tr.Allowed) != "[receive return]" {
		t.Fatalf("receiver's view: %d %s", code, resp)
	}
	code, resp = b.call("POST", path+"/return", `{"version":3}`)
	if code != 422 || decodeErr(t, resp).Error.Fields["reason"] == "" {
		t.Fatalf("return without reason: %d %s", code, resp)
	}
	code, resp = b.call("POST", path+"/receive", `{"version":3}`)
	if code != 200 || decode(resp).State != "received" {
		t.Fatalf("receive: %d %s", code, resp)
	}
	if o, _ := e.s.Organization(context.Background(), model.System, p.b.ID); o.FullMembers != 1 {
		t.Fatalf("B after receipt: %d", o.FullMembers)
	}
	code, resp = b.call("GET", "/api/v1/transfers?state=received&limit=5", "")
	if code != 200 || !strings.Contains(resp, fmt.Sprintf(`"id":%d`, tr.ID)) {
		t.Fatalf("list: %d %s", code, resp)
	}
	code, resp = b.call("GET", "/api/v1/transfers?open=1", "")
	if code != 200 || !strings.Contains(resp, `"items":[]`) {
		t.Fatalf("open list: %d %s", code, resp)
	}
	// Inward through the API, received by B.
	in := fmt.Sprintf(`{"kind":"in","from_name":"中共丽水市某某支部","to_org_id":%d,"member":{"name":"陈晓东","id_number":%q,"category":"full"}}`, p.b.ID, twID(5))
	code, resp = b.call("POST", "/api/v1/transfers", in)
	if tr = decode(resp); code != 201 || tr.State != "in_transit" || fmt.Sprint(tr.Allowed) != "[receive return cancel]" {
		t.Fatalf("in: %d %s", code, resp)
	}
	if code, resp := b.call("POST", "/api/v1/transfers", in); code != 409 || decodeErr(t, resp).Error.Fields["member.id_number"] == "" {
		t.Fatalf("same person twice: %d %s", code, resp)
	}
}
