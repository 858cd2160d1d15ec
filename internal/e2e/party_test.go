package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// party is the site with a small party register: a 党工委 with two branches.
// Branch A covers an enterprise of grid A1, branch B one of grid B1; "sec" is
// the secretary of branch A (role org_secretary, assigned to that branch).
type party struct {
	*site
	top, a, b  model.Organization
	entA, entB model.Enterprise
}

func newParty(t *testing.T) *party {
	t.Helper()
	p := &party{site: newSite(t)}
	ctx := context.Background()
	org := func(code, name, kind string, parent int64) model.Organization {
		o, err := p.s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: code, Name: name, Kind: kind, ParentID: parent})
		if err != nil {
			t.Fatalf("organization %s: %v", name, err)
		}
		return o
	}
	p.top = org("E2E-DGW", "中共永康市城西新区工作委员会", store.OrgCommittee, 0)
	p.a = org("E2E-A", "中共浙江安德电器有限公司支部委员会", store.OrgBranch, p.top.ID)
	p.b = org("E2E-B", "中共永康天天工贸有限公司支部委员会", store.OrgBranch, p.top.ID)
	p.entA = storetest.MustEnterprise(t, p.s, p.f.GridA1.ID, p.f.Industry.ID, 501, "浙江安德电器有限公司")
	p.entB = storetest.MustEnterprise(t, p.s, p.f.GridB1.ID, p.f.Industry.ID, 502, "永康天天工贸有限公司")
	for _, c := range []struct{ org, ent int64 }{{p.a.ID, p.entA.ID}, {p.b.ID, p.entB.ID}} {
		if _, err := p.s.AddCoverage(ctx, model.System, c.org, store.CoverageInput{EnterpriseID: c.ent, Kind: model.CoverOwn}); err != nil {
			t.Fatalf("coverage: %v", err)
		}
	}
	if _, err := p.s.CreateUser(ctx, model.System, store.UserInput{Username: "sec", DisplayName: "SEC",
		Role: model.RoleOrgSecretary, OrgIDs: []int64{p.a.ID}, Password: storetest.Password}); err != nil {
		t.Fatalf("secretary: %v", err)
	}
	return p
}

// idNo makes a valid 居民身份证号 (GB 11643 check character) for a birth
// date YYYYMMDD and a sequence number.
func idNo(birth string, seq int) string {
	body := fmt.Sprintf("330784%s%03d", birth, seq%1000)
	c, _ := ident.IDCheckChar(body)
	return body + string(c)
}

// member registers a full member of org, employed by employer (0: none).
func (p *party) member(t *testing.T, name, idNumber string, org, employer int64) model.Member {
	t.Helper()
	m, err := p.s.CreateMember(context.Background(), model.System, model.MemberInput{Name: name, IDNumber: idNumber,
		Phone: "13857901234", Ethnicity: "汉族", Education: "大学本科", Category: model.CategoryFull,
		AdmittedOn: "2010-07-01", FullOn: "2011-07-01", OrgID: org, EnterpriseID: employer})
	if err != nil {
		t.Fatalf("member %s: %v", name, err)
	}
	return m
}

// orgFacts reads an organization page's first count card (正式党员) and
// whether the too-few-full-members warning is listed.
func (tb *tab) orgFacts(orgID int64) (full string, tooFew bool) {
	tb.t.Helper()
	tb.open("/organizations/"+id(orgID), 200)
	tb.do("organization counts shown", chromedp.WaitVisible(chromedp.CSS("#counts")))
	full = strings.TrimSpace(tb.text("#counts .card:first-child .card-num"))
	tooFew = eval[bool](tb, `!!document.querySelector('#checks li[data-code="too_few_full_members"]')`)
	return full, tooFew
}

