package store_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
	"redgrid/internal/textkey"
)

// partyFix is a small party register: a committee with two branches, a
// general branch with one branch under it, and an enterprise in grid A1
// (covered by branch 1) and one in grid B1.
type partyFix struct {
	s                 *store.Store
	clock             *storetest.Clock
	f                 storetest.Fixture
	top, br1, br2     model.Organization
	gen, br3          model.Organization
	entA1, entB1      model.Enterprise
	admin, sec1, sec2 *model.Actor
	secGen, worker    *model.Actor
	workerB           *model.Actor
}

func newPartyFix(t *testing.T) *partyFix {
	t.Helper()
	s, clock := storetest.Open(t)
	p := &partyFix{s: s, clock: clock, f: storetest.MustZone(t, s)}
	org := func(code, name, kind string, parent int64) model.Organization {
		o, err := s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: code, Name: name, Kind: kind, ParentID: parent})
		if err != nil {
			t.Fatalf("organization %s: %v", code, err)
		}
		return o
	}
	p.top = org("CX", "城西新区党工委", store.OrgCommittee, 0)
	p.br1 = org("BR1", "安德电器党支部", store.OrgBranch, p.top.ID)
	p.br2 = org("BR2", "天天工贸党支部", store.OrgBranch, p.top.ID)
	p.gen = org("GEN", "五金城党总支", store.OrgGeneralBranch, p.top.ID)
	p.br3 = org("BR3", "五金城第一党支部", store.OrgBranch, p.gen.ID)
	p.entA1 = storetest.MustEnterprise(t, s, p.f.GridA1.ID, p.f.Industry.ID, 1, "浙江安德电器有限公司")
	p.entB1 = storetest.MustEnterprise(t, s, p.f.GridB1.ID, p.f.Industry.ID, 2, "永康天天工贸有限公司")
	if _, err := s.AddCoverage(bg, model.System, p.br1.ID, store.CoverageInput{EnterpriseID: p.entA1.ID}); err != nil {
		t.Fatal(err)
	}
	user := func(name string, role model.Role, orgs []int64, grids ...int64) *model.Actor {
		u, err := s.CreateUser(bg, model.System, store.UserInput{Username: name, DisplayName: name, Role: role,
			OrgIDs: orgs, GridIDs: grids, Password: storetest.Password})
		if err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		return storetest.Actor(t, s, u)
	}
	p.admin = user("admin", model.RoleAdmin, nil)
	p.sec1 = user("sec1", model.RoleOrgSecretary, []int64{p.br1.ID})
	p.sec2 = user("sec2", model.RoleOrgSecretary, []int64{p.br2.ID})
	p.secGen = user("secgen", model.RoleOrgSecretary, []int64{p.gen.ID})
	p.worker = user("worker", model.RoleGridWorker, nil, p.f.GridA1.ID)
	p.workerB = user("workerb", model.RoleGridWorker, nil, p.f.GridB1.ID)
	return p
}

// validID builds a valid GB 11643 number for a birth date (YYYYMMDD) and a
// sequence number; an odd sequence is a man.
func validID(birth string, seq int) string {
	body := fmt.Sprintf("330784%s%03d", birth, seq%1000)
	c, _ := ident.IDCheckChar(body)
	return body + string(c)
}

// wrongCheck returns id with a check character that does not fit.
func wrongCheck(id string) string {
	for _, c := range "0123456789X" {
		if byte(c) != id[17] {
			return id[:17] + string(c)
		}
	}
	panic("unreachable")
}

// fullMember is a valid input for a full member born in 1985.
func fullMember(name, id string, orgID int64) model.MemberInput {
	return model.MemberInput{Name: name, IDNumber: id, Phone: "13812345678", Ethnicity: "汉族", Education: "大学本科",
		Category: model.CategoryFull, AppliedOn: "2009-03-01", ActivistOn: "2009-09-01", CandidateOn: "2010-09-01",
		AdmittedOn: "2011-07-01", FullOn: "2012-07-01", OrgID: orgID}
}

func mustMember(t *testing.T, s *store.Store, actor *model.Actor, in model.MemberInput) model.Member {
	t.Helper()
	m, err := s.CreateMember(bg, actor, in)
	if err != nil {
		t.Fatalf("create member %s: %v", in.Name, err)
	}
	return m
}

