package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

// The enterprise page names the organizations covering it and links to its
// members; the member page offers the transfers a secretary may start.
func TestEnterpriseAndMemberPartyLinks(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ent := storetest.MustEnterprise(t, e.s, e.f.GridA1.ID, e.f.Industry.ID, 7, "永康市链接测试有限公司")
	top, err := e.s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: "LT", Name: "链接测试党委", Kind: "党委"})
	if err != nil {
		t.Fatal(err)
	}
	br, err := e.s.CreateOrganization(ctx, model.System, store.OrganizationInput{Code: "LB", Name: "链接测试党支部", Kind: "党支部", ParentID: top.ID})
	if err != nil {
		t.Fatal(err)
	}
	c := e.login("admin")
	body := c.get(fmt.Sprintf("/enterprises/%d", ent.ID), 200)
	if !strings.Contains(body, "尚未建立或纳入党组织") {
		t.Error("uncovered enterprise: no empty state")
	}
	if _, err := e.s.AddCoverage(ctx, model.System, br.ID, store.CoverageInput{EnterpriseID: ent.ID, Since: "2020-01-01"}); err != nil {
		t.Fatal(err)
	}
	body = c.get(fmt.Sprintf("/enterprises/%d", ent.ID), 200)
	for _, want := range []string{fmt.Sprintf(`href="/organizations/%d"`, br.ID), "链接测试党支部", "本企业党组织",
		fmt.Sprintf(`href="/members?enterprise=%d"`, ent.ID)} {
		if !strings.Contains(body, want) {
			t.Errorf("enterprise page lacks %q", want)
		}
	}
	m, err := e.s.CreateMember(ctx, model.System, model.MemberInput{Name: "链接", IDNumber: "11010519491231002X",
		Category: model.CategoryFull, OrgID: br.ID, EnterpriseID: ent.ID})
	if err != nil {
		t.Fatal(err)
	}
	body = c.get(fmt.Sprintf("/members/%d", m.ID), 200)
	if !strings.Contains(body, fmt.Sprintf("/transfers/new?kind=within&amp;member=%d", m.ID)) {
		t.Error("member page lacks the internal-transfer link")
	}
	// A grid worker reads the member (employed in their grid) but may not transfer.
	body = e.login("worker").get(fmt.Sprintf("/members/%d", m.ID), 200)
	if strings.Contains(body, "/transfers/new") {
		t.Error("grid worker offered a transfer")
	}
}
