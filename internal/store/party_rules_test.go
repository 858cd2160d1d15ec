package store_test

import (
	"context"
	"testing"

	"redgrid/internal/gen"
	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// Small rules from review: end dates not before start dates, posts only for
// members in good standing, and members on record claimed back only by an
// administrator.
func TestPartyEndDatesPostsAndReclaim(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	f := storetest.MustZone(t, s)
	top, err := s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: "T", Name: "党委", Kind: "党委"})
	if err != nil {
		t.Fatal(err)
	}
	br, err := s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: "B", Name: "支部", Kind: "党支部", ParentID: top.ID})
	if err != nil {
		t.Fatal(err)
	}
	e := storetest.MustEnterprise(t, s, f.GridA1.ID, f.Industry.ID, 1, "某某有限公司")
	cv, err := s.AddCoverage(ctx, model.System, br.ID, store.CoverageInput{EnterpriseID: e.ID, Since: "2020-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	err = s.EndCoverage(ctx, model.System, br.ID, cv.ID, "2020-04-30")
	wantField(t, err, model.EINVALID, "until", "field.before_start")

	mk := func(n int, status string) model.Member {
		m, err := s.CreateMember(ctx, model.System, model.MemberInput{Name: "党员", Category: model.CategoryFull, OrgID: br.ID,
			IDNumber: gen.IDNumberSeq("330784", storetest.Epoch.AddDate(-40, 0, n), 1), Status: status})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	ok := mk(1, model.MemberNormal)
	gone := mk(2, model.MemberDeceased)
	err = s.AssignPost(ctx, model.System, br.ID, store.PostInput{MemberID: gone.ID, Post: model.PostSecretary, StartedOn: "2021-01-01"})
	wantField(t, err, model.EINVALID, "member_id", "organization.post_member_status")
	if err := s.AssignPost(ctx, model.System, br.ID, store.PostInput{MemberID: ok.ID, Post: model.PostSecretary, StartedOn: "2021-01-01"}); err != nil {
		t.Fatal(err)
	}
	posts, _ := s.Posts(ctx, br.ID, false)
	if len(posts) != 1 {
		t.Fatalf("posts %+v", posts)
	}
	err = s.EndPost(ctx, model.System, br.ID, posts[0].ID, "2020-12-31")
	wantField(t, err, model.EINVALID, "ended_on", "field.before_start")

	// A member who left by transfer is on record without an organization.
	out, err := s.CreateTransfer(ctx, model.System, model.TransferInput{Kind: model.TransferOut, MemberID: ok.ID, ToName: "外省某党委"})
	if err != nil {
		t.Fatal(err)
	}
	for _, act := range []string{store.ActApprove, store.ActDispatch, store.ActReceive} {
		if out, err = s.ActOnTransfer(ctx, model.System, out.ID, store.TransferActionInput{Action: act, Version: out.Version}); err != nil {
			t.Fatal(act, err)
		}
	}
	u, err := s.CreateUser(ctx, model.System, store.UserInput{Username: "sec", Role: model.RoleOrgSecretary,
		OrgIDs: []int64{br.ID}, Password: storetest.Password})
	if err != nil {
		t.Fatal(err)
	}
	scope, err := s.ResolveScope(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	actor := &model.Actor{UserID: u.ID, Username: "sec", Role: model.RoleOrgSecretary, Scope: scope}
	_, err = s.CreateTransfer(ctx, actor, model.TransferInput{Kind: model.TransferIn, MemberID: ok.ID, FromName: "外省某党委", ToOrgID: br.ID})
	wantField(t, err, model.EINVALID, "member_id", "transfer.in_existing_admin")
	if _, err := s.CreateTransfer(ctx, model.System, model.TransferInput{Kind: model.TransferIn, MemberID: ok.ID, FromName: "外省某党委", ToOrgID: br.ID}); err != nil {
		t.Fatalf("admin reclaim: %v", err)
	}
}