func TestMemberIDValidation(t *testing.T) {
	p := newPartyFix(t)
	good := "11010519491231002X" // the published example of GB 11643
	old := func(id string) model.MemberInput {
		in := fullMember("王秀英", id, p.br1.ID)
		in.AppliedOn, in.ActivistOn, in.CandidateOn, in.AdmittedOn, in.FullOn = "1970-01-05", "", "", "1971-03-01", "1972-03-01"
		return in
	}
	impossible := "11010519490231002" // 31 February
	c, _ := ident.IDCheckChar(impossible)
	impossible += string(c)
	cases := []struct {
		name, id, override string
		key                string
	}{
		{"check digit", "110105194912310021", "", ident.IDErrCheck},
		{"impossible date", impossible, "", ident.IDErrDate},
		{"impossible date is not overridable", impossible, "户籍核实", ident.IDErrDate},
		{"too short", "11010519491231002", "", ident.IDErrLength},
		{"too long", "11010519491231002X1", "", ident.IDErrLength},
		{"letter inside", "1101051949123100AX", "", ident.IDErrChar},
		{"born in the future", validID("20220105", 12), "", ident.IDErrDate},
		{"required", "  ", "", "field.required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := old(tc.id)
			in.IDOverride = tc.override
			_, err := p.s.CreateMember(bg, p.admin, in)
			wantField(t, err, model.EINVALID, "id_number", tc.key)
		})
	}
	// The check-digit message says which character it found and which it expected.
	_, err := p.s.CreateMember(bg, p.admin, old("110105194912310021"))
	if fe := wantField(t, err, model.EINVALID, "id_number", ident.IDErrCheck); fmt.Sprint(fe.Args) != "[1 X]" {
		t.Fatalf("check args %v", fe.Args)
	}

	// Lower-case x is accepted and stored upper-case; sex and birth date come
	// from the number.
	m := mustMember(t, p.s, p.admin, old(" 11010519491231002x "))
	if m.Sex != "female" || m.BirthDate.Format("2006-01-02") != "1949-12-31" || m.IDMasked != "110105********002X" || m.IDOverride != "" {
		t.Fatalf("member from the published example: %+v", m)
	}
	sec, err := p.s.RevealMember(bg, p.admin, m.ID, "核对")
	if err != nil || sec.IDNumber != good {
		t.Fatalf("revealed %q %v, want %q", sec.IDNumber, err, good)
	}
	if id, err := p.s.MemberIDByNumber(bg, "11010519491231002x"); err != nil || id != m.ID {
		t.Fatalf("by number: %d %v", id, err)
	}

	// An audited override accepts a check-character mismatch with its reason.
	bad := wrongCheck(validID("19800512", 31))
	in := fullMember("李建国", bad, p.br1.ID)
	in.IDOverride = "  公安户籍系统核实，证件号码如此  "
	ov := mustMember(t, p.s, p.admin, in)
	if ov.IDOverride != "公安户籍系统核实，证件号码如此" || ov.Sex != "male" || ov.BirthDate.Format("20060102") != "19800512" {
		t.Fatalf("override member: %+v", ov)
	}
	a := lastAudit(t, p.s)
	if a.Action != "member.create" || a.EntityID != ov.ID || !strings.Contains(a.After, "公安户籍系统核实") || strings.Contains(a.After, bad) {
		t.Fatalf("override audit: %+v", a)
	}
	// An override on a valid number is dropped: there is nothing to override.
	in = fullMember("赵敏", validID("19870101", 42), p.br1.ID)
	in.IDOverride = "无需"
	if m := mustMember(t, p.s, p.admin, in); m.IDOverride != "" {
		t.Fatalf("override kept on a valid number: %q", m.IDOverride)
	}
}

