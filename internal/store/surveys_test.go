package store_test

import (
	"fmt"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func trSurvey(name string, entID int64, category string) model.SurveyInput {
	return model.SurveyInput{Name: name, Phone: "139 0579 8888", EnterpriseID: entID, Category: category,
		RelationPlace: "江西省上饶市某村党支部", Willingness: model.WillingMaybe, SurveyedOn: "2021-08-20"}
}

func TestSurveyRecords(t *testing.T) {
	z := trSetup(t)
	worker := storetest.Actor(t, z.s, storetest.MustUser(t, z.s, "worker", model.RoleGridWorker, z.f.GridA1.ID))

	// Validation names each field.
	cases := []struct {
		name  string
		edit  func(*model.SurveyInput)
		field string
		key   string
	}{
		{"name required", func(in *model.SurveyInput) { in.Name = " " }, "name", "field.required"},
		{"bad phone", func(in *model.SurveyInput) { in.Phone = "12ab" }, "phone", "field.phone"},
		{"no enterprise", func(in *model.SurveyInput) { in.EnterpriseID = 0 }, "enterprise_id", "field.required"},
		{"enterprise outside the grid", func(in *model.SurveyInput) { in.EnterpriseID = z.entB.ID }, "enterprise_id", "field.unknown"},
		{"bad category", func(in *model.SurveyInput) { in.Category = "friend" }, "category", "field.choose"},
		{"bad willingness", func(in *model.SurveyInput) { in.Willingness = "maybe" }, "willingness", "field.choose"},
		{"future date", func(in *model.SurveyInput) { in.SurveyedOn = "2030-01-01" }, "surveyed_on", "field.date_future"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := trSurvey("钱多多", z.entA.ID, model.CategoryFull)
			c.edit(&in)
			_, err := z.s.CreateSurvey(bg, worker, in)
			wantField(t, err, model.EINVALID, c.field, c.key)
		})
	}

	sv, err := z.s.CreateSurvey(bg, worker, trSurvey("钱多多", z.entA.ID, model.CategoryFull))
	if err != nil {
		t.Fatal(err)
	}
	if sv.PhoneMasked == "" || sv.PhoneMasked == "13905798888" || sv.EnterpriseName != "甲公司" || sv.GridName != z.f.GridA1.Name ||
		sv.Willingness != model.WillingMaybe || sv.TransferID != 0 || sv.Version != 1 {
		t.Fatalf("created: %+v", sv)
	}
	blank := trSurvey("孔乙己", z.entA.ID, model.CategoryProbationary)
	blank.Willingness, blank.Phone, blank.SurveyedOn = "", "", ""
	sv2, err := z.s.CreateSurvey(bg, worker, blank)
	if err != nil {
		t.Fatal(err)
	}
	if sv2.Willingness != model.WillingUnknown || sv2.PhoneMasked != "" || sv2.SurveyedOn.IsZero() {
		t.Fatalf("defaults: %+v", sv2)
	}

	// An edit with an empty phone keeps the stored one; a stale version is refused.
	in := trSurvey("钱多多", z.entA.ID, model.CategoryFull)
	in.Phone, in.Willingness = "", model.WillingYes
	up, err := z.s.UpdateSurvey(bg, worker, sv.ID, in, sv.Version)
	if err != nil {
		t.Fatal(err)
	}
	if up.PhoneMasked != sv.PhoneMasked || up.Willingness != model.WillingYes || up.Version != 2 {
		t.Fatalf("updated: %+v", up)
	}
	_, err = z.s.UpdateSurvey(bg, worker, sv.ID, in, sv.Version)
	if e := wantCode(t, err, model.ECONFLICT); e.Key != "error.stale" {
		t.Fatalf("stale: %v", err)
	}

	// Follow-up notes, in order, with the author.
	if err := z.s.AddSurveyNote(bg, worker, sv.ID, "  "); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("empty note: %v", err)
	}
	for _, n := range []string{"第一次上门，本人表示考虑", "第二次电话联系，同意转入"} {
		if err := z.s.AddSurveyNote(bg, worker, sv.ID, n); err != nil {
			t.Fatal(err)
		}
	}
	got, err := z.s.Survey(bg, worker, sv.ID)
	if err != nil || len(got.FollowUps) != 2 || got.FollowUps[0].Note != "第一次上门，本人表示考虑" || got.FollowUps[1].By != "WORKER" {
		t.Fatalf("follow-ups: %+v %v", got.FollowUps, err)
	}

	// Scope: another grid's worker sees nothing of it.
	other := storetest.Actor(t, z.s, storetest.MustUser(t, z.s, "worker2", model.RoleGridWorker, z.f.GridB1.ID))
	if _, err := z.s.Survey(bg, other, sv.ID); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("out of scope: %v", err)
	}
	if err := z.s.AddSurveyNote(bg, other, sv.ID, "越权"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("note out of scope: %v", err)
	}

	// Filters.
	list := func(actor *model.Actor, f model.SurveyFilter) []string {
		t.Helper()
		items, _, _, err := z.s.ListSurveys(bg, actor, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range items {
			out = append(out, it.Name)
		}
		return out
	}
	eq := func(got []string, want ...string) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	f := false
	eq(list(worker, model.SurveyFilter{}), "孔乙己", "钱多多")
	eq(list(other, model.SurveyFilter{}))
	eq(list(worker, model.SurveyFilter{Keyword: "钱"}), "钱多多")
	eq(list(worker, model.SurveyFilter{Keyword: "甲公司"}), "孔乙己", "钱多多")
	eq(list(worker, model.SurveyFilter{Keyword: "13905798888"}), "钱多多")
	eq(list(worker, model.SurveyFilter{Willingness: model.WillingUnknown}), "孔乙己")
	eq(list(worker, model.SurveyFilter{Converted: &f}), "孔乙己", "钱多多")
	eq(list(model.System, model.SurveyFilter{GridID: z.f.AreaB.ID}))
	eq(list(model.System, model.SurveyFilter{GridID: z.f.AreaA.ID, Limit: 1}), "孔乙己")
}

