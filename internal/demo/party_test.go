package demo_test

import (
	"context"
	"testing"

	"redgrid/internal/model"
)

// The demo's party records carry the article's figures: 60多个 organizations,
// 600余名 members, 安德's 30 members, 50余名 in the courier alliance, 2021
// transfers into 韵达 and survey records on the 可建支部 list. The counts
// are computed from the stored records, never typed in.
func TestPartyFigures(t *testing.T) {
	t.Parallel()
	s, r := load(t)
	ctx := context.Background()
	if r.Organizations < 60 || r.Organizations >= 70 {
		t.Errorf("organizations = %d, want 60多个", r.Organizations)
	}
	if r.Members < 600 || r.Members >= 700 || r.FullMembers+r.Probationary != r.Members || r.Probationary == 0 {
		t.Errorf("members = %d (%d full, %d probationary), want 600余名", r.Members, r.FullMembers, r.Probationary)
	}
	if r.OrgsByKind[model.OrgFunctionalBranch] != 5 || r.OrgsByKind[model.OrgJointBranch] == 0 || r.OrgsByKind[model.OrgCommittee] != 1 {
		t.Errorf("organizations by kind %v", r.OrgsByKind)
	}
	if r.CourierAlliance <= 50 || r.CourierAlliance >= 60 {
		t.Errorf("courier alliance members = %d, want 50余名", r.CourierAlliance)
	}
	if r.TransfersIn < 10 || r.BranchCandidates < 3 || r.JointCandidates < 3 {
		t.Errorf("transfers %d, 可建支部 %d, joint candidates %d", r.TransfersIn, r.BranchCandidates, r.JointCandidates)
	}

	ande, err := s.OrganizationByCode(ctx, "CX-ANDE")
	if err != nil {
		t.Fatal(err)
	}
	if ande.FoundedOn == nil || ande.FoundedOn.Year() != 2006 || ande.FullMembers+ande.Probationary != 30 {
		t.Errorf("安德 %+v", ande)
	}
	page, err := s.ListMembers(ctx, model.System, model.MemberFilter{OrgID: ande.ID, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, m := range page.Items {
		kinds[m.PositionKind]++
		if m.IDMasked == "" || len(m.IDMasked) != 18 || m.IDMasked[6:14] != "********" {
			t.Fatalf("masked ID %q", m.IDMasked)
		}
	}
	if len(page.Items) != 30 || kinds[model.PositionManager] == 0 || kinds[model.PositionFrontline] == 0 {
		t.Errorf("安德 members %d, positions %v", len(page.Items), kinds)
	}
	if checks, err := s.OrgChecks(ctx, ande); err != nil || len(checks) != 0 {
		t.Errorf("安德 checks %+v %v", checks, err)
	}

	yunda, err := s.OrganizationByCode(ctx, "CX-YUNDA")
	if err != nil {
		t.Fatal(err)
	}
	if yunda.FoundedOn == nil || yunda.FoundedOn.Format("2006-01") != "2021-06" {
		t.Errorf("韵达 founded %v", yunda.FoundedOn)
	}
	ts, _, _, err := s.ListTransfers(ctx, model.System, model.TransferFilter{OrgID: yunda.ID, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	received := 0
	for _, tr := range ts {
		if tr.IssuedOn.Year() != 2021 || tr.Kind != model.TransferIn {
			t.Errorf("transfer %+v", tr)
		}
		if tr.State == model.TransferReceived {
			received++
		}
	}
	if received < 10 || yunda.FullMembers != 3+received {
		t.Errorf("韵达: %d received, %d full members", received, yunda.FullMembers)
	}

	// The composition report finds the branches left short on purpose.
	rows, err := s.CompositionReport(ctx, model.System, 0)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]int{}
	for _, row := range rows {
		for _, c := range row.Checks {
			codes[c.Code]++
		}
	}
	for _, code := range []string{"too_few_full_members", "committee_required", "branch_too_large", "joint_too_many_units"} {
		if codes[code] == 0 {
			t.Errorf("no %s in the composition report %v", code, codes)
		}
	}

	// 京东物流 has no organization; its three surveyed members make it 可建支部.
	own, _, err := s.BranchCandidates(ctx, model.System)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range own {
		if c.EnterpriseName == "永康市京东物流有限公司" && c.Surveyed == 3 && c.Full == 3 {
			found = true
		}
	}
	if !found {
		t.Errorf("京东物流 not among 可建支部 %+v", own)
	}
}