func TestMemberDatesAndCategory(t *testing.T) {
	p := newPartyFix(t)
	young := validID("20000101", 11)
	cases := []struct {
		name       string
		edit       func(*model.MemberInput)
		field, key string
	}{
		{"under 18 at admission", func(in *model.MemberInput) {
			in.IDNumber = young
			in.AppliedOn, in.ActivistOn, in.CandidateOn, in.AdmittedOn, in.FullOn = "2017-06-01", "", "", "2017-12-31", ""
			in.Category = model.CategoryProbationary
		}, "admitted_on", "member.under_age"},
		{"under 18 when applying", func(in *model.MemberInput) {
			in.IDNumber = young
			in.AppliedOn, in.ActivistOn, in.CandidateOn, in.AdmittedOn, in.FullOn = "2017-12-31", "", "", "2019-01-02", "2020-01-02"
		}, "applied_on", "member.under_age"},
		{"full membership before admission", func(in *model.MemberInput) { in.FullOn = "2011-06-30" }, "full_on", "member.date_order"},
		{"admission before candidacy", func(in *model.MemberInput) { in.AdmittedOn = "2010-08-01" }, "admitted_on", "member.date_order"},
		{"probation shorter than a year", func(in *model.MemberInput) { in.FullOn = "2012-03-01" }, "full_on", "member.probation_short"},
		{"probationary with a full date", func(in *model.MemberInput) { in.Category = model.CategoryProbationary }, "full_on", "member.probationary_full"},
		{"probationary without admission", func(in *model.MemberInput) {
			in.Category, in.AdmittedOn, in.FullOn = model.CategoryProbationary, "", ""
		}, "admitted_on", "field.required"},
		{"date format", func(in *model.MemberInput) { in.AppliedOn = "2009/03/01" }, "applied_on", "field.date_format"},
		{"future date", func(in *model.MemberInput) { in.FullOn = "2022-01-01" }, "full_on", "field.date_future"},
		{"unknown status", func(in *model.MemberInput) { in.Status = "retired" }, "status", "field.choose"},
		{"unknown category", func(in *model.MemberInput) { in.Category = "honorary" }, "category", "field.choose"},
		{"unknown education", func(in *model.MemberInput) { in.Education = "博士后" }, "education", "field.choose"},
		{"unknown position", func(in *model.MemberInput) { in.PositionKind = "boss" }, "position_kind", "field.choose"},
		{"bad phone", func(in *model.MemberInput) { in.Phone = "12345" }, "phone", "field.phone"},
		{"no organization", func(in *model.MemberInput) { in.OrgID = 0 }, "org_id", "field.required"},
		{"unknown organization", func(in *model.MemberInput) { in.OrgID = 99999 }, "org_id", "field.unknown"},
		{"unknown employer", func(in *model.MemberInput) { in.EnterpriseID = 99999 }, "enterprise_id", "field.unknown"},
		{"name required", func(in *model.MemberInput) { in.Name = " " }, "name", "field.required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := fullMember("钱伟", validID("19850312", 21), p.br1.ID)
			tc.edit(&in)
			_, err := p.s.CreateMember(bg, p.admin, in)
			wantField(t, err, model.EINVALID, tc.field, tc.key)
		})
	}
	// A secretary cannot add members to another branch.
	_, err := p.s.CreateMember(bg, p.sec2, fullMember("钱伟", validID("19850312", 21), p.br1.ID))
	wantField(t, err, model.EINVALID, "org_id", "organization.outside_scope")
	// Exactly 18 on the day of admission is allowed; the status defaults to 正常.
	in := fullMember("孙丽", validID("19930701", 22), p.br1.ID)
	in.AppliedOn, in.ActivistOn, in.CandidateOn, in.AdmittedOn, in.FullOn = "2011-07-01", "", "", "2011-07-01", "2012-07-01"
	in.Phone = " 138-1234-5678 "
	m := mustMember(t, p.s, p.sec1, in)
	if m.Status != model.MemberNormal || m.PhoneMasked != "138****5678" || m.Age(p.clock.Now()) != 28 || m.PartyYears(p.clock.Now()) != 9 {
		t.Fatalf("member: %+v age %d years %d", m, m.Age(p.clock.Now()), m.PartyYears(p.clock.Now()))
	}
}

