package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func TestCreateOrganization(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	top, err := s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: "CX-DGW", Name: " 城西新区党工委 ", Kind: "党委"})
	if err != nil {
		t.Fatal(err)
	}
	if top.Kind != store.OrgCommittee || top.Name != "城西新区党工委" || top.ParentID != 0 || top.Depth != 0 || top.Version != 1 {
		t.Fatalf("committee: %+v", top)
	}
	if want := "/" + strconv.FormatInt(top.ID, 10) + "/"; top.Path != want {
		t.Fatalf("path %q, want %q", top.Path, want)
	}
	gb, err := s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: "CX-ZZ", Name: "某党总支", Kind: store.OrgGeneralBranch, ParentID: top.ID})
	if err != nil {
		t.Fatal(err)
	}
	br, err := s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: "CX-ANDE", Name: "浙江安德电器有限公司党支部", Kind: "branch", ParentID: top.ID})
	if err != nil {
		t.Fatal(err)
	}
	if br.Path != top.Path+strconv.FormatInt(br.ID, 10)+"/" || br.ParentName != "城西新区党工委" || br.Depth != 1 {
		t.Fatalf("branch: %+v", br)
	}
	jb, err := s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: "CX-LH1", Name: "联合党支部一", Kind: "联合党支部", ParentID: gb.ID})
	if err != nil {
		t.Fatal(err)
	}
	if jb.Kind != store.OrgJointBranch || jb.Depth != 2 {
		t.Fatalf("joint branch: %+v", jb)
	}

	cases := []struct {
		name  string
		in    store.OrganizationInput
		code  string
		field string
		key   string
	}{
		{"code required", store.OrganizationInput{Name: "甲", Kind: "committee"}, model.EINVALID, "code", "field.required"},
		{"code format", store.OrganizationInput{Code: "a b", Name: "甲", Kind: "committee"}, model.EINVALID, "code", "field.code_format"},
		{"name required", store.OrganizationInput{Code: "X1", Name: "  ", Kind: "committee"}, model.EINVALID, "name", "field.required"},
		{"name too long", store.OrganizationInput{Code: "X1", Name: strings.Repeat("党", 65), Kind: "committee"}, model.EINVALID, "name", "field.too_long"},
		{"kind unknown", store.OrganizationInput{Code: "X1", Name: "甲", Kind: "party"}, model.EINVALID, "kind", "field.choose"},
		{"branch needs parent", store.OrganizationInput{Code: "X1", Name: "甲", Kind: "branch"}, model.EINVALID, "parent_id", "field.required"},
		{"unknown parent", store.OrganizationInput{Code: "X1", Name: "甲", Kind: "branch", ParentID: 99999}, model.EINVALID, "parent_id", "field.unknown"},
		{"under a branch", store.OrganizationInput{Code: "X1", Name: "甲", Kind: "functional_branch", ParentID: br.ID}, model.EINVALID, "parent_id", "organization.parent_kind"},
		{"general branch under general branch", store.OrganizationInput{Code: "X1", Name: "甲", Kind: "党总支", ParentID: gb.ID}, model.EINVALID, "parent_id", "organization.parent_kind"},
		{"duplicate code", store.OrganizationInput{Code: "CX-ANDE", Name: "另一个党支部", Kind: "党支部", ParentID: top.ID}, model.ECONFLICT, "code", "field.duplicate_code"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.CreateOrganization(ctx, model.System, c.in)
			e, ok := model.AsError(err)
			if !ok || e.Code != c.code || e.Fields[c.field].Key != c.key {
				t.Fatalf("got %v, want %s %s=%s", err, c.code, c.field, c.key)
			}
		})
	}

	got, err := s.OrganizationByCode(ctx, "CX-ANDE")
	if err != nil || got.ID != br.ID || got.Name != br.Name {
		t.Fatalf("by code: %+v %v", got, err)
	}
	if _, err := s.OrganizationByCode(ctx, "NOPE"); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("missing code: %v", err)
	}
	list, err := s.Organizations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 4 || list[0].ID != top.ID {
		t.Fatalf("list: %+v", list)
	}
	for i := 1; i < len(list); i++ {
		if list[i-1].Path >= list[i].Path {
			t.Fatalf("not in path order: %q then %q", list[i-1].Path, list[i].Path)
		}
	}
	entries, err := s.ListAudit(ctx, model.AuditFilter{Action: "organization.create"})
	if err != nil || len(entries) != 4 {
		t.Fatalf("audit entries: %d %v", len(entries), err)
	}
	if res, err := s.VerifyAudit(ctx); err != nil || res.BadSeq != 0 {
		t.Fatalf("audit chain: %+v %v", res, err)
	}
	// A secretary can now be assigned to the branch.
	if _, err := s.CreateUser(ctx, model.System, store.UserInput{Username: "sec", Role: model.RoleOrgSecretary,
		OrgIDs: []int64{br.ID}, Password: storetest.Password}); err != nil {
		t.Fatal(err)
	}
}
