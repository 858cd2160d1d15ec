package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/orgcheck"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// opID returns a valid 居民身份证号 for a test member: a fixed birth date and
// the sequence n, with the GB 11643 check character.
func opID(n int) string {
	body := fmt.Sprintf("11010519800101%03d", n)
	c, _ := ident.IDCheckChar(body)
	return body + string(c)
}

func opOrg(t *testing.T, s *store.Store, code, kind string, parent int64) model.Organization {
	t.Helper()
	o, err := s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: code, Name: code + "党组织", Kind: kind, ParentID: parent})
	if err != nil {
		t.Fatalf("organization %s: %v", code, err)
	}
	return o
}

// opMember adds a member numbered n to an organization.
func opMember(t *testing.T, s *store.Store, n int, orgID int64, category, status string) model.Member {
	t.Helper()
	in := model.MemberInput{Name: fmt.Sprintf("党员%03d", n), IDNumber: opID(n), Category: category, Status: status, OrgID: orgID}
	if category == model.CategoryProbationary {
		in.AdmittedOn = "2021-01-01"
	}
	m, err := s.CreateMember(bg, model.System, in)
	if err != nil {
		t.Fatalf("member %d: %v", n, err)
	}
	return m
}

// opMembers adds count full members numbered from first.
func opMembers(t *testing.T, s *store.Store, first, count int, orgID int64) {
	t.Helper()
	for i := range count {
		opMember(t, s, first+i, orgID, model.CategoryFull, "")
	}
}

func opCodes(cs []orgcheck.Check) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Code)
	}
	slices.Sort(out)
	return out
}