func TestMemberDuplicateID(t *testing.T) {
	p := newPartyFix(t)
	id := validID("19850312", 21)
	first := mustMember(t, p.s, p.sec1, fullMember("周强", id, p.br1.ID))
	// The admin sees who holds the number.
	_, err := p.s.CreateMember(bg, p.admin, fullMember("周强", strings.ToLower(id), p.br2.ID))
	fe := wantField(t, err, model.ECONFLICT, "id_number", "member.duplicate_id_named")
	if fmt.Sprint(fe.Args) != fmt.Sprint([]any{"周强", first.ID}) {
		t.Fatalf("named duplicate args %v", fe.Args)
	}
	// A secretary of another branch learns only that the number is taken.
	_, err = p.s.CreateMember(bg, p.sec2, fullMember("周强", id, p.br2.ID))
	fe = wantField(t, err, model.ECONFLICT, "id_number", "member.duplicate_id")
	if len(fe.Args) != 0 {
		t.Fatalf("neutral duplicate leaks %v", fe.Args)
	}
	// Changing another member's number to a taken one is refused the same way.
	other := mustMember(t, p.s, p.sec2, fullMember("吴芳", validID("19880808", 42), p.br2.ID))
	in := store.MemberInputOf(other, model.MemberSecret{IDNumber: id})
	_, err = p.s.UpdateMember(bg, p.sec2, other.ID, in, other.Version)
	wantField(t, err, model.ECONFLICT, "id_number", "member.duplicate_id")
	_, err = p.s.UpdateMember(bg, p.admin, other.ID, in, other.Version)
	wantField(t, err, model.ECONFLICT, "id_number", "member.duplicate_id_named")
}

func TestMemberEncryptionAtRest(t *testing.T) {
	p := newPartyFix(t)
	id := validID("19850312", 21)
	m := mustMember(t, p.s, p.sec1, fullMember("郑华", id, p.br1.ID))
	var idEnc, idIndex, idMasked, phoneEnc, phoneIndex, phoneMasked string
	if err := p.s.R.QueryRowContext(bg, "SELECT id_enc, id_index, id_masked, phone_enc, phone_index, phone_masked FROM members WHERE id = $1", m.ID).
		Scan(&idEnc, &idIndex, &idMasked, &phoneEnc, &phoneIndex, &phoneMasked); err != nil {
		t.Fatal(err)
	}
	for col, v := range map[string]string{"id_enc": idEnc, "id_index": idIndex, "phone_enc": phoneEnc, "phone_index": phoneIndex} {
		if v == "" || strings.Contains(v, id) || strings.Contains(v, "13812345678") || strings.Contains(v, id[6:14]) {
			t.Errorf("%s holds plaintext or nothing: %q", col, v)
		}
	}
	if idMasked != "330784********"+id[14:] || phoneMasked != "138****5678" {
		t.Errorf("masked: %q %q", idMasked, phoneMasked)
	}
	// The audit log keeps masked values only.
	es, err := p.s.ListAudit(bg, model.AuditFilter{Entity: "member", EntityID: m.ID})
	if err != nil || len(es) != 1 {
		t.Fatalf("audit: %v %v", es, err)
	}
	if strings.Contains(es[0].After, id) || strings.Contains(es[0].After, "13812345678") || !strings.Contains(es[0].After, idMasked) {
		t.Errorf("audit after: %s", es[0].After)
	}

	// Lookups go through the keyed hash: a full ID number or phone finds the member.
	for _, q := range []string{id, strings.ToLower(id), "138 1234 5678", "郑"} {
		page, err := p.s.ListMembers(bg, p.sec1, model.MemberFilter{Keyword: q})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != m.ID {
			t.Errorf("search %q: %+v %v", q, page.Items, err)
		}
	}
	for _, q := range []string{id[:17], "13812345679", "华"} {
		page, err := p.s.ListMembers(bg, p.sec1, model.MemberFilter{Keyword: q})
		if err != nil || len(page.Items) != 0 {
			t.Errorf("search %q should find nothing: %+v %v", q, page.Items, err)
		}
	}
}

