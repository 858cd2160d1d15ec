package store_test

import (
	"encoding/base64"
	"strings"
	"sync"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// Review of the party registers: scope, personal data, odd input and
// concurrency, on whichever engine the tests run on.

// memberAudits returns the audit entries of one member, newest first.
func memberAudits(t *testing.T, s *store.Store, id int64) []model.AuditEntry {
	t.Helper()
	es, err := s.ListAudit(bg, model.AuditFilter{Entity: "member", EntityID: id, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// An edit that leaves the ID number and phone empty keeps the stored
// values without recording a reveal; deleting the phone takes an explicit
// option.
func TestReviewUpdateMemberKeepsPersonalData(t *testing.T) {
	p := newPartyFix(t)
	id := validID("19850312", 31)
	m := mustMember(t, p.s, p.sec1, fullMember("蒋文", id, p.br1.ID))
	in := store.MemberInputOf(m, model.MemberSecret{})
	in.Name = "蒋文华"
	got, err := p.s.UpdateMember(bg, p.sec1, m.ID, in, m.Version)
	if err != nil {
		t.Fatalf("update with the personal data left empty: %v", err)
	}
	if got.Name != "蒋文华" || got.IDMasked != m.IDMasked || got.PhoneMasked != m.PhoneMasked || got.Sex != m.Sex ||
		!got.BirthDate.Equal(m.BirthDate) {
		t.Fatalf("after update: %+v", got)
	}
	for _, a := range memberAudits(t, p.s, m.ID) {
		if a.Action == "member.reveal" {
			t.Fatalf("an edit recorded a reveal: %+v", a)
		}
		if strings.Contains(a.Before+a.After, id) || strings.Contains(a.Before+a.After, "13812345678") {
			t.Fatalf("audit holds personal data: %+v", a)
		}
	}
	sec, err := p.s.RevealMember(bg, p.admin, m.ID, "核对")
	if err != nil || sec.IDNumber != id || sec.Phone != "13812345678" {
		t.Fatalf("stored values after the edit: %+v %v", sec, err)
	}

	// The kept ID number is still checked against the rest of the record:
	// an admission before the 18th birthday is refused.
	bad := store.MemberInputOf(got, model.MemberSecret{})
	bad.AppliedOn, bad.ActivistOn, bad.CandidateOn, bad.AdmittedOn = "", "", "", "1990-01-01"
	_, err = p.s.UpdateMember(bg, p.sec1, m.ID, bad, got.Version)
	wantField(t, err, model.EINVALID, "admitted_on", "member.under_age")

	// Deleting the phone is explicit.
	got, err = p.s.UpdateMember(bg, p.sec1, m.ID, store.MemberInputOf(got, model.MemberSecret{}), got.Version, store.MemberEdit{ClearPhone: true})
	if err != nil || got.PhoneMasked != "" {
		t.Fatalf("clear phone: %+v %v", got, err)
	}
	if sec, _ := p.s.RevealMember(bg, p.admin, m.ID, "核对"); sec.Phone != "" || sec.IDNumber != id {
		t.Fatalf("after clearing: %+v", sec)
	}
	// A new phone and a new ID number replace the stored ones.
	in = store.MemberInputOf(got, model.MemberSecret{IDNumber: validID("19850312", 33), Phone: "13900001111"})
	if got, err = p.s.UpdateMember(bg, p.sec1, m.ID, in, got.Version); err != nil {
		t.Fatal(err)
	}
	if sec, _ := p.s.RevealMember(bg, p.admin, m.ID, "核对"); sec.Phone != "13900001111" || sec.IDNumber != in.IDNumber {
		t.Fatalf("after replacing: %+v", sec)
	}
	// Grid staff still cannot edit, kept values or not.
	_, err = p.s.UpdateMember(bg, p.worker, m.ID, store.MemberInputOf(got, model.MemberSecret{}), got.Version)
	wantCode(t, err, model.EFORBIDDEN)
}

// Department staff read every enterprise but hold no party permission: the
// party registers are out of their scope in the store as well.
func TestReviewDepartmentSeesNoPartyData(t *testing.T) {
	p := newPartyFix(t)
	d, err := p.s.DepartmentByCode(bg, "safety")
	if err != nil {
		t.Fatal(err)
	}
	u, err := p.s.CreateUser(bg, model.System, store.UserInput{Username: "dept", DisplayName: "dept", Role: model.RoleDepartment,
		DepartmentID: d.ID, Password: storetest.Password})
	if err != nil {
		t.Fatal(err)
	}
	dept := storetest.Actor(t, p.s, u)
	sv, err := p.s.CreateSurvey(bg, p.workerB, model.SurveyInput{Name: "刘洋", Phone: "13812345678", EnterpriseID: p.entB1.ID,
		Category: model.CategoryFull})
	if err != nil {
		t.Fatal(err)
	}
	m := mustMember(t, p.s, p.admin, fullMember("蒋文", validID("19850312", 41), p.br1.ID))

	_, err = p.s.Survey(bg, dept, sv.ID)
	wantCode(t, err, model.ENOTFOUND)
	items, _, _, err := p.s.ListSurveys(bg, dept, model.SurveyFilter{Limit: 20})
	if err != nil || len(items) != 0 {
		t.Fatalf("department lists surveys: %d %v", len(items), err)
	}
	_, err = p.s.UpdateSurvey(bg, dept, sv.ID, model.SurveyInput{Name: "x", EnterpriseID: p.entB1.ID, Category: model.CategoryFull}, sv.Version)
	wantCode(t, err, model.ENOTFOUND)
	wantCode(t, p.s.AddSurveyNote(bg, dept, sv.ID, "note"), model.ENOTFOUND)
	_, err = p.s.Member(bg, dept, m.ID)
	wantCode(t, err, model.ENOTFOUND)
	_, err = p.s.Organization(bg, dept, p.br1.ID)
	wantCode(t, err, model.ENOTFOUND)
	own, joint, err := p.s.BranchCandidates(bg, dept)
	if err != nil || len(own)+len(joint) != 0 {
		t.Fatalf("department sees branch candidates: %v %v %v", own, joint, err)
	}
	// Grid staff keep their surveys.
	if _, err := p.s.Survey(bg, p.workerB, sv.ID); err != nil {
		t.Fatal(err)
	}
}

// A cursor is client input: a crafted one with bytes no text column holds
// is a field error, not a database error.
func TestReviewCraftedCursor(t *testing.T) {
	p := newPartyFix(t)
	for _, raw := range []string{`{"k":"/w==","id":1}`, `{"k":"AA==","id":1}`, `{"k":"LzEv/y8=","id":1,"r":true}`} {
		c := base64.RawURLEncoding.EncodeToString([]byte(raw))
		_, _, _, err := p.s.ListOrganizations(bg, p.admin, store.OrgFilter{Cursor: c, Limit: 5})
		wantField(t, err, model.EINVALID, "cursor", "field.cursor")
	}
}

// Two edits of the same member at the same version: exactly one wins.
func TestReviewConcurrentMemberEdits(t *testing.T) {
	p := newPartyFix(t)
	m := mustMember(t, p.s, p.sec1, fullMember("蒋文", validID("19850312", 51), p.br1.ID))
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := store.MemberInputOf(m, model.MemberSecret{IDNumber: validID("19850312", 51), Phone: "13812345678"})
			in.Name = "蒋文" + string(rune('甲'+i))
			if i%2 == 0 {
				in.Category, in.FullOn = model.CategoryProbationary, ""
			}
			_, errs[i] = p.s.UpdateMember(bg, p.sec1, m.ID, in, m.Version)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch model.ErrorCode(err) {
		case "":
			won++
		case model.ECONFLICT:
		default:
			t.Fatalf("concurrent edit: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d edits won, want 1", won)
	}
	got, _ := p.s.Member(bg, model.System, m.ID)
	if got.Version != m.Version+1 {
		t.Fatalf("version %d", got.Version)
	}
	c, err := p.s.OrgMemberCounts(bg, p.br1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Total != 1 || c.Full+c.Probationary != 1 || (got.Category == model.CategoryFull) != (c.Full == 1) {
		t.Fatalf("counters after concurrent edits: %+v, member %s", c, got.Category)
	}
}

// Concurrent creates keep the per-organization counters exact.
func TestReviewConcurrentMemberCreates(t *testing.T) {
	p := newPartyFix(t)
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			org := p.br1.ID
			if i%2 == 1 {
				org = p.br3.ID
			}
			in := fullMember("成员"+string(rune('甲'+i)), validID("19850312", 200+i), org)
			if i%4 == 0 {
				in.Category, in.FullOn = model.CategoryProbationary, ""
			}
			_, errs[i] = p.s.CreateMember(bg, p.admin, in)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Both of the same ID number at once: one member, one conflict.
	id := validID("19850312", 300)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := p.s.CreateMember(bg, p.admin, fullMember("双生", id, p.br1.ID))
			if err != nil && model.ErrorCode(err) != model.ECONFLICT {
				t.Errorf("duplicate create: %v", err)
			}
		}()
	}
	wg.Wait()
	top, err := p.s.OrgMemberCounts(bg, p.top.ID)
	if err != nil {
		t.Fatal(err)
	}
	if top.Total != n+1 || top.Probationary != n/4 || top.Full != n+1-n/4 {
		t.Fatalf("subtree counters: %+v", top)
	}
	for _, o := range []model.Organization{p.br1, p.br3} {
		c, _ := p.s.OrgMemberCounts(bg, o.ID)
		listed, _, err := p.s.CountMembers(bg, p.admin, model.MemberFilter{OrgID: o.ID}, 1000)
		if err != nil || c.Total != listed {
			t.Fatalf("%s: counters %+v, members %d %v", o.Code, c, listed, err)
		}
	}
}

// Moving an organization while members are added below it: every member
// ends up under the organization's new path (scope and subtree counts
// follow org_path).
func TestReviewMoveWhileAddingMembers(t *testing.T) {
	p := newPartyFix(t)
	top2, err := p.s.CreateOrganization(bg, model.System, store.OrganizationInput{Code: "CX2", Name: "第二党委", Kind: store.OrgCommittee})
	if err != nil {
		t.Fatal(err)
	}
	const rounds = 40
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range rounds {
			g, err := p.s.Organization(bg, model.System, p.gen.ID)
			if err != nil {
				t.Error(err)
				return
			}
			in := store.OrganizationInputOf(g)
			in.ParentID = []int64{top2.ID, p.top.ID}[i%2]
			if _, err := p.s.UpdateOrganization(bg, model.System, g.ID, in); err != nil {
				t.Errorf("move: %v", err)
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := range rounds * 2 {
			if _, err := p.s.CreateMember(bg, p.admin, fullMember("成员"+string(rune('甲'+i)), validID("19850312", 400+i), p.br3.ID)); err != nil {
				t.Errorf("create: %v", err)
				return
			}
		}
	}()
	wg.Wait()
	n, _, err := p.s.CountMembers(bg, p.admin, model.MemberFilter{OrgID: p.br3.ID, Status: model.MemberNormal}, 1000)
	if err != nil || n != rounds*2 {
		t.Fatalf("members found under the moved branch's path: %d of %d (%v)", n, rounds*2, err)
	}
	n, _, _ = p.s.CountMembers(bg, p.secGen, model.MemberFilter{}, 1000)
	if n != rounds*2 {
		t.Fatalf("the general branch's secretary sees %d of %d", n, rounds*2)
	}
}