func opReload(t *testing.T, s *store.Store, id int64) model.Organization {
	t.Helper()
	o, err := s.Organization(bg, model.System, id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func opChecks(t *testing.T, s *store.Store, id int64) []string {
	t.Helper()
	cs, err := s.OrgChecks(bg, opReload(t, s, id))
	if err != nil {
		t.Fatal(err)
	}
	return opCodes(cs)
}

// opTree is 党工委 T with 党总支 G (branch B1 under it), branch B2 and a
// joint branch J under T.
type opTree struct{ T, G, B1, B2, J model.Organization }

func opMakeTree(t *testing.T, s *store.Store) opTree {
	var tr opTree
	tr.T = opOrg(t, s, "T", store.OrgCommittee, 0)
	tr.G = opOrg(t, s, "G", store.OrgGeneralBranch, tr.T.ID)
	tr.B1 = opOrg(t, s, "B1", store.OrgBranch, tr.G.ID)
	tr.B2 = opOrg(t, s, "B2", store.OrgBranch, tr.T.ID)
	tr.J = opOrg(t, s, "J", store.OrgJointBranch, tr.T.ID)
	return tr
}

func TestOrgCoverageRules(t *testing.T) {
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	tr := opMakeTree(t, s)
	e1 := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "甲企业")
	e2 := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 2, "乙企业")

	c1, err := s.AddCoverage(bg, model.System, tr.B1.ID, store.CoverageInput{EnterpriseID: e1.ID})
	if err != nil {
		t.Fatal(err)
	}
	if c1.Kind != model.CoverOwn || c1.EnterpriseName != "甲企业" || c1.Since.Format("2006-01-02") != "2021-08-25" || c1.Until != nil {
		t.Fatalf("coverage defaults: %+v", c1)
	}
	// One own organization per enterprise.
	_, err = s.AddCoverage(bg, model.System, tr.B2.ID, store.CoverageInput{EnterpriseID: e1.ID, Kind: model.CoverOwn})
	wantField(t, err, model.ECONFLICT, "enterprise_id", "organization.enterprise_has_own")
	// The same link twice.
	_, err = s.AddCoverage(bg, model.System, tr.B1.ID, store.CoverageInput{EnterpriseID: e1.ID})
	wantField(t, err, model.ECONFLICT, "enterprise_id", "organization.already_covered")
	// A joint branch covers the same enterprise as one of its units.
	cj, err := s.AddCoverage(bg, model.System, tr.J.ID, store.CoverageInput{EnterpriseID: e1.ID, Since: "2020-03-01"})
	if err != nil || cj.Kind != model.CoverJoint {
		t.Fatalf("joint coverage: %+v %v", cj, err)
	}
	if got, err := s.EnterpriseOrgs(bg, e1.ID); err != nil || len(got) != 2 {
		t.Fatalf("enterprise orgs: %+v %v", got, err)
	}
	if o := opReload(t, s, tr.J.ID); o.Units != 1 {
		t.Fatalf("joint units = %d", o.Units)
	}

	bad := []struct {
		name, field, key string
		in               store.CoverageInput
	}{
		{"no enterprise", "enterprise_id", "field.required", store.CoverageInput{}},
		{"unknown enterprise", "enterprise_id", "field.unknown", store.CoverageInput{EnterpriseID: 99999}},
		{"bad kind", "kind", "field.choose", store.CoverageInput{EnterpriseID: e2.ID, Kind: "partial"}},
		{"future", "since", "field.date_future", store.CoverageInput{EnterpriseID: e2.ID, Since: "2030-01-01"}},
		{"bad date", "since", "field.date_format", store.CoverageInput{EnterpriseID: e2.ID, Since: "2021/01/01"}},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.AddCoverage(bg, model.System, tr.B2.ID, c.in)
			wantField(t, err, model.EINVALID, c.field, c.key)
		})
	}

	// Ending the own link frees the enterprise for another own organization.
	if err := s.EndCoverage(bg, model.System, tr.B1.ID, c1.ID, ""); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.EndCoverage(bg, model.System, tr.B1.ID, c1.ID, ""), model.ENOTFOUND)
	cov, err := s.Coverage(bg, tr.B1.ID)
	if err != nil || len(cov) != 1 || cov[0].Until == nil || cov[0].Until.Format("2006-01-02") != "2021-08-25" {
		t.Fatalf("ended coverage: %+v %v", cov, err)
	}
	if _, err := s.AddCoverage(bg, model.System, tr.B2.ID, store.CoverageInput{EnterpriseID: e1.ID}); err != nil {
		t.Fatalf("own after the old link ended: %v", err)
	}
	if o := opReload(t, s, tr.B1.ID); o.Units != 0 {
		t.Fatalf("units after end = %d", o.Units)
	}
	if a := lastAudit(t, s); a.Action != "organization.cover" || a.EntityID != tr.B2.ID {
		t.Fatalf("audit: %+v", a)
	}
}