func TestConvertSurvey(t *testing.T) {
	z := trSetup(t)
	// B covers its enterprise, so its secretary reads the survey there.
	if _, err := z.s.AddCoverage(bg, model.System, z.b.ID, store.CoverageInput{EnterpriseID: z.entB.ID, Kind: model.CoverOwn}); err != nil {
		t.Fatal(err)
	}
	sv, err := z.s.CreateSurvey(bg, z.secB, trSurvey("冯十", z.entB.ID, model.CategoryFull))
	if err != nil {
		t.Fatal(err)
	}
	conv := model.TransferInput{ToOrgID: z.b.ID, LetterNo: "赣〔2021〕3号", DuesPaidTo: "2021-06", ValidDays: 30}

	// A bad ID number: nothing is written, the survey stays open.
	_, err = z.s.ConvertSurvey(bg, z.secB, sv.ID, "123", conv)
	if e := wantCode(t, err, model.EINVALID); e.Fields["member.id_number"].Key == "" {
		t.Fatalf("bad id: %v", err)
	}
	// Into an organization the secretary does not manage: refused.
	outside := conv
	outside.ToOrgID = z.a.ID
	_, err = z.s.ConvertSurvey(bg, z.secB, sv.ID, trID(20), outside)
	wantField(t, err, model.EINVALID, "to_org_id", "organization.outside_scope")
	if got, _ := z.s.Survey(bg, model.System, sv.ID); got.TransferID != 0 || got.Version != 1 {
		t.Fatalf("a refused conversion touched the survey: %+v", got)
	}
	if _, err := z.s.MemberIDByNumber(bg, trID(20)); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatal("a refused conversion left a member behind")
	}

	extra := model.MemberInput{AdmittedOn: "2012-06-01", FullOn: "2013-06-01", Ethnicity: "畲族", Education: "大学本科"}
	conv.Member = &extra
	tr, err := z.s.ConvertSurvey(bg, z.secB, sv.ID, trID(20), conv)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Kind != model.TransferIn || tr.State != model.TransferInTransit || tr.SurveyID != sv.ID || tr.ToOrgID != z.b.ID ||
		tr.FromName != "江西省上饶市某村党支部" || tr.MemberName != "冯十" {
		t.Fatalf("transfer: %+v", tr)
	}
	m, err := z.s.Member(bg, model.System, tr.MemberID)
	if err != nil {
		t.Fatal(err)
	}
	if m.OrgID != 0 || !m.InTransit || m.EnterpriseID != z.entB.ID || m.PhoneMasked == "" || m.Ethnicity != "畲族" ||
		m.Category != model.CategoryFull || m.FullOn == nil {
		t.Fatalf("member: %+v", m)
	}
	got, err := z.s.Survey(bg, z.secB, sv.ID)
	if err != nil || got.TransferID != tr.ID || got.Willingness != model.WillingYes || got.Version != 2 {
		t.Fatalf("survey after conversion: %+v %v", got, err)
	}
	_, err = z.s.ConvertSurvey(bg, z.secB, sv.ID, trID(21), conv)
	if e := wantCode(t, err, model.ECONFLICT); e.Key != "survey.converted" {
		t.Fatalf("second conversion: %v", err)
	}
	yes := true
	items, _, _, err := z.s.ListSurveys(bg, z.secB, model.SurveyFilter{Converted: &yes})
	if err != nil || len(items) != 1 || items[0].ID != sv.ID {
		t.Fatalf("converted filter: %+v %v", items, err)
	}
	// Receipt makes the surveyed person a member of B.
	z.act(t, z.secB, tr, store.ActReceive, "", model.TransferReceived)
	if z.full(t, z.b.ID) != 1 {
		t.Fatal("received survey conversion not counted")
	}
}