// Party flow 1 (the issue's): a branch with two full members is warned it is
// too small; its secretary signs in, records a member transferred in from
// outside, receives the transfer, and the branch then has three full members
// and no warning.
func TestSecretaryReceivesTransferIn(t *testing.T) {
	t.Parallel()
	p := newParty(t)
	p.member(t, "张建国", idNo("19800312", 11), p.a.ID, p.entA.ID)
	p.member(t, "李红梅", idNo("19821105", 12), p.a.ID, p.entA.ID)
	tb := newTab(t, p.url)
	tb.viewport(1280, 900, false)
	tb.login("sec")

	full, tooFew := tb.orgFacts(p.a.ID)
	if full != "2" || !tooFew {
		t.Fatalf("before: branch page shows %q full members, too-few warning %v; want 2 and the warning", full, tooFew)
	}
	if msg := tb.text(`#checks li[data-code="too_few_full_members"]`); !strings.Contains(msg, "正式党员2名") {
		t.Errorf("warning text %q does not give the count", msg)
	}

	const (
		name = "王志强"
		from = "中共金华市婺城区城东街道工作委员会"
	)
	arriving := idNo("19870621", 13)
	tb.open("/transfers/new?kind=in", 200)
	tb.do("transfer-in form shown", chromedp.WaitVisible(chromedp.CSS("#transfer-form #f-idn")))
	// The secretary may receive into their own branch only.
	opts := eval[[]string](tb, `[...document.querySelectorAll('#f-to option')].map(o => o.value).filter(v => v)`)
	if len(opts) != 1 || opts[0] != id(p.a.ID) {
		t.Errorf("#f-to offers %v, want only branch A (%d)", opts, p.a.ID)
	}
	tb.do("fill in the arriving member and the letter",
		chromedp.SendKeys(chromedp.CSS("#f-name"), name),
		chromedp.SendKeys(chromedp.CSS("#f-idn"), arriving),
		chromedp.SendKeys(chromedp.CSS("#f-eth"), "汉族"),
		chromedp.SetValue(chromedp.CSS("#f-cat"), model.CategoryFull),
		chromedp.SetValue(chromedp.CSS("#f-adm"), "2012-07-01"),
		chromedp.SetValue(chromedp.CSS("#f-full"), "2013-07-01"),
		chromedp.SendKeys(chromedp.CSS("#f-emp"), p.entA.USCC),
		chromedp.SendKeys(chromedp.CSS("#f-from"), from),
		chromedp.SetValue(chromedp.CSS("#f-to"), id(p.a.ID)),
		chromedp.SendKeys(chromedp.CSS("#f-letter"), "婺组〔2021〕12号"))
	tb.click("#save", 200)
	show := tb.location()
	if !regexp.MustCompile(`^/transfers/\d+$`).MatchString(show) {
		tb.fatalf("after starting the transfer: at %s, want the transfer's page", show)
	}
	tb.do("transfer page shown", chromedp.WaitVisible(chromedp.CSS("#state")))
	if st := tb.text("#state"); !strings.Contains(st, "在途") {
		t.Errorf("new inward transfer state %q, want 在途", st)
	}
	if h := tb.text("h1.page-title"); !strings.Contains(h, name) {
		t.Errorf("transfer heading %q lacks the member %s", h, name)
	}
	if got := tb.text("#to-full"); got != "2" {
		t.Errorf("before receipt #to-full = %q, want 2 (not counted while in transit)", got)
	}

	tb.click("#act-receive", 200)
	if loc := tb.location(); loc != show {
		t.Errorf("after receiving: at %s, want %s", loc, show)
	}
	tb.do("received state shown", chromedp.WaitVisible(chromedp.CSS("#state")))
	if st := tb.text("#state"); !strings.Contains(st, "已接收") {
		t.Errorf("after receiving: state %q, want 已接收", st)
	}
	if tb.visible("#act-receive") {
		t.Error("the receive button is still offered after receipt")
	}
	if got := tb.text("#to-full"); got != "3" {
		t.Errorf("after receipt #to-full = %q, want 3", got)
	}

	full, tooFew = tb.orgFacts(p.a.ID)
	if full != "3" || tooFew {
		t.Errorf("after: branch page shows %q full members, too-few warning %v; want 3 and no warning", full, tooFew)
	}
	if !tb.visible("#checks-ok") {
		t.Error("after receipt the branch page does not say its composition is in order (#checks-ok)")
	}
	tb.open(fmt.Sprintf("/organizations/%d?tab=members", p.a.ID), 200)
	if table := tb.text("#members-table"); !strings.Contains(table, name) || strings.Contains(table, arriving) {
		t.Errorf("branch members tab: want %s with a masked ID number:\n%s", name, table)
	}
}