func TestOrgPosts(t *testing.T) {
	s, clock := storetest.Open(t)
	tr := opMakeTree(t, s)
	m1 := opMember(t, s, 1, tr.B1.ID, model.CategoryFull, "")
	m2 := opMember(t, s, 2, tr.B1.ID, model.CategoryFull, "")
	m3 := opMember(t, s, 3, tr.B2.ID, model.CategoryFull, "")

	if err := s.AssignPost(bg, model.System, tr.B1.ID, store.PostInput{MemberID: m1.ID, Post: model.PostSecretary, StartedOn: "2020-01-01"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AssignPost(bg, model.System, tr.B1.ID, store.PostInput{MemberID: m1.ID, Post: model.PostPropaganda}); err != nil {
		t.Fatal(err)
	}
	// A new secretary replaces the old one on the day of appointment.
	if err := s.AssignPost(bg, model.System, tr.B1.ID, store.PostInput{MemberID: m2.ID, Post: model.PostSecretary, StartedOn: "2021-03-01"}); err != nil {
		t.Fatal(err)
	}
	cur, err := s.Posts(bg, tr.B1.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	var secretaries []string
	for _, p := range cur {
		if p.Post == model.PostSecretary {
			secretaries = append(secretaries, p.MemberName)
		}
	}
	if len(cur) != 2 || !slices.Equal(secretaries, []string{m2.Name}) {
		t.Fatalf("current posts: %+v", cur)
	}
	all, err := s.Posts(bg, tr.B1.ID, true)
	if err != nil || len(all) != 3 {
		t.Fatalf("all posts: %+v %v", all, err)
	}
	old := all[len(all)-1]
	if old.MemberID != m1.ID || old.Post != model.PostSecretary || old.EndedOn == nil || old.EndedOn.Format("2006-01-02") != "2021-03-01" {
		t.Fatalf("replaced secretary: %+v", old)
	}

	bad := []struct {
		name, field, key string
		in               store.PostInput
	}{
		{"not a member here", "member_id", "organization.post_not_member", store.PostInput{MemberID: m3.ID, Post: model.PostSecretary}},
		{"unknown member", "member_id", "field.unknown", store.PostInput{MemberID: 99999, Post: model.PostSecretary}},
		{"no member", "member_id", "field.unknown", store.PostInput{Post: model.PostSecretary}},
		{"bad post", "post", "field.choose", store.PostInput{MemberID: m1.ID, Post: "chairman"}},
		{"no post", "post", "field.required", store.PostInput{MemberID: m1.ID}},
		{"future", "started_on", "field.date_future", store.PostInput{MemberID: m1.ID, Post: model.PostDiscipline, StartedOn: "2031-01-01"}},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			wantField(t, s.AssignPost(bg, model.System, tr.B1.ID, c.in), model.EINVALID, c.field, c.key)
		})
	}

	clock.Add(48 * time.Hour)
	if err := s.EndPost(bg, model.System, tr.B1.ID, cur[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.EndPost(bg, model.System, tr.B1.ID, cur[0].ID, ""), model.ENOTFOUND)
	if left, _ := s.Posts(bg, tr.B1.ID, false); len(left) != 1 {
		t.Fatalf("after end: %+v", left)
	}
	mp, err := s.MemberPosts(bg, m1.ID)
	if err != nil || len(mp) != 2 {
		t.Fatalf("member posts: %+v %v", mp, err)
	}

	// A secretary of B2 manages nothing in B1.
	u, err := s.CreateUser(bg, model.System, store.UserInput{Username: "sec-b2", Role: model.RoleOrgSecretary,
		OrgIDs: []int64{tr.B2.ID}, Password: storetest.Password})
	if err != nil {
		t.Fatal(err)
	}
	sec := storetest.Actor(t, s, u)
	wantCode(t, s.AssignPost(bg, sec, tr.B1.ID, store.PostInput{MemberID: m1.ID, Post: model.PostSecretary}), model.ENOTFOUND)
	if err := s.AssignPost(bg, sec, tr.B2.ID, store.PostInput{MemberID: m3.ID, Post: model.PostSecretary}); err != nil {
		t.Fatalf("secretary in own branch: %v", err)
	}
}

func TestOrgMoveRepathsSubtreeAndMembers(t *testing.T) {
	s, _ := storetest.Open(t)
	tr := opMakeTree(t, s)
	t2 := opOrg(t, s, "T2", store.OrgCommittee, 0)
	m := opMember(t, s, 1, tr.B1.ID, model.CategoryFull, "")

	in := store.OrganizationInputOf(tr.G)
	in.ParentID = t2.ID
	g, err := s.UpdateOrganization(bg, model.System, tr.G.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%s%d/", t2.Path, tr.G.ID); g.Path != want || g.Version != 2 || g.ParentName != t2.Name {
		t.Fatalf("moved: %+v, want path %s", g, want)
	}
	b1 := opReload(t, s, tr.B1.ID)
	if want := fmt.Sprintf("%s%d/", g.Path, tr.B1.ID); b1.Path != want || b1.Depth != 2 {
		t.Fatalf("child path %q depth %d, want %q", b1.Path, b1.Depth, want)
	}
	var orgPath string
	if err := s.R.QueryRowContext(bg, "SELECT org_path FROM members WHERE id = $1", m.ID).Scan(&orgPath); err != nil {
		t.Fatal(err)
	}
	if orgPath != b1.Path {
		t.Fatalf("member org_path %q, want %q", orgPath, b1.Path)
	}
	// Subtree lists follow the move.
	for _, c := range []struct {
		root int64
		n    int
	}{{t2.ID, 1}, {tr.T.ID, 0}, {tr.G.ID, 1}} {
		page, err := s.ListMembers(bg, model.System, model.MemberFilter{OrgID: c.root})
		if err != nil || len(page.Items) != c.n {
			t.Errorf("members under %d: %d %v, want %d", c.root, len(page.Items), err, c.n)
		}
		counts, err := s.OrgMemberCounts(bg, c.root)
		if err != nil || counts.Full != c.n {
			t.Errorf("counts under %d: %+v %v, want %d", c.root, counts, err, c.n)
		}
	}
	// A stale version, a cycle and a general branch over a general branch are refused.
	in.Name = "另一个名字"
	_, err = s.UpdateOrganization(bg, model.System, tr.G.ID, in)
	if e := wantCode(t, err, model.ECONFLICT); e.Key != "error.stale" {
		t.Fatalf("stale: %v", err)
	}
	in = store.OrganizationInputOf(g)
	in.ParentID = tr.B1.ID
	_, err = s.UpdateOrganization(bg, model.System, tr.G.ID, in)
	wantField(t, err, model.EINVALID, "parent_id", "organization.parent_cycle")
	c := opOrg(t, s, "C", store.OrgCommittee, tr.T.ID)
	opOrg(t, s, "CG", store.OrgGeneralBranch, c.ID)
	in = store.OrganizationInputOf(c)
	in.Kind = store.OrgGeneralBranch
	_, err = s.UpdateOrganization(bg, model.System, c.ID, in)
	wantField(t, err, model.EINVALID, "kind", "organization.kind_children_kind")
}

func TestOrgEditKeepsStoredTermYears(t *testing.T) {
	s, _ := storetest.Open(t)
	top := opOrg(t, s, "T", store.OrgCommittee, 0)
	o, err := s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: "B", Name: "支部", Kind: "branch",
		ParentID: top.ID, TermStart: "2020-01-01", TermYears: 5})
	if err != nil {
		t.Fatal(err)
	}
	in := store.OrganizationInputOf(o)
	in.Name = "改名后的支部"
	o, err = s.UpdateOrganization(bg, model.System, o.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if o.TermYears != 5 || o.TermEnd == nil || o.TermEnd.Format("2006-01-02") != "2025-01-01" {
		t.Fatalf("term after an edit: %d years, end %v", o.TermYears, o.TermEnd)
	}
	// The default stays a default: a village organization serves five years.
	in = store.OrganizationInputOf(top)
	in.Village = true
	top, err = s.UpdateOrganization(bg, model.System, top.ID, in)
	if err != nil || top.TermYears != 5 {
		t.Fatalf("village default: %d %v", top.TermYears, err)
	}
}

func TestOrgCompositionChecks(t *testing.T) {
	s, clock := storetest.Open(t)
	f := storetest.MustZone(t, s)
	top := opOrg(t, s, "TOP", store.OrgCommittee, 0)
	mk := func(code, kind, termStart string) model.Organization {
		t.Helper()
		o, err := s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: code, Name: code, Kind: kind,
			ParentID: top.ID, TermStart: termStart})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	fine := mk("FINE", store.OrgBranch, "2021-06-01")
	opMembers(t, s, 1, 3, fine.ID)
	small := mk("SMALL", store.OrgBranch, "")
	opMembers(t, s, 10, 2, small.ID)
	functional := mk("FUNC", store.OrgFunctionalBranch, "")
	seven := mk("SEVEN", store.OrgBranch, "")
	opMembers(t, s, 20, 7, seven.ID)
	large := mk("LARGE", store.OrgBranch, "")
	opMembers(t, s, 100, 45, large.ID)
	for i := range 6 {
		opMember(t, s, 200+i, large.ID, model.CategoryProbationary, "")
	}
	joint := mk("JOINT", store.OrgJointBranch, "")
	opMembers(t, s, 300, 3, joint.ID)
	for i := 1; i <= 6; i++ {
		e := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, i, fmt.Sprintf("企业%d", i))
		if _, err := s.AddCoverage(bg, model.System, joint.ID, store.CoverageInput{EnterpriseID: e.ID}); err != nil {
			t.Fatal(err)
		}
	}
	term := mk("TERM", store.OrgBranch, "2018-10-01") // ends 2021-10-01, five weeks after the epoch
	opMembers(t, s, 400, 3, term.ID)

	want := map[int64][]string{
		fine.ID:       {},
		small.ID:      {"too_few_full_members"},
		functional.ID: {},
		seven.ID:      {"committee_required"},
		large.ID:      {"branch_too_large", "committee_required"},
		joint.ID:      {"joint_too_many_units"},
		term.ID:       {"term_ending"},
		top.ID:        {},
	}
	check := func(stage string) {
		t.Helper()
		report, err := s.CompositionReport(bg, model.System, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64][]string{}
		for _, row := range report {
			got[row.Org.ID] = opCodes(row.Checks)
		}
		for id, codes := range want {
			if c := opChecks(t, s, id); !slices.Equal(c, codes) {
				t.Errorf("%s: OrgChecks(%d) = %v, want %v", stage, id, c, codes)
			}
			if len(codes) == 0 {
				if _, ok := got[id]; ok {
					t.Errorf("%s: report lists %d without warnings: %v", stage, id, got[id])
				}
			} else if !slices.Equal(got[id], codes) {
				t.Errorf("%s: report for %d = %v, want %v", stage, id, got[id], codes)
			}
		}
	}
	check("start")

	// Each warning goes away when its cause does.
	sevenMembers, err := s.ListMembers(bg, model.System, model.MemberFilter{OrgID: seven.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AssignPost(bg, model.System, seven.ID, store.PostInput{MemberID: sevenMembers.Items[0].ID, Post: model.PostOrganization}); err != nil {
		t.Fatal(err)
	}
	opMember(t, s, 12, small.ID, model.CategoryFull, "")
	cov, err := s.Coverage(bg, joint.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EndCoverage(bg, model.System, joint.ID, cov[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	want[seven.ID], want[small.ID], want[joint.ID] = []string{}, []string{}, []string{}
	check("fixed")

	// Time passes: the term falls due, and a fresh term is still fine.
	clock.Set(time.Date(2021, 10, 2, 2, 0, 0, 0, time.UTC))
	want[term.ID] = []string{"term_overdue"}
	check("overdue")
	in := store.OrganizationInputOf(opReload(t, s, term.ID))
	in.TermStart = "2021-10-01"
	if _, err := s.UpdateOrganization(bg, model.System, term.ID, in); err != nil {
		t.Fatal(err)
	}
	want[term.ID] = []string{}
	check("re-elected")

	// The report under a root covers that subtree only.
	sub, err := s.CompositionReport(bg, model.System, large.ID)
	if err != nil || len(sub) != 1 || sub[0].Org.ID != large.ID {
		t.Fatalf("report under a root: %+v %v", sub, err)
	}
}

func TestOrgMemberCountsSubtree(t *testing.T) {
	s, _ := storetest.Open(t)
	tr := opMakeTree(t, s)
	opMember(t, s, 1, tr.B1.ID, model.CategoryFull, "")
	opMember(t, s, 2, tr.B1.ID, model.CategoryFull, "")
	opMember(t, s, 3, tr.B1.ID, model.CategoryProbationary, "")
	opMember(t, s, 4, tr.G.ID, model.CategoryFull, model.MemberLost)
	opMember(t, s, 5, tr.B2.ID, model.CategoryFull, "")
	opMember(t, s, 6, tr.B2.ID, model.CategoryFull, model.MemberSuspended)

	cases := []struct {
		org                      int64
		full, prob, total, nNorm int
	}{
		{tr.T.ID, 3, 1, 6, 4},
		{tr.G.ID, 2, 1, 4, 3},
		{tr.B1.ID, 2, 1, 3, 3},
		{tr.B2.ID, 1, 0, 2, 1},
		{tr.J.ID, 0, 0, 0, 0},
	}
	for _, c := range cases {
		got, err := s.OrgMemberCounts(bg, c.org)
		if err != nil {
			t.Fatal(err)
		}
		if got.Full != c.full || got.Probationary != c.prob || got.Total != c.total || got.ByStatus[model.MemberNormal] != c.nNorm {
			t.Errorf("counts of %d: %+v, want full %d probationary %d total %d normal %d", c.org, got, c.full, c.prob, c.total, c.nNorm)
		}
	}
	if got, _ := s.OrgMemberCounts(bg, tr.T.ID); got.ByStatus[model.MemberLost] != 1 || got.ByStatus[model.MemberSuspended] != 1 {
		t.Errorf("by status: %+v", got.ByStatus)
	}
	// The organization's own counts (lists) are of itself only.
	if g := opReload(t, s, tr.G.ID); g.FullMembers != 0 || opReload(t, s, tr.B1.ID).FullMembers != 2 {
		t.Errorf("own counts: G %d", g.FullMembers)
	}
	_, err := s.OrgMemberCounts(bg, 99999)
	wantCode(t, err, model.ENOTFOUND)
}

func opListIDs(t *testing.T, s *store.Store, actor *model.Actor, f store.OrgFilter) []int64 {
	t.Helper()
	var out []int64
	for range 100 {
		items, next, _, err := s.ListOrganizations(bg, actor, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range items {
			out = append(out, o.ID)
		}
		if next == "" {
			return out
		}
		f.Cursor = next
	}
	t.Fatal("pagination does not end")
	return nil
}

func TestOrgScopeOfActors(t *testing.T) {
	s, _ := storetest.Open(t)
	f := storetest.MustZone(t, s)
	tr := opMakeTree(t, s)
	ea := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "东一企业")
	eb := storetest.MustEnterprise(t, s, f.GridB1.ID, f.Industry.ID, 2, "西一企业")
	cova, err := s.AddCoverage(bg, model.System, tr.B1.ID, store.CoverageInput{EnterpriseID: ea.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddCoverage(bg, model.System, tr.B2.ID, store.CoverageInput{EnterpriseID: eb.ID}); err != nil {
		t.Fatal(err)
	}
	opMember(t, s, 1, tr.B1.ID, model.CategoryFull, "")
	opMember(t, s, 2, tr.B2.ID, model.CategoryFull, "")

	u, err := s.CreateUser(bg, model.System, store.UserInput{Username: "sec-g", Role: model.RoleOrgSecretary,
		OrgIDs: []int64{tr.G.ID}, Password: storetest.Password})
	if err != nil {
		t.Fatal(err)
	}
	sec := storetest.Actor(t, s, u)
	worker := storetest.Actor(t, s, storetest.MustUser(t, s, "w-a1", model.RoleGridWorker, f.GridA1.ID))

	// Lists, in tree order, with paging of one row at a time.
	all := opListIDs(t, s, model.System, store.OrgFilter{Limit: 1})
	if !slices.Equal(all, []int64{tr.T.ID, tr.G.ID, tr.B1.ID, tr.B2.ID, tr.J.ID}) {
		t.Fatalf("admin list: %v", all)
	}
	if got := opListIDs(t, s, sec, store.OrgFilter{Limit: 1}); !slices.Equal(got, []int64{tr.G.ID, tr.B1.ID}) {
		t.Fatalf("secretary list: %v", got)
	}
	if got := opListIDs(t, s, worker, store.OrgFilter{}); !slices.Equal(got, []int64{tr.B1.ID}) {
		t.Fatalf("grid worker list: %v", got)
	}
	if got := opListIDs(t, s, model.System, store.OrgFilter{Kind: "党支部"}); !slices.Equal(got, []int64{tr.B1.ID, tr.B2.ID}) {
		t.Fatalf("kind filter: %v", got)
	}
	if got := opListIDs(t, s, model.System, store.OrgFilter{ParentID: tr.G.ID}); !slices.Equal(got, []int64{tr.G.ID, tr.B1.ID}) {
		t.Fatalf("subtree filter: %v", got)
	}
	if got := opListIDs(t, s, model.System, store.OrgFilter{Keyword: "J党"}); !slices.Equal(got, []int64{tr.J.ID}) {
		t.Fatalf("keyword filter: %v", got)
	}

	// Reads and writes outside the scope are not found.
	for _, id := range []int64{tr.T.ID, tr.B2.ID, tr.J.ID} {
		_, err := s.Organization(bg, sec, id)
		wantCode(t, err, model.ENOTFOUND)
	}
	for _, id := range []int64{tr.T.ID, tr.G.ID, tr.B2.ID} {
		_, err := s.Organization(bg, worker, id)
		wantCode(t, err, model.ENOTFOUND)
	}
	if _, err := s.Organization(bg, worker, tr.B1.ID); err != nil {
		t.Fatalf("worker reads the branch covering their grid: %v", err)
	}
	_, err = s.UpdateOrganization(bg, sec, tr.T.ID, store.OrganizationInputOf(tr.T))
	wantCode(t, err, model.ENOTFOUND)
	_, err = s.AddCoverage(bg, sec, tr.B2.ID, store.CoverageInput{EnterpriseID: ea.ID, Kind: model.CoverFunctional})
	wantCode(t, err, model.ENOTFOUND)
	_, err = s.CreateOrganization(bg, sec, store.OrganizationInput{Code: "X", Name: "外部支部", Kind: "branch", ParentID: tr.T.ID})
	wantCode(t, err, model.EFORBIDDEN)

	// Inside the subtree a secretary creates and edits.
	nb, err := s.CreateOrganization(bg, sec, store.OrganizationInput{Code: "B3", Name: "新支部", Kind: "branch", ParentID: tr.G.ID})
	if err != nil {
		t.Fatal(err)
	}
	in := store.OrganizationInputOf(tr.B1)
	in.ShortName = "一支部"
	if _, err := s.UpdateOrganization(bg, sec, tr.B1.ID, in); err != nil {
		t.Fatal(err)
	}
	// …but may not move an organization out of it.
	in = store.OrganizationInputOf(nb)
	in.ParentID = tr.T.ID
	_, err = s.UpdateOrganization(bg, sec, nb.ID, in)
	wantField(t, err, model.EINVALID, "parent_id", "organization.outside_scope")

	// Composition report follows the scope.
	for _, c := range []struct {
		actor *model.Actor
		ids   []int64
	}{{sec, []int64{tr.B1.ID, nb.ID}}, {worker, []int64{tr.B1.ID}}} {
		rep, err := s.CompositionReport(bg, c.actor, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, row := range rep {
			got = append(got, row.Org.ID)
		}
		if !sameIDs(got, c.ids) {
			t.Errorf("report of %s: %v, want %v", c.actor.Username, got, c.ids)
		}
	}

	// Once the branch no longer covers an enterprise in the grid, the
	// worker no longer reads it.
	if err := s.EndCoverage(bg, model.System, tr.B1.ID, cova.ID, ""); err != nil {
		t.Fatal(err)
	}
	_, err = s.Organization(bg, worker, tr.B1.ID)
	wantCode(t, err, model.ENOTFOUND)
	if got := opListIDs(t, s, worker, store.OrgFilter{}); len(got) != 0 {
		t.Fatalf("worker list after the coverage ended: %v", got)
	}
}