func TestBranchCandidates(t *testing.T) {
	z := trSetup(t)
	ent := func(n int, name string, grid int64) model.Enterprise {
		return storetest.MustEnterprise(t, z.s, grid, z.f.Industry.ID, n, name)
	}
	e1 := ent(11, "一号企业", z.f.GridA1.ID) // 2 registered + 1 surveyed → 可建支部
	e2 := ent(12, "二号企业", z.f.GridA1.ID) // 1 registered → joint candidate
	e3 := ent(13, "三号企业", z.f.GridA2.ID) // 3 registered, own branch → neither
	e4 := ent(14, "四号企业", z.f.GridA2.ID) // probationary only → neither
	e5 := ent(15, "五号企业", z.f.GridB1.ID) // 1 surveyed, already a joint unit → neither
	e6 := ent(16, "六号企业", z.f.GridB1.ID) // 2 surveyed → joint candidate
	n := 100
	reg := func(e model.Enterprise, org int64, category string) {
		t.Helper()
		n++
		in := trMemberInput(n, fmt.Sprintf("党员%d", n), org)
		in.EnterpriseID, in.Category = e.ID, category
		if category == model.CategoryProbationary {
			in.FullOn = ""
		}
		if _, err := z.s.CreateMember(bg, model.System, in); err != nil {
			t.Fatal(err)
		}
	}
	surv := func(e model.Enterprise, category string) model.Survey {
		t.Helper()
		sv, err := z.s.CreateSurvey(bg, model.System, trSurvey("排摸对象", e.ID, category))
		if err != nil {
			t.Fatal(err)
		}
		return sv
	}
	reg(e1, z.a.ID, model.CategoryFull)
	reg(e1, z.b.ID, model.CategoryFull)
	reg(e1, z.a.ID, model.CategoryProbationary)
	s1 := surv(e1, model.CategoryFull)
	surv(e1, model.CategoryProbationary)
	reg(e2, z.a.ID, model.CategoryFull)
	for range 3 {
		reg(e3, z.a.ID, model.CategoryFull)
	}
	if _, err := z.s.AddCoverage(bg, model.System, z.a.ID, store.CoverageInput{EnterpriseID: e3.ID, Kind: model.CoverOwn}); err != nil {
		t.Fatal(err)
	}
	reg(e4, z.a.ID, model.CategoryProbationary)
	surv(e5, model.CategoryFull)
	joint, err := z.s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: "TR-LH", Name: "联合党支部", Kind: store.OrgJointBranch, ParentID: z.top.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := z.s.AddCoverage(bg, model.System, joint.ID, store.CoverageInput{EnterpriseID: e5.ID}); err != nil {
		t.Fatal(err)
	}
	surv(e6, model.CategoryFull)
	surv(e6, model.CategoryFull)

	show := func(cs []model.BranchCandidate) string {
		var s string
		for _, c := range cs {
			s += fmt.Sprintf("%s:%d+%d=%d;", c.EnterpriseName, c.Registered, c.Surveyed, c.Full)
		}
		return s
	}
	own, jt, err := z.s.BranchCandidates(bg, model.System)
	if err != nil {
		t.Fatal(err)
	}
	if got := show(own); got != "一号企业:2+1=3;" {
		t.Fatalf("own: %s", got)
	}
	if got := show(jt); got != "二号企业:1+0=1;六号企业:0+2=2;" {
		t.Fatalf("joint: %s", got)
	}
	if jt[0].GridName != z.f.GridA1.Name || jt[1].GridName != z.f.GridB1.Name || jt[0].IndustryName == "" {
		t.Fatalf("joint grouping: %+v", jt)
	}
	// A grid worker of A1 sees only A1's enterprises.
	worker := storetest.Actor(t, z.s, storetest.MustUser(t, z.s, "worker", model.RoleGridWorker, z.f.GridA1.ID))
	own, jt, err = z.s.BranchCandidates(bg, worker)
	if err != nil || show(own) != "一号企业:2+1=3;" || show(jt) != "二号企业:1+0=1;" {
		t.Fatalf("worker: %s | %s %v", show(own), show(jt), err)
	}
	// Once the surveyed member is converted (in transit), e1 falls to 2.
	if _, err := z.s.ConvertSurvey(bg, model.System, s1.ID, trID(300), model.TransferInput{ToOrgID: z.a.ID}); err != nil {
		t.Fatal(err)
	}
	own, jt, err = z.s.BranchCandidates(bg, model.System)
	if err != nil || show(own) != "" || show(jt) != "二号企业:1+0=1;一号企业:2+0=2;六号企业:0+2=2;" {
		t.Fatalf("after conversion: %s | %s %v", show(own), show(jt), err)
	}
}