// Party flow 2: lists show ID numbers masked and never in full; the member
// form refuses an ID number with a wrong check digit beside the field,
// keeping what was typed.
func TestMemberListMasksAndFormChecksID(t *testing.T) {
	t.Parallel()
	p := newParty(t)
	const (
		full   = "11010519491231002X"
		masked = "110105********002X"
	)
	m := p.member(t, "赵淑芬", full, p.a.ID, p.entA.ID)
	p.member(t, "钱卫东", idNo("19790101", 21), p.b.ID, p.entB.ID)
	tb := newTab(t, p.url)
	tb.viewport(1280, 900, false)
	tb.login("admin")

	for _, path := range []string{"/members", fmt.Sprintf("/organizations/%d?tab=members", p.a.ID), "/members/" + id(m.ID)} {
		tb.open(path, 200)
		text := tb.text("body")
		if !strings.Contains(text, masked) {
			t.Errorf("%s does not show the masked ID number %s:\n%s", path, masked, text)
		}
		if html := eval[string](tb, `document.documentElement.outerHTML`); strings.Contains(html, full) || strings.Contains(html, "19491231") {
			t.Errorf("%s carries the full ID number (or its birth date digits) in its HTML", path)
		}
	}
	tb.open("/members", 200)
	if table := tb.text("#member-table"); !strings.Contains(table, m.Name) || !strings.Contains(table, "钱卫东") {
		t.Errorf("admin's member list lacks a member:\n%s", table)
	}

	const (
		bad  = "110105194912310021" // check digit should be X
		name = "孙晓燕"
	)
	tb.open("/members/new", 200)
	tb.do("fill in the member form with a bad check digit",
		chromedp.WaitVisible(chromedp.CSS("#f-id")),
		chromedp.SendKeys(chromedp.CSS("#f-name"), name),
		chromedp.SendKeys(chromedp.CSS("#f-id"), bad),
		chromedp.SetValue(chromedp.CSS("#f-category"), model.CategoryFull),
		chromedp.SetValue(chromedp.CSS("#f-org"), id(p.a.ID)))
	tb.click("#save", 422)
	tb.do("field error shown", chromedp.WaitVisible(chromedp.CSS("#err-id_number")))
	if msg := tb.text("#err-id_number"); !strings.Contains(msg, "校验") {
		t.Errorf("#err-id_number = %q, want it to name the check digit (校验)", msg)
	}
	if !eval[bool](tb, `(() => { const f = document.querySelector('#f-id').closest('.field');
		return f === document.querySelector('#err-id_number').closest('.field') && f.classList.contains('has-error') })()`) {
		t.Error("#err-id_number is not in the ID number's .field, or that .field lacks has-error")
	}
	if d := eval[string](tb, `document.querySelector('#f-id').getAttribute('aria-describedby') || ''`); !strings.Contains(d, "err-id_number") {
		t.Errorf("#f-id aria-describedby = %q, want it to point at err-id_number", d)
	}
	for sel, want := range map[string]string{"#f-id": bad, "#f-name": name, "#f-org": id(p.a.ID)} {
		if got := tb.value(sel); got != want {
			t.Errorf("after the error %s = %q, want what was entered, %q", sel, got, want)
		}
	}
	if n, _, err := p.s.CountMembers(context.Background(), model.System, model.MemberFilter{Keyword: name}, 10); err != nil || n != 0 {
		t.Errorf("the refused form wrote a member: %d (%v)", n, err)
	}
}

// Party flow 3: a grid worker of A1 reads members employed in A1 and not a
// member employed in B1 whose branch covers nothing in A1: that member's page
// is the 404 page and the list does not name them.
func TestGridWorkerCannotReadMemberOutsideScope(t *testing.T) {
	t.Parallel()
	p := newParty(t)
	mine := p.member(t, "蒋文", idNo("19850312", 31), p.a.ID, p.entA.ID)
	other := p.member(t, "沈洁", idNo("19860412", 32), p.b.ID, p.entB.ID)
	tb := newTab(t, p.url)
	tb.viewport(1280, 900, false)
	tb.login("worker")

	tb.open("/members", 200)
	tb.do("list shown", chromedp.WaitVisible(chromedp.CSS("#member-table")))
	table := tb.text("#member-table")
	if !strings.Contains(table, mine.Name) {
		t.Errorf("worker's member list lacks %s employed in A1:\n%s", mine.Name, table)
	}
	if strings.Contains(tb.text("body"), other.Name) {
		t.Errorf("worker's member page names %s, employed in B1", other.Name)
	}

	tb.open("/members/"+id(other.ID), 404)
	tb.do("404 page shown", chromedp.WaitVisible(chromedp.CSS(".error-page h1")))
	if code := strings.TrimSpace(tb.text(".error-code")); code != "404" {
		t.Errorf(".error-code = %q, want 404", code)
	}
	if body := tb.text("body"); strings.Contains(body, other.Name) || strings.Contains(body, other.IDMasked) {
		t.Errorf("404 page tells about the member it hides:\n%s", body)
	}

	tb.open("/members/"+id(mine.ID), 200)
	if h := tb.text("h1.page-title"); !strings.Contains(h, mine.Name) {
		t.Errorf("in-scope member page heading %q, want %q", h, mine.Name)
	}
	if tb.visible("#btn-edit") {
		t.Error("a grid worker is offered the member edit button")
	}

	tb.open("/organizations", 200)
	tb.do("organization list shown", chromedp.WaitVisible(chromedp.CSS("#org-table")))
	if orgs := tb.text("#org-table"); !strings.Contains(orgs, p.a.Name) || strings.Contains(orgs, p.b.Name) {
		t.Errorf("worker's organization list: want %s and not %s:\n%s", p.a.Name, p.b.Name, orgs)
	}
}