func TestMemberCountersAndLocking(t *testing.T) {
	p := newPartyFix(t)
	counts := func(org int64) model.MemberCounts {
		t.Helper()
		c, err := p.s.OrgMemberCounts(bg, org)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a := mustMember(t, p.s, p.secGen, fullMember("陈刚", validID("19850312", 21), p.br3.ID))
	prob := fullMember("林静", validID("19900606", 22), p.br3.ID)
	prob.Category, prob.FullOn = model.CategoryProbationary, ""
	b := mustMember(t, p.s, p.secGen, prob)
	if c := counts(p.gen.ID); c.Full != 1 || c.Probationary != 1 || c.Total != 2 {
		t.Fatalf("after create: %+v", c)
	}
	if c := counts(p.top.ID); c.Full != 1 || c.Probationary != 1 {
		t.Fatalf("committee subtree: %+v", c)
	}
	// 转正: probationary → full moves the counter.
	in := store.MemberInputOf(b, model.MemberSecret{IDNumber: validID("19900606", 22)})
	in.Category, in.FullOn = model.CategoryFull, "2012-07-01"
	b2, err := p.s.UpdateMember(bg, p.secGen, b.ID, in, b.Version)
	if err != nil {
		t.Fatal(err)
	}
	if b2.Version != b.Version+1 || b2.Category != model.CategoryFull {
		t.Fatalf("updated: %+v", b2)
	}
	if c := counts(p.gen.ID); c.Full != 2 || c.Probationary != 0 || c.Total != 2 {
		t.Fatalf("after 转正: %+v", c)
	}
	// 失联: the member leaves the normal counts but stays in the total.
	in = store.MemberInputOf(a, model.MemberSecret{IDNumber: validID("19850312", 21)})
	in.Status = model.MemberLost
	if _, err := p.s.UpdateMember(bg, p.secGen, a.ID, in, a.Version); err != nil {
		t.Fatal(err)
	}
	if c := counts(p.gen.ID); c.Full != 1 || c.ByStatus[model.MemberLost] != 1 || c.Total != 2 {
		t.Fatalf("after 失联: %+v", c)
	}
	// A stale version is a conflict and changes nothing.
	in.Status = model.MemberNormal
	_, err = p.s.UpdateMember(bg, p.secGen, a.ID, in, a.Version)
	wantCode(t, err, model.ECONFLICT)
	if c := counts(p.gen.ID); c.ByStatus[model.MemberLost] != 1 {
		t.Fatalf("stale update moved counters: %+v", c)
	}
	// The organization changes only by transfer.
	in.OrgID = p.br1.ID
	_, err = p.s.UpdateMember(bg, p.admin, a.ID, in, a.Version+1)
	wantField(t, err, model.EINVALID, "org_id", "member.org_by_transfer")
	// Another branch's secretary cannot see the member at all; the
	// general branch's secretary may edit it.
	in.OrgID = 0
	_, err = p.s.UpdateMember(bg, p.sec1, a.ID, in, a.Version+1)
	wantCode(t, err, model.ENOTFOUND)
	if _, err := p.s.UpdateMember(bg, p.secGen, a.ID, in, a.Version+1); err != nil {
		t.Fatal(err)
	}
	// The counters agree with a real count.
	var real, kept int
	if err := p.s.R.QueryRowContext(bg, "SELECT COUNT(*) FROM members WHERE org_id = $1 AND status = 'normal' AND category = 'full'", p.br3.ID).Scan(&real); err != nil {
		t.Fatal(err)
	}
	if err := p.s.R.QueryRowContext(bg, "SELECT n FROM org_member_counts WHERE org_id = $1 AND status = 'normal' AND category = 'full'", p.br3.ID).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if real != 2 || kept != real {
		t.Fatalf("counter %d, real %d", kept, real)
	}
}

func TestMemberScopeAndReveal(t *testing.T) {
	p := newPartyFix(t)
	// m1 belongs to branch 1 and works in grid A1; m2 to branch 2, employed in
	// grid B1; m3 to branch 3 without an employer.
	in1 := fullMember("蒋文", validID("19850312", 21), p.br1.ID)
	in1.EnterpriseID, in1.PositionKind = p.entA1.ID, model.PositionTechnical
	m1 := mustMember(t, p.s, p.admin, in1)
	in2 := fullMember("沈洁", validID("19860412", 22), p.br2.ID)
	in2.EnterpriseID = p.entB1.ID
	m2 := mustMember(t, p.s, p.admin, in2)
	m3 := mustMember(t, p.s, p.admin, fullMember("韩梅", validID("19870512", 24), p.br3.ID))
	if m1.EnterpriseName != "浙江安德电器有限公司" || m1.OrgName != "安德电器党支部" || m1.PositionKind != model.PositionTechnical {
		t.Fatalf("joined names: %+v", m1)
	}

	visible := func(actor *model.Actor) []int64 {
		t.Helper()
		page, err := p.s.ListMembers(bg, actor, model.MemberFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, m := range page.Items {
			out = append(out, m.ID)
		}
		n, capped, err := p.s.CountMembers(bg, actor, model.MemberFilter{}, 10000)
		if err != nil || capped || n != len(out) {
			t.Fatalf("count %d %v %v, listed %d", n, capped, err, len(out))
		}
		return out
	}
	cases := []struct {
		name  string
		actor *model.Actor
		want  []int64
	}{
		{"admin", p.admin, []int64{m1.ID, m2.ID, m3.ID}},
		{"secretary of branch 1", p.sec1, []int64{m1.ID}},
		{"secretary of the general branch sees its subtree", p.secGen, []int64{m3.ID}},
		{"grid worker of A1", p.worker, []int64{m1.ID}},
		{"grid worker of B1 by employer", p.workerB, []int64{m2.ID}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := visible(tc.actor); !sameIDs(got, tc.want) {
				t.Fatalf("visible %v, want %v", got, tc.want)
			}
			for _, m := range []model.Member{m1, m2, m3} {
				_, err := p.s.Member(bg, tc.actor, m.ID)
				if slices.Contains(tc.want, m.ID) != (err == nil) {
					t.Fatalf("member %d: %v", m.ID, err)
				}
				if err != nil {
					wantCode(t, err, model.ENOTFOUND)
				}
			}
		})
	}
	// The subtree filter narrows within scope.
	page, err := p.s.ListMembers(bg, p.admin, model.MemberFilter{OrgID: p.gen.ID})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != m3.ID {
		t.Fatalf("subtree filter: %+v %v", page.Items, err)
	}
	page, err = p.s.ListMembers(bg, p.admin, model.MemberFilter{EnterpriseID: p.entB1.ID})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != m2.ID {
		t.Fatalf("employer filter: %+v %v", page.Items, err)
	}

	// Revealing is for those who manage the member, and it is audited.
	if !p.s.CanManageMember(bg, p.sec1, m1) || p.s.CanManageMember(bg, p.worker, m1) || p.s.CanManageMember(bg, p.sec2, m1) {
		t.Fatal("CanManageMember")
	}
	before := auditCount(t, p.s)
	sec, err := p.s.RevealMember(bg, p.sec1, m1.ID, "  组织关系转接核对  ")
	if err != nil || sec.IDNumber != in1.IDNumber || sec.Phone != "13812345678" {
		t.Fatalf("reveal: %+v %v", sec, err)
	}
	a := lastAudit(t, p.s)
	if a.Action != "member.reveal" || a.EntityID != m1.ID || a.Reason != "组织关系转接核对" || a.ActorName == "" ||
		strings.Contains(a.After+a.Before, in1.IDNumber) {
		t.Fatalf("reveal audit: %+v", a)
	}
	_, err = p.s.RevealMember(bg, p.worker, m1.ID, "看看")
	wantCode(t, err, model.EFORBIDDEN)
	_, err = p.s.RevealMember(bg, p.sec2, m1.ID, "看看")
	wantCode(t, err, model.ENOTFOUND)
	if n := auditCount(t, p.s); n != before+1 {
		t.Fatalf("refused reveals were recorded or the reveal was not: %d → %d", before, n)
	}
	// Grid staff read but never write.
	_, err = p.s.UpdateMember(bg, p.worker, m1.ID, in1, m1.Version)
	wantCode(t, err, model.EFORBIDDEN)
}

func TestMemberListPaging(t *testing.T) {
	p := newPartyFix(t)
	surnames := []rune("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎")
	given := []string{"伟", "芳", "敏", "静"}
	var want []model.Member
	for i := range 45 {
		name := string(surnames[i]) + given[i%len(given)]
		in := fullMember(name, validID("19850312", 100+i), p.br1.ID)
		in.Phone = ""
		if i%5 == 0 {
			in.Mobile = true
		}
		want = append(want, mustMember(t, p.s, p.sec1, in))
	}
	// One member in another branch and one who left: outside the filter below.
	mustMember(t, p.s, p.admin, fullMember("安然", validID("19850312", 900), p.br2.ID))
	left := fullMember("艾青", validID("19850312", 901), p.br1.ID)
	left.Status = model.MemberLeft
	mustMember(t, p.s, p.admin, left)

	slices.SortStableFunc(want, func(a, b model.Member) int {
		if c := bytes.Compare(textkey.SortKey(a.Name), textkey.SortKey(b.Name)); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	// Pinyin, not code points: 李 (li) before 张 (zhang), though 张 < 李 in Unicode.
	li, zhang := slices.IndexFunc(want, func(m model.Member) bool { return strings.HasPrefix(m.Name, "李") }),
		slices.IndexFunc(want, func(m model.Member) bool { return strings.HasPrefix(m.Name, "张") })
	if li < 0 || zhang < 0 || li > zhang {
		t.Fatalf("sort keys are not pinyin: 李 at %d, 张 at %d", li, zhang)
	}

	f := model.MemberFilter{OrgID: p.br1.ID, Status: model.MemberNormal, Limit: 10}
	var pages [][]model.Member
	var cursors []string
	for cur := ""; ; {
		f.Cursor = cur
		page, err := p.s.ListMembers(bg, p.sec1, f)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, page.Items)
		cursors = append(cursors, page.PrevCursor)
		if (cur == "") != (page.PrevCursor == "") {
			t.Fatalf("page %d: prev cursor %q", len(pages), page.PrevCursor)
		}
		if page.NextCursor == "" {
			break
		}
		if len(pages) > 10 {
			t.Fatal("paging does not end")
		}
		cur = page.NextCursor
	}
	if len(pages) != 5 || len(pages[4]) != 5 {
		t.Fatalf("%d pages, last has %d", len(pages), len(pages[len(pages)-1]))
	}
	var got []string
	for _, pg := range pages {
		for _, m := range pg {
			got = append(got, m.Name)
		}
	}
	var wantNames []string
	for _, m := range want {
		wantNames = append(wantNames, m.Name)
	}
	if !slices.Equal(got, wantNames) {
		t.Fatalf("forward order\n got %v\nwant %v", got, wantNames)
	}
	// Back from the last page, one page at a time, to the first.
	cur := cursors[4]
	for i := 3; i >= 0; i-- {
		f.Cursor = cur
		page, err := p.s.ListMembers(bg, p.sec1, f)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(page.Items, pages[i], func(a, b model.Member) bool { return a.ID == b.ID }) {
			t.Fatalf("back to page %d: got %d items", i+1, len(page.Items))
		}
		if (i == 0) != (page.PrevCursor == "") || page.NextCursor == "" {
			t.Fatalf("back to page %d: cursors %q %q", i+1, page.PrevCursor, page.NextCursor)
		}
		cur = page.PrevCursor
	}
	n, capped, err := p.s.CountMembers(bg, p.sec1, f, 10000)
	if err != nil || n != 45 || capped {
		t.Fatalf("count %d %v %v", n, capped, err)
	}
	if n, capped, _ := p.s.CountMembers(bg, p.sec1, f, 40); n != 40 || !capped {
		t.Fatalf("capped count %d %v", n, capped)
	}
	mobile := true
	if n, _, _ := p.s.CountMembers(bg, p.sec1, model.MemberFilter{Mobile: &mobile}, 10000); n != 9 {
		t.Fatalf("mobile members: %d", n)
	}
	if n, _, _ := p.s.CountMembers(bg, p.admin, model.MemberFilter{Status: model.MemberLeft}, 10000); n != 1 {
		t.Fatalf("left members: %d", n)
	}
	if _, err := p.s.ListMembers(bg, p.sec1, model.MemberFilter{Cursor: "!!"}); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("bad cursor: %v", err)
	}
}
