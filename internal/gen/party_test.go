package gen_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"redgrid/internal/gen"
	"redgrid/internal/ident"
	"redgrid/internal/model"
	"redgrid/internal/storetest"
)

// The bulk party load must leave the same state the normal store methods
// would: counters that match the rows, paths that make subtree queries
// work, encrypted personal data that decrypts, masked forms and valid IDs.
func TestRunParty(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	var log bytes.Buffer
	const orgs, members = 1200, 9000
	if err := gen.Run(ctx, s, gen.Options{Enterprises: 500, Grids: 10, Seed: 3, Orgs: orgs, Members: members}, &log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "9000/9000 members loaded") {
		t.Fatalf("log:\n%s", log.String())
	}
	var nOrgs, nMembers, counted int
	if err := s.R.QueryRow("SELECT COUNT(*) FROM organizations").Scan(&nOrgs); err != nil {
		t.Fatal(err)
	}
	if err := s.R.QueryRow("SELECT COUNT(*) FROM members").Scan(&nMembers); err != nil {
		t.Fatal(err)
	}
	if err := s.R.QueryRow("SELECT SUM(n) FROM org_member_counts").Scan(&counted); err != nil {
		t.Fatal(err)
	}
	if nOrgs != orgs || nMembers != members || counted != members {
		t.Fatalf("%d organizations, %d members, counters sum to %d", nOrgs, nMembers, counted)
	}
	top, err := s.OrganizationByCode(ctx, "BZ-DGW")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.OrgMemberCounts(ctx, top.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Total != members || c.Full == 0 || c.Probationary == 0 {
		t.Fatalf("counts under the top: %+v", c)
	}
	// A general branch's subtree counts equal a direct count of its members.
	com, err := s.OrganizationByCode(ctx, "BZ-C001-G002")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := s.OrgMemberCounts(ctx, com.ID)
	if err != nil {
		t.Fatal(err)
	}
	var direct int
	if err := s.R.QueryRow("SELECT COUNT(*) FROM members WHERE org_path LIKE $1", com.Path+"%").Scan(&direct); err != nil {
		t.Fatal(err)
	}
	if sub.Total != direct || direct == 0 || direct == members {
		t.Fatalf("committee subtree: counters %d, rows %d", sub.Total, direct)
	}
	page, err := s.ListMembers(ctx, model.System, model.MemberFilter{OrgID: com.ID, Category: model.CategoryFull, Limit: 20})
	if err != nil || len(page.Items) != 20 || page.NextCursor == "" {
		t.Fatalf("list: %d items, %v", len(page.Items), err)
	}
	m := page.Items[0]
	sec, err := s.RevealMember(ctx, model.System, m.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, key, _ := ident.ValidateID(sec.IDNumber); key != "" || sec.IDNumber[:6] != m.IDMasked[:6] || sec.IDNumber[14:] != m.IDMasked[14:] {
		t.Fatalf("ID %s (masked %s): %s", sec.IDNumber, m.IDMasked, key)
	}
	if id, err := s.MemberIDByNumber(ctx, sec.IDNumber); err != nil || id != m.ID {
		t.Fatalf("blind index: %d %v", id, err)
	}
	// Deterministic: the same seed gives the same members.
	a := gen.PartyMember(3, 4242, []int{1, 2, 3}, nil)
	b := gen.PartyMember(3, 4242, []int{1, 2, 3}, nil)
	if a != b {
		t.Fatalf("PartyMember is not deterministic: %+v %+v", a, b)
	}
}