// Party flow 4: at 360 px the party pages do not scroll sideways and keep
// the phone frame, and the transfer letter shows its three parts.
func TestPartyPhoneLayout(t *testing.T) {
	t.Parallel()
	p := newParty(t)
	ctx := context.Background()
	m := p.member(t, "欧阳建华", idNo("19750808", 41), p.a.ID, p.entA.ID)
	p.member(t, "诸葛晓明", idNo("19900218", 42), p.a.ID, p.entA.ID)
	p.member(t, "沈洁", idNo("19860412", 43), p.b.ID, p.entB.ID)
	// An employer in A2 without a branch of its own: a 联合党支部 candidate.
	entA2 := storetest.MustEnterprise(t, p.s, p.f.GridA2.ID, p.f.Industry.ID, 503, "浙江省永康市红旗五金制品股份有限公司城西新区第二分公司")
	p.member(t, "王建国", idNo("19811001", 44), p.b.ID, entA2.ID)
	tr, err := p.s.CreateTransfer(ctx, model.System, model.TransferInput{Kind: model.TransferIn,
		Member: &model.MemberInput{Name: "王志强", IDNumber: idNo("19870621", 45), Ethnicity: "汉族",
			Category: model.CategoryFull, AdmittedOn: "2012-07-01", FullOn: "2013-07-01"},
		FromName: "中共金华市婺城区城东街道工作委员会", ToOrgID: p.a.ID, LetterNo: "婺组〔2021〕12号",
		DuesPaidTo: "2021-07", IssuedOn: "2021-08-20", ValidDays: 30})
	if err != nil {
		t.Fatalf("transfer: %v", err)
	}
	if _, err := p.s.CreateSurvey(ctx, model.System, model.SurveyInput{Name: "陈晓东", Phone: "13905791234",
		EnterpriseID: entA2.ID, Category: model.CategoryFull, RelationPlace: "金华市婺城区城东街道",
		Willingness: model.WillingMaybe, SurveyedOn: "2021-08-20"}); err != nil {
		t.Fatalf("survey: %v", err)
	}
	tb := newTab(t, p.url)
	tb.viewport(360, 740, true)
	tb.login("admin")

	pages := []struct{ name, path, wait string }{
		{"member list", "/members", "#member-table"},
		{"organization list", "/organizations", "#org-table"},
		{"organization page", "/organizations/" + id(p.a.ID), "#counts"},
		{"composition report", "/organizations/checks", "#checks-table"},
		{"member page", "/members/" + id(m.ID), "#id-masked"},
		{"member form", "/members/new", "#member-form"},
		{"transfer list", "/transfers", "#transfer-table"},
		{"transfer-in form", "/transfers/new?kind=in", "#transfer-form"},
		{"transfer page", "/transfers/" + id(tr.ID), "#actions"},
		{"survey list", "/surveys", "#survey-table"},
		{"branch candidates", "/party/candidates", "#joint .candidate-group"},
	}
	for _, pg := range pages {
		tb.open(pg.path, 200)
		tb.do(pg.name+" shown", chromedp.WaitVisible(chromedp.CSS(pg.wait)))
		tb.noHorizontalScroll(pg.name)
		tb.phoneChrome(pg.name)
	}

	tb.open("/transfers/"+id(tr.ID)+"/letter", 200)
	tb.do("letter shown", chromedp.WaitVisible(chromedp.CSS("#letter")))
	for _, part := range []struct{ sel, want string }{
		{"#letter-stub", "存根"}, {"#letter-main", "介绍信"}, {"#letter-receipt", "回执"},
	} {
		if !tb.visible(part.sel) {
			t.Errorf("letter part %s not shown", part.sel)
			continue
		}
		text := tb.text(part.sel)
		if !strings.Contains(text, part.want) || !strings.Contains(text, "王志强") || !strings.Contains(text, "婺组〔2021〕12号") {
			t.Errorf("letter part %s lacks %s, the member or the letter number:\n%s", part.sel, part.want, text)
		}
	}
	if n := eval[int](tb, `document.querySelectorAll('#letter .letter-part').length`); n != 3 {
		t.Errorf("letter has %d parts, want 3", n)
	}
	tb.noHorizontalScroll("transfer letter")
	tb.screenshot("transfer-letter-360.png")
}
